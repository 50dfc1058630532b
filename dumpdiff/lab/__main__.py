"""Command line: `python -m dumpdiff.lab generate [--out DIR] [SCENARIO...]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dumpdiff.lab import DEFAULT_OUT, generate, scenario_names
from dumpdiff.lab.cli import run_timed


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, regenerate the requested scenarios, return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m dumpdiff.lab",
        description="Regenerate golden Envoy dumps with a real Envoy.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="run scenarios and write their folders")
    gen.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: golden_dumps/)"
    )
    gen.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"scenarios to run (default: all): {', '.join(scenario_names())}",
    )
    commands.add_parser("list", help="print the scenario names")
    args = parser.parse_args(argv)

    if args.command == "list":
        print("\n".join(scenario_names()))
        return 0
    return run_timed(lambda: generate(args.out, args.scenarios, log=print))


if __name__ == "__main__":
    sys.exit(main())
