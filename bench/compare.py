"""Time `dumpdiff compare` against the json.loads floor and a DeepDiff(ignore_order) baseline.

Cases (inputs generated at run time by bench/make_pair.py into bench/out/):

* (a) the corpus dump sidecar-productpage-istio13.json against a scrambled copy (set-like
  lists shuffled, keys reordered, last_updated changed) with one cluster's connect_timeout
  edited;
* (b) a synthetic pair of >= 50 MB each (thousands of Istio-named services) with a few edits.

Reports best-of-N wall times (in-process API and CLI subprocess), the peak RSS of a CLI
subprocess against a subprocess that only json-loads both files, and checks that dumpdiff
reports exactly the edits made (by resource name) while DeepDiff reports index paths.
Exits 1 when a correctness check fails (timings are reported, never asserted).

Usage: ``.venv/bin/python bench/compare.py [--runs 3] [--services 5000] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))  # make_pair, run as a script
import make_pair
from checks import expected_resources

from dumpdiff.diff import compare
from dumpdiff.model.snapshot import RESOURCE_NOUNS
from dumpdiff.normalize import default_profile
from dumpdiff.results import CompareResult
from dumpdiff.sources import load_snapshot

PYTHON = sys.executable
DUMPDIFF = str(Path(PYTHON).parent / "dumpdiff")
LOAD_ONLY = ("import json, sys\n"
             "a = json.loads(open(sys.argv[1], 'rb').read())\n"
             "b = json.loads(open(sys.argv[2], 'rb').read())\n")


@dataclass(slots=True)
class Case:
    """One input pair and what a correct comparison of it reports."""

    label: str
    left: Path
    right: Path
    expected: set[tuple[str, str]]  # (section, resource) of every resource that differs
    deepdiff: bool = False


@dataclass(slots=True)
class Row:
    """Measurements of one case."""

    case: Case
    mb: float = 0.0
    json_s: float = 0.0
    orjson_s: float = 0.0
    api_s: float = 0.0
    api_load_s: float = 0.0
    cli_s: float = 0.0
    deepdiff_s: float | None = None
    rss_json_mb: float = 0.0
    rss_cli_mb: float = 0.0
    rss_python_mb: float = 0.0
    checks: list[tuple[bool, str]] = field(default_factory=list)


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of `runs` calls of `fn` and the last result.

    The previous result is dropped before each call: a few hundred MB of live parsed JSON
    would otherwise make the cyclic GC (which runs during parsing) measurably slower.
    """
    best, result = float("inf"), None
    for _ in range(runs):
        result = None
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


# Runs one command and reports its wall time and peak RSS. Measuring from a small, fresh
# interpreter matters: Linux carries the pre-exec RSS of a forked process into ru_maxrss, so a
# child forked straight from this (large) benchmark process would report our size, not its own.
_RUNNER = """
import json, os, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    t0 = time.perf_counter()
    code = subprocess.run(sys.argv[2:], stdout=out).returncode
    wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_kib": rss, "code": code}))
"""


def child(argv: list[str], stdout: Path | None = None) -> tuple[float, float, int]:
    """Run `argv` from a fresh runner; return wall time, peak RSS in MB and exit code."""
    out = subprocess.run([PYTHON, "-c", _RUNNER, str(stdout or os.devnull), *argv],
                         check=True, capture_output=True).stdout
    m = json.loads(out)
    return float(m["wall"]), m["rss_kib"] / 1024, int(m["code"])  # ru_maxrss: KiB on Linux


def load_json_both(case: Case) -> tuple[Any, Any]:
    """The floor: read and parse both files with the stdlib."""
    return json.loads(case.left.read_bytes()), json.loads(case.right.read_bytes())


def run_api(case: Case) -> tuple[CompareResult, float]:
    """dumpdiff in-process: load both snapshots and compare; also return the load time."""
    t0 = time.perf_counter()
    a, b = load_snapshot(str(case.left)), load_snapshot(str(case.right))
    loaded = time.perf_counter() - t0
    return compare(a, b, default_profile()), loaded


def changed_resources(result: CompareResult) -> set[tuple[str, str]]:
    """(section, resource) of every resource dumpdiff reports as different."""
    return {(c.section, c.resource) for c in result.changes}


