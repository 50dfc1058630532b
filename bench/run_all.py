"""The big-mesh benchmark suite: dumpdiff against json.loads and the users' alternatives.

    .venv/bin/python bench/run_all.py            # full suite (~10 min once inputs are cached)
    .venv/bin/python bench/run_all.py --quick    # smaller inputs, shorter time boxes (~2 min)
    .venv/bin/python bench/run_all.py --only compare --profile

Inputs (generated on first use with a real Envoy by dumpdiff.lab.scale, cached in
bench/out/cache/, see bench/inputs.py):

* compare: two replicas' real dumps of a 1000- and a 5000-service mesh, the second fed a push
  with 8 known differences;
* lint: the largest dump, a SYNTHETIC ~200 MB dump inflated from the real 5000-service one
  (plus the real 5000-service dump itself);
* fleet: a bug-report bundle of 500 real ~2 MB sidecar dumps (25 workloads × 20 pods, 3 odd
  pods), and issue 5's bundle of 200 pods made from golden_dumps/ (4 odd pods).

Every number comes from this one run; each measurement is a fresh child process
(bench/measure.py): the floor (stdlib json.loads of the same files), the dumpdiff API (work
time measured inside the child), the dumpdiff CLI (wall time, start-up included), and for
compare DeepDiff(ignore_order=True) and `jq -S . | diff`, time-boxed. Peak RSS is the largest
process's; for fleet (worker processes) the tree's summed PSS is shown too. Timings are
reported, never asserted; the exit code is 1 only when a correctness check fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import pstats
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench modules, run as a script
import checks
import inputs
import measure

BENCH = Path(__file__).resolve().parent
CHILD = str(BENCH / "child.py")
PY = measure.PYTHON
DUMPDIFF = str(Path(PY).parent / "dumpdiff")
RUNS = inputs.OUT / "runs"
PROFILES = inputs.OUT / "profiles"


@dataclass(slots=True)
class Row:
    """One benchmark: its floor, dumpdiff's numbers, alternatives, checks and targets."""

    name: str
    what: str
    mb: float
    floor: measure.Measured | None = None
    api: measure.Measured | None = None
    cli: measure.Measured | None = None
    api_result: dict[str, Any] = field(default_factory=dict)
    alternatives: dict[str, measure.Measured | str] = field(default_factory=dict)
    checks: list[tuple[bool, str]] = field(default_factory=list)
    targets: list[tuple[bool, str]] = field(default_factory=list)
    time_target: float | None = None
    rss_target: float | None = None
    multi_process: bool = False
    profile: str = ""

    @property
    def floor_s(self) -> float:
        """The floor's work time (json.loads of the inputs, inside its child)."""
        assert self.floor is not None
        return float(self.floor.result()["work_s"])

    @property
    def api_s(self) -> float:
        """dumpdiff API work time (inside its child)."""
        assert self.api is not None
        return float(self.api.result()["work_s"])


def log(msg: str) -> None:
    """Progress on stderr (stdout carries the tables)."""
    print(msg, file=sys.stderr, flush=True)


def run(tag: str, argv: list[str], timeout: float = 3600.0) -> measure.Measured:
    """Measure one command; its stdout goes to bench/out/runs/<tag>.out."""
    m = measure.run(argv, RUNS / f"{tag}.out", timeout)
    state = "did not finish" if m.timed_out else f"exit {m.code}"
    log(f"    {tag}: {m.wall:.2f}s wall, peak RSS {m.rss_mb:.0f} MB ({state})")
    if m.code not in (0, 1) and not m.timed_out:
        raise SystemExit(f"{tag} failed (exit {m.code}):\n{m.stderr}")
    return m


def child(tag: str, *args: str, timeout: float = 3600.0, profile: bool = False
          ) -> measure.Measured:
    """Measure a bench/child.py task."""
    extra = ["--profile", str(PROFILES / f"{tag}.prof")] if profile else []
    if profile:
        PROFILES.mkdir(parents=True, exist_ok=True)
    return run(tag, [PY, CHILD, *extra, *args], timeout)


REPEAT = 1  # --repeat: best of N for the floor, the API and the CLI


def best(measured: Callable[[], measure.Measured], cli: bool = False) -> measure.Measured:
    """The fastest of REPEAT measurements (work time for child tasks, wall time for the CLI)."""
    runs = [measured() for _ in range(REPEAT)]
    return min(runs, key=lambda m: m.wall if cli else float(m.result()["work_s"]))


def fmt_s(seconds: float | None) -> str:
    """`1.23 s` / `45 ms` / `—`."""
    if seconds is None:
        return "—"
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def profile_text(path: Path, top: int = 25) -> str:
    """Top entries of a saved cProfile, by cumulative time."""
    import io

    buf = io.StringIO()
    stats = pstats.Stats(str(path), stream=buf).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


# --- benchmarks --------------------------------------------------------------------------


def bench_compare(pair: inputs.Pair, timeout: float, profile: bool) -> Row:
    """compare of two replicas: floor, API, CLI, DeepDiff, jq|diff; checks by resource name."""
    left, right = str(pair.left), str(pair.right)
    mb = (pair.left.stat().st_size + pair.right.stat().st_size) / 2e6
    tag = f"compare-{pair.services}"
    row = Row(tag, f"compare, 2 real replicas, {pair.services} services", mb,
              time_target=2.5 if pair.services >= 5000 else None,
              rss_target=2.0 if pair.services >= 5000 else None)
    log(f"[{tag}] {mb:.1f} MB per file")
    measure.warm_cache([pair.left, pair.right])
    row.floor = best(lambda: child(f"{tag}.json-loads", "json-load", left, right))
    row.api = best(lambda: child(f"{tag}.api", "compare", left, right))
    row.api_result = row.api.result()
    row.cli = best(lambda: run(f"{tag}.cli", [DUMPDIFF, "compare", left, right, "-o", "json"]),
                   cli=True)
    got = {tuple(s.split("\t", 1)) for s in row.api_result["changed"]}
    ok, detail = checks.expected_resources(got, pair.expected)
    row.checks.append((ok, f"{tag} API: {detail}"))
    cli = orjson.loads(row.cli.stdout.read_bytes())
    cli_got = {(c["section"], c["resource"]) for c in cli["changes"]}
    row.checks.append((cli_got == got, f"{tag} CLI -o json: {len(cli_got)} resources differ "
                                       f"({'same as' if cli_got == got else 'NOT the same as'}"
                                       " the API)"))
    log(f"[{tag}] alternatives (time box {timeout:.0f}s each) ...")
    dd = child(f"{tag}.deepdiff", "deepdiff", left, right, timeout=timeout)
    row.alternatives["DeepDiff(ignore_order=True)"] = dd
    if not dd.timed_out:
        res = dd.result()
        row.checks.append((True, f"{tag} DeepDiff: {res['items']} items "
                                 f"({', '.join(res['kinds'])}), by index path"))
    jq = run(f"{tag}.jq-diff", ["bash", "-c", 'diff <(jq -S . "$1") <(jq -S . "$2")', "jq-diff",
                                left, right], timeout)
    row.alternatives["jq -S . | diff"] = jq
    if not jq.timed_out:
        lines = jq.stdout.read_bytes().count(b"\n")
        row.checks.append((True, f"{tag} jq -S . | diff: {lines} lines of diff output"))
    if profile:
        child(f"{tag}.api-profiled", "compare", left, right, profile=True)
        row.profile = profile_text(PROFILES / f"{tag}.api-profiled.prof")
    return row


def bench_lint(dump: Path, label: str, profile: bool, expect: dict[str, int] | None = None
               ) -> Row:
    """lint with all default rules: floor, API, CLI `dumpdiff lint DUMP -o json`."""
    mb = dump.stat().st_size / 1e6
    tag = f"lint-{label}"
    row = Row(tag, f"lint, all rules, {label} ({mb:.0f} MB)", mb, time_target=3.0)
    log(f"[{tag}] {mb:.1f} MB")
    measure.warm_cache([dump])
    row.floor = best(lambda: child(f"{tag}.json-loads", "json-load", str(dump)))
    row.api = best(lambda: child(f"{tag}.api", "lint", str(dump)))
    row.api_result = row.api.result()
    row.cli = best(lambda: run(f"{tag}.cli", [DUMPDIFF, "lint", str(dump), "-o", "json"]),
                   cli=True)
    cli = orjson.loads(row.cli.stdout.read_bytes())
    found = row.api_result["by_rule"]
    row.checks.append((len(cli.get("findings", [])) == row.api_result["findings"],
                       f"{tag}: {row.api_result['rules']} rules, {row.api_result['findings']} "
                       f"findings {found or ''} (CLI: {len(cli.get('findings', []))})"))
    if expect is not None:
        ok = all(found.get(rule) == n for rule, n in expect.items())
        row.checks.append((ok, f"{tag}: the odd push's subset without endpoints is found "
                               f"({', '.join(f'{r}: {n}' for r, n in expect.items())})"))
    if profile:
        child(f"{tag}.api-profiled", "lint", str(dump), profile=True)
        row.profile = profile_text(PROFILES / f"{tag}.api-profiled.prof")
    return row