def check_dumpdiff(row: Row, result: CompareResult, cli_json: Path) -> None:
    """dumpdiff must report exactly the expected resources, by name, in the API and the CLI."""
    case = row.case
    got = changed_resources(result)
    ok, detail = expected_resources(got, case.expected)
    row.checks.append((ok, f"dumpdiff API: {detail}"))
    cli = orjson.loads(cli_json.read_bytes())
    cli_got = {(c["section"], c["resource"]) for c in cli["changes"]}
    row.checks.append((cli_got == got, f"dumpdiff CLI -o json: {len(cli_got)} resources differ "
                                       f"({'same as' if cli_got == got else 'NOT the same as'} "
                                       "the API)"))


def check_edit_line(row: Row, result: CompareResult) -> None:
    """Case (a): the edited value is reported under the cluster's name, not an index."""
    hits = [c for c in result.changes
            if c.resource == make_pair.EDITED_CLUSTER and c.path == make_pair.EDITED_FIELD]
    ok = len(hits) == 1 and (hits[0].old, hits[0].new) == (make_pair.EDITED_OLD,
                                                           make_pair.EDITED_NEW)
    line = (f"{RESOURCE_NOUNS[hits[0].section]} {hits[0].resource}: {hits[0].path} "
            f"{hits[0].old} → {hits[0].new}") if hits else "(edit not reported)"
    row.checks.append((ok, f"dumpdiff line: {line}"))


def check_deepdiff(row: Row, dd: Any) -> None:
    """Case (a): DeepDiff reports index paths; show the item that carries the edit."""
    items = [(kind, path, value) for kind, report in dd.items()
             for path, value in (report.items() if isinstance(report, dict)
                                 else ((p, None) for p in report))]
    indexed = all(path.startswith("root['configs'][") for _, path, _ in items)
    edit = [(k, p, v) for k, p, v in items if make_pair.EDITED_CLUSTER in repr(v)
            or p.endswith(f"['{make_pair.EDITED_FIELD}']")]
    kind, path, value = (edit or items)[0]
    shown = f"{kind}: {path}: {repr(value)[:110]}…"
    where = "the edit is inside" if edit else "the edit is not located; first item"
    row.checks.append((indexed and bool(items),
                       f"DeepDiff reports {len(items)} items, all by index path; "
                       f"{where}: {shown}"))


def measure(case: Case, runs: int, deepdiff_runs: int) -> Row:
    """All timings and checks of one case."""
    row = Row(case, mb=(case.left.stat().st_size + case.right.stat().st_size) / 2e6)
    print(f"[{case.label}] json.loads ...", flush=True)
    row.json_s = best_of(runs, lambda: load_json_both(case))[0]
    row.orjson_s = best_of(runs, lambda: (orjson.loads(case.left.read_bytes()),
                                          orjson.loads(case.right.read_bytes())))[0]
    print(f"[{case.label}] dumpdiff API ...", flush=True)
    api_best = float("inf")
    result: CompareResult | None = None
    for _ in range(runs):
        result = None
        gc.collect()
        t0 = time.perf_counter()
        result, loaded = run_api(case)
        wall = time.perf_counter() - t0
        if wall < api_best:
            api_best, row.api_load_s = wall, loaded
    row.api_s = api_best
    assert result is not None
    print(f"[{case.label}] dumpdiff CLI ...", flush=True)
    cli_out = make_pair.OUT / f"cli-{case.label}.json"
    cli_times, cli_rss = [], []
    for _ in range(runs):
        wall, rss, code = child([DUMPDIFF, "compare", str(case.left), str(case.right),
                                 "-o", "json"], cli_out)
        if code not in (0, 1):
            raise SystemExit(f"dumpdiff CLI exited {code} on {case.label}")
        cli_times.append(wall)
        cli_rss.append(rss)
    row.cli_s, row.rss_cli_mb = min(cli_times), max(cli_rss)
    _, row.rss_json_mb, _ = child([PYTHON, "-c", LOAD_ONLY, str(case.left), str(case.right)])
    _, row.rss_python_mb, _ = child([PYTHON, "-c", "pass"])
    check_dumpdiff(row, result, cli_out)
    if case.deepdiff:
        from deepdiff import DeepDiff

        check_edit_line(row, result)
        print(f"[{case.label}] DeepDiff(ignore_order=True) ...", flush=True)

        def deep() -> Any:
            a, b = load_json_both(case)
            return DeepDiff(a, b, ignore_order=True)

        row.deepdiff_s, dd = best_of(deepdiff_runs, deep)
        check_deepdiff(row, dd)
    return row