def bench_fleet(bundle: inputs.Bundle, label: str, profile: bool) -> Row:
    """fleet of a bundle: floor (json.loads of every dump in turn), API, CLI; odd pods named."""
    mb = bundle.meta["bytes"] / 1e6
    tag = f"fleet-{label}"
    row = Row(tag, f"fleet, {bundle.dumps} proxies × {mb / bundle.dumps:.2f} MB ({label})", mb,
              time_target=3.0, multi_process=True)
    log(f"[{tag}] {bundle.dumps} dumps, {mb:.0f} MB")
    measure.warm_cache([p for p in bundle.root.rglob("*") if p.is_file()])
    row.floor = best(lambda: child(f"{tag}.json-loads", "json-load-each", str(bundle.root)))
    row.api = best(lambda: child(f"{tag}.api", "fleet", str(bundle.root)))
    row.api_result = row.api.result()
    row.cli = best(lambda: run(f"{tag}.cli", [DUMPDIFF, "fleet", str(bundle.root), "-o", "json"]),
                   cli=True)
    got = set(row.api_result["deviating"])
    row.checks.append((got == bundle.odd, f"{tag} API: {len(got)} deviating pods "
                                          f"(expected the {len(bundle.odd)} odd ones)"
                       + ("" if got == bundle.odd else f"; got {sorted(got)[:5]}")))
    cli = orjson.loads(row.cli.stdout.read_bytes())
    cli_got = {d["pod"] for g in cli["groups"] for d in g["deviations"]}
    row.checks.append((cli_got == got and cli["proxies"] == bundle.dumps,
                       f"{tag} CLI -o json: {cli['proxies']} proxies, {len(cli['groups'])} "
                       f"workloads, {len(cli_got)} deviating pods"))
    if profile:  # the workers' share: fleet's per-proxy work run serially (see child.py)
        child(f"{tag}.serial-profiled", "fleet-serial", str(bundle.root), profile=True)
        row.profile = ("fleet's per-proxy work (fingerprint_proxy, ejections included), serially:\n"
                       + profile_text(PROFILES / f"{tag}.serial-profiled.prof"))
    return row


# --- report ------------------------------------------------------------------------------


def evaluate(row: Row) -> None:
    """Fill in the issue's targets for `row` (reported, never asserted)."""
    if row.time_target is not None and row.api and row.cli:
        for who, secs in (("API", row.api_s), ("CLI", row.cli.wall)):
            ratio = secs / row.floor_s
            row.targets.append((ratio <= row.time_target,
                                f"{row.name}: dumpdiff {who} / json.loads = {ratio:.2f}× "
                                f"(target ≤ {row.time_target:g}×)"))
    if row.rss_target is not None and row.floor and row.cli and row.api:
        for who, m in (("API", row.api), ("CLI", row.cli)):
            ratio = m.rss_mb / row.floor.rss_mb
            row.targets.append((ratio <= row.rss_target,
                                f"{row.name}: peak RSS dumpdiff {who} / json.loads = "
                                f"{ratio:.2f}× (target ≤ {row.rss_target:g}×)"))


def tables(rows: list[Row], timeout: float) -> str:
    """The time, memory and alternatives tables (Markdown)."""
    out = ["| benchmark | MB | json.loads (floor) | dumpdiff API | API / floor | dumpdiff CLI "
           "| CLI / floor | target |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        target = f"≤ {r.time_target:g}×" if r.time_target else "—"
        out.append(f"| {r.what} | {r.mb:.0f} | {fmt_s(r.floor_s)} | {fmt_s(r.api_s)} "
                   f"| {r.api_s / r.floor_s:.2f}× | {fmt_s(r.cli.wall if r.cli else None)} "
                   f"| {(r.cli.wall if r.cli else 0) / r.floor_s:.2f}× | {target} |")
    out += ["", "| benchmark | json.loads peak RSS | dumpdiff API peak RSS | dumpdiff CLI peak "
            "RSS | CLI / json.loads | CLI all processes (PSS) | target |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        assert r.floor and r.api and r.cli
        tree = f"{r.cli.tree_mb:.0f} MB" if r.multi_process else "—"
        target = f"≤ {r.rss_target:g}×" if r.rss_target else "—"
        out.append(f"| {r.what} | {r.floor.rss_mb:.0f} MB | {r.api.rss_mb:.0f} MB "
                   f"| {r.cli.rss_mb:.0f} MB | {r.cli.rss_mb / r.floor.rss_mb:.2f}× | {tree} "
                   f"| {target} |")
    alt_rows = [r for r in rows if r.alternatives]
    if alt_rows:
        names = list(alt_rows[0].alternatives)
        header = " | ".join(n.replace("|", "\\|") for n in names)  # `jq | diff` in a cell
        out += ["", f"| compare | json.loads ×2 | dumpdiff CLI | {header} |",
                "|---|---:|---:|" + "---:|" * len(names)]
        for r in alt_rows:
            cells = []
            for n in names:
                alt = r.alternatives[n]
                if isinstance(alt, str):
                    cells.append(alt)
                elif alt.timed_out:
                    cells.append(f"did not finish in {timeout:.0f} s")
                else:
                    cells.append(f"{fmt_s(alt.wall)} ({alt.rss_mb:.0f} MB)")
            assert r.cli
            out.append(f"| {r.what} | {fmt_s(r.floor_s)} | {fmt_s(r.cli.wall)} "
                       f"({r.cli.rss_mb:.0f} MB) | " + " | ".join(cells) + " |")
    return "\n".join(out)


def environment() -> str:
    """One line describing the machine and versions."""
    import deepdiff

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
            f"{mem:.0f} GiB RAM; Envoy {inputs.envoy_version()}; deepdiff {deepdiff.__version__}")


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwind: context managers stop any Envoy we started


def main() -> int:
    """Generate (or reuse) the inputs, run the benchmarks, print and save the tables."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="1000-service compare, 50 MB lint, 100-proxy fleet, 30 s time boxes")
    ap.add_argument("--only", action="append", choices=("compare", "lint", "fleet", "golden"),
                    help="run only these benchmarks (repeatable)")
    ap.add_argument("--timeout", type=float, help="time box of each alternative (s); "
                                                  "default 120, 30 with --quick")
    ap.add_argument("--profile", action="store_true",
                    help="also cProfile one API run per benchmark (top 25 by cumulative time)")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="best of N for the floor, the API and the CLI (default 1)")
    ap.add_argument("--markdown", type=Path, help="write the report here (default "
                                                  "bench/out/results-run_all[-quick].md)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    global REPEAT
    REPEAT = max(1, args.repeat)
    only = set(args.only or ("compare", "lint", "fleet", "golden"))
    timeout = args.timeout or (30.0 if args.quick else 120.0)
    sizes = (1000,) if args.quick else (1000, 5000)
    started = time.monotonic()

    log("inputs (bench/out/cache/):")
    pairs = [inputs.replica_pair(n, log) for n in sizes] if only & {"compare", "lint"} else []
    synthetic = (inputs.synthetic_dump(pairs[-1], 50.0 if args.quick else 200.0, log)
                 if "lint" in only else None)
    fleet = (inputs.fleet_bundle(5 if args.quick else 25, 20, 110, log)
             if "fleet" in only else None)
    golden = inputs.golden_bundle(200, log) if "golden" in only else None
    generated = time.monotonic() - started

    rows: list[Row] = []
    if "compare" in only:
        rows += [bench_compare(p, timeout, args.profile) for p in pairs]
    if synthetic is not None:
        biggest = pairs[-1]
        rows.append(bench_lint(biggest.right, f"real {biggest.services} svc", args.profile,
                               expect={"SUBSET-WITHOUT-ENDPOINTS": 1}))
        rows.append(bench_lint(synthetic[0], f"synthetic {synthetic[1]['services']} svc",
                               args.profile))
    if fleet is not None:
        rows.append(bench_fleet(fleet, "real", args.profile))
    if golden is not None:
        rows.append(bench_fleet(golden, "golden", args.profile))
    for r in rows:
        evaluate(r)

    took = time.monotonic() - started
    command = "bench/run_all.py" + (" --quick" if args.quick else "") + (
        f" --repeat {REPEAT}" if REPEAT > 1 else "")
    text = "\n".join([
        f"`.venv/bin/python {command}` — {environment()}; benchmarks {took - generated:.0f} s "
        f"(+ {generated:.0f} s inputs).", "", tables(rows, timeout), ""])
    checks = [c for r in rows for c in r.checks]
    targets = [t for r in rows for t in r.targets]
    verdicts = ([f"{'PASS' if ok else 'FAIL'}  {msg}" for ok, msg in checks]
                + [f"{'met ' if ok else 'MISS'}  {msg}" for ok, msg in targets])
    print("\n" + text + "\n" + "\n".join(verdicts))
    for r in rows:
        if r.profile:
            print(f"\n=== cProfile: dumpdiff API, {r.what} ===\n{r.profile}")
    md = args.markdown or inputs.OUT / f"results-run_all{'-quick' if args.quick else ''}.md"
    md.parent.mkdir(parents=True, exist_ok=True)
    md.write_text(text + "\n```\n" + "\n".join(verdicts) + "\n```\n", "utf-8")
    log(f"wrote {md}")
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