def profile_api(case: Case, top: int) -> str:
    """cProfile of one in-process dumpdiff compare of `case`: top by own and cumulative time."""
    prof = cProfile.Profile()
    prof.enable()
    run_api(case)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def fmt_s(seconds: float | None) -> str:
    """`1.23 s` / `45 ms`."""
    if seconds is None:
        return "—"
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def table(rows: list[Row], runs: int, deepdiff_runs: int) -> str:
    """The results as two Markdown tables (time, memory)."""
    out = [f"Best of {runs} runs (DeepDiff: best of {deepdiff_runs}); every time includes "
           "reading and parsing both files.", "",
           "| case | MB/file | json.loads ×2 | orjson ×2 | dumpdiff API (load) | dumpdiff CLI "
           "| DeepDiff ignore_order | API / json.loads | CLI / json.loads | DeepDiff / API |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        dd_ratio = f"{r.deepdiff_s / r.api_s:.0f}×" if r.deepdiff_s is not None else "—"
        out.append(f"| {r.case.label} | {r.mb:.1f} | {fmt_s(r.json_s)} | {fmt_s(r.orjson_s)} "
                   f"| {fmt_s(r.api_s)} ({fmt_s(r.api_load_s)}) | {fmt_s(r.cli_s)} "
                   f"| {fmt_s(r.deepdiff_s)} | {r.api_s / r.json_s:.2f}× "
                   f"| {r.cli_s / r.json_s:.2f}× | {dd_ratio} |")
    out += ["", "| case | peak RSS: python -c pass | json.loads both | dumpdiff compare CLI "
            "| CLI / json.loads |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r.case.label} | {r.rss_python_mb:.0f} MB | {r.rss_json_mb:.0f} MB "
                   f"| {r.rss_cli_mb:.0f} MB | {r.rss_cli_mb / r.rss_json_mb:.2f}× |")
    return "\n".join(out)


def targets(rows: list[Row]) -> list[tuple[bool, str]]:
    """The issue's performance targets, reported (not asserted)."""
    out = []
    for r in rows:
        if r.case.label.startswith("(b)"):
            ratio = r.api_s / r.json_s
            out.append((ratio <= 4, f"{r.case.label}: dumpdiff/json.loads = {ratio:.2f}× "
                                    "(target ≤ 4×)"))
        if r.deepdiff_s is not None:
            ratio = r.deepdiff_s / r.api_s
            out.append((ratio >= 20, f"{r.case.label}: DeepDiff/dumpdiff = {ratio:.0f}× "
                                     "(target ≥ 20×)"))
    return out


def main() -> int:
    """Generate the inputs, measure both cases, print the tables and the checks."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="best of N (default 3)")
    ap.add_argument("--deepdiff-runs", type=int, default=1, help="best of N for DeepDiff")
    ap.add_argument("--services", type=int, default=5000, help="services in pair (b)")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--keep-order", action="append", default=[], metavar="FIELD",
                    help="do not shuffle lists held by FIELD (repeatable)")
    ap.add_argument("--only", choices=("a", "b"), help="run one case")
    ap.add_argument("--profile", action="store_true",
                    help="also print a cProfile of one dumpdiff API run per case")
    ap.add_argument("--markdown", type=Path, default=make_pair.OUT / "results.md",
                    help="also write the tables here (default bench/out/results.md)")
    args = ap.parse_args()
    set_lists = make_pair.SET_LISTS - set(args.keep_order)

    print("generating inputs into bench/out/ ...", flush=True)
    cases = []
    if args.only in (None, "a"):
        scrambled = make_pair.make_scrambled_corpus(args.seed, set_lists)
        cases.append(Case("(a) istio13 corpus", make_pair.TEMPLATE_DUMP, scrambled,
                          {("clusters", make_pair.EDITED_CLUSTER)}, deepdiff=True))
    if args.only in (None, "b"):
        a, b, edits = make_pair.make_synthetic_pair(args.services, args.seed, set_lists)
        cases.append(Case("(b) synthetic", a, b, {(e.section, e.resource) for e in edits}))

    rows = [measure(c, args.runs, args.deepdiff_runs) for c in cases]
    text = table(rows, args.runs, args.deepdiff_runs)
    env = (f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; "
           f"shuffled lists: {', '.join(sorted(set_lists))}")
    print("\n" + text + "\n\n" + env + "\n")
    checks = [c for r in rows for c in r.checks]
    for ok, msg in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {msg}")
    for ok, msg in targets(rows):
        print(f"{'met ' if ok else 'MISS'}  {msg}")
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(text + "\n\n" + env + "\n\n" + "\n".join(
        f"- {'PASS' if ok else 'FAIL'} {msg}" for ok, msg in checks) + "\n", "utf-8")
    if args.profile:
        for c in cases:
            print(f"\n=== cProfile: dumpdiff API on {c.label} ===")
            print(profile_api(c, 25))
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
