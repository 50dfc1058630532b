"""What-if: the speed-ups proposed in bench/README.md, monkeypatched in, measured on the inputs.

NOT project code and not a benchmark of dumpdiff as shipped: each proposal is imitated from
outside (patching dumpdiff internals in this process) to measure what it would save before
anyone implements it. It depends on internals and may break when they change.

    .venv/bin/python bench/what_if.py lint DUMP [PROPOSAL,...]
    .venv/bin/python bench/what_if.py fleet BUNDLE [PROPOSAL,...]
    .venv/bin/python bench/what_if.py table      # every case on run_all's inputs (~3 min)

Proposals (comma-separated; `none` for the code as it is):

* ``trie``: sources/shapes.py's check compiled into one walk per resource (a trie of the
  shapes.yaml paths), the error location formatted only when a check fails;
* ``nogc``: the cyclic GC paused for the whole command, not just while loading;
* ``fastej``: fleet skips parsing a pod's /clusters output that holds no
  `failed_outlier_check` (a byte search) instead of parsing every one in the parent;
* ``slim``: fleet workers return the signature only, not the per-resource table the parent
  never reads;
* ``fastbody``: masked sections (the bootstrap) normalized through bytes like fingerprint's
  fast path instead of a Python walk calling `text()` on every key and string.

Prints one JSON line: ``{"work_s": ..., ...}`` (run it through bench/measure.py for RSS).
"""

from __future__ import annotations

import gc
import json
import sys
import time
from typing import Any

import orjson


class _Edge:
    __slots__ = ("each", "kind", "sub")

    def __init__(self) -> None:
        self.kind: str | None = None
        self.sub: dict[str, _Edge] = {}
        self.each: dict[str, _Edge] = {}


_OK: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "bool": (bool,), "dict": (dict,), "list": (list,),
    "list[dict]": (list,), "list[str]": (list,), "[]": (list,)}


def _compile_shapes() -> dict[str, dict[str, _Edge]]:
    from dumpdiff.sources import shapes

    out: dict[str, dict[str, _Edge]] = {}
    for section, checks in shapes._table().items():
        root: dict[str, _Edge] = {}
        for parts, kind in checks:
            level = root
            for i, head in enumerate(parts):
                many = head.endswith("[]")
                edge = level.setdefault(head[:-2] if many else head, _Edge())
                if many:
                    edge.kind = edge.kind or "[]"
                    level = edge.each
                elif i == len(parts) - 1:
                    edge.kind = kind
                else:
                    level = edge.sub
        out[section] = root
    return out


_ITEM: dict[str, type] = {"list[dict]": dict, "list[str]": str}


def _all_of(items: list[Any], kind: type) -> bool:
    return all(type(x) is kind for x in items)


def _walk(obj: dict[str, Any], level: dict[str, _Edge]) -> bool:
    for name, edge in level.items():
        if name not in obj:
            continue
        v: Any = obj[name]
        k = edge.kind
        if k is not None:
            if not isinstance(v, _OK[k]) or (k == "int" and isinstance(v, bool)):
                return False
            if k in _ITEM and not _all_of(obj[name], _ITEM[k]):
                return False
        if edge.sub and type(v) is dict and not _walk(v, edge.sub):
            return False
        for item in v if edge.each else ():
            if type(item) is dict and not _walk(item, edge.each):
                return False
    return True


def patch(proposals: set[str]) -> None:
    """Apply the proposals to this process (and the fleet workers it forks)."""
    if "trie" in proposals:
        import dumpdiff.sources.configdump as configdump
        from dumpdiff.sources import shapes

        table = _compile_shapes()
        slow = shapes.check_shapes

        def check_shapes(snap: Any) -> None:
            for section, resources in snap.resources.items():
                level = table.get(section) or {}
                for res in resources.values() if level else ():
                    if not isinstance(res.body, dict) or (
                            isinstance(res.meta, dict) and not _walk(res.body, level)):
                        slow(snap)  # the precise error message
                        return

        configdump.check_shapes = check_shapes
    if "nogc" in proposals:
        gc.disable()
    if "fastbody" in proposals:
        from dumpdiff.normalize import normalizer

        body = normalizer.Normalizer.body

        def fast_body(self: Any, res: Any) -> Any:
            if res.section == "secrets" or not self.tokens_apply(res):
                return body(self, res)
            out = orjson.loads(self.replace_in_bytes(orjson.dumps(res.body)))
            for path, value in self._masks.get(res.section, []):
                normalizer._mask(out, path, value)
            return out

        normalizer.Normalizer.body = fast_body  # type: ignore[method-assign]
    if "slim" in proposals:
        import dumpdiff.fleet as fleet_module

        fingerprint = fleet_module.fingerprint_proxy

        def fingerprint_proxy(proxy: Any, profile: Any) -> Any:
            out = fingerprint(proxy, profile)
            out.prints = {}
            return out

        # Pickled by name for the workers: make the name lead to this function.
        fingerprint_proxy.__module__ = "dumpdiff.fleet"
        fingerprint_proxy.__qualname__ = "fingerprint_proxy"
        fleet_module.fingerprint_proxy = fingerprint_proxy


def run_lint(dump: str) -> dict[str, Any]:
    """dumpdiff lint with every default rule."""
    from dumpdiff.lint import LintInputs, lint, load_rules

    result = lint(LintInputs([dump]), load_rules([]), "error")
    return {"findings": len(result.findings)}


def run_fleet(root: str, proposals: set[str]) -> dict[str, Any]:
    """dumpdiff fleet of a bundle folder."""
    from dumpdiff.commands.fleet import ejected_hosts
    from dumpdiff.fleet import fleet
    from dumpdiff.normalize import load_profile
    from dumpdiff.sources.bundle import ProxyInput, open_bundle

    def fast_ejected(proxy: ProxyInput) -> list[str]:
        if proxy.clusters:
            with open(proxy.clusters, "rb") as fh:
                if b"failed_outlier_check" not in fh.read():
                    return []
        return ejected_hosts(proxy)

    ejected = fast_ejected if "fastej" in proposals else ejected_hosts
    with open_bundle(root) as bundle:
        report = fleet(root, bundle.proxies, load_profile([], []), ejected=ejected)
    return {"deviating": sum(len(g.deviations) for g in report.groups)}


CASES = (  # (benchmark, proposal sets) for `what_if.py table`
    ("lint-real", ("none", "trie", "nogc", "trie,nogc")),
    ("lint-synthetic", ("none", "trie", "nogc", "trie,nogc")),
    ("fleet-real", ("none", "fastej", "trie,fastej", "trie,fastej,slim",
                    "trie,fastej,slim,fastbody")),
    ("fleet-golden", ("none", "fastej", "trie,fastej", "trie,fastej,slim",
                      "trie,fastej,slim,fastbody")),
)


def table() -> str:
    """Every case of CASES on the full suite's (cached) inputs, as a Markdown table."""
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import inputs
    import measure

    def quiet(msg: str) -> None:
        print(msg, file=sys.stderr)

    pair = inputs.replica_pair(5000, quiet)
    paths: dict[str, tuple[str, bool]] = {
        "lint-real": (str(pair.right), False),
        "lint-synthetic": (str(inputs.synthetic_dump(pair, 200.0, quiet)[0]), False),
        "fleet-real": (str(inputs.fleet_bundle(25, 20, 110, quiet).root), True),
        "fleet-golden": (str(inputs.golden_bundle(200, quiet).root), True)}
    rows = ["| benchmark | proposals | json.loads (floor) | dumpdiff API | API / floor "
            "| peak RSS | all processes (PSS) |", "|---|---|---:|---:|---:|---:|---:|"]
    out_dir = inputs.OUT / "what_if"
    for name, variants in CASES:
        path, bundle = paths[name]
        what = name.split("-")[0]
        task = "json-load-each" if bundle else "json-load"
        floor = measure.run([measure.PYTHON, str(Path(__file__).parent / "child.py"), task,
                             path], out_dir / f"{name}.floor")
        floor_s = float(floor.result()["work_s"])
        for variant in variants:
            m = measure.run([measure.PYTHON, __file__, what, path, variant],
                            out_dir / f"{name}.{variant}")
            secs = float(m.result()["work_s"])
            rows.append(f"| {name} | {variant} | {floor_s:.2f} s | {secs:.2f} s "
                        f"| {secs / floor_s:.2f}× | {m.rss_mb:.0f} MB | {m.tree_mb:.0f} MB |")
            quiet(rows[-1])
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    """`what_if.py lint|fleet PATH [PROPOSALS]` or `what_if.py table`."""
    if argv[:1] == ["table"]:
        print(table())
        return 0
    what, path = argv[0], argv[1]
    proposals = set((argv[2] if len(argv) > 2 else "none").split(",")) - {"none"}
    import dumpdiff.fleet
    import dumpdiff.lint  # imports before the clock, as in child.py

    del dumpdiff

    patch(proposals)
    t0 = time.perf_counter()
    out = run_lint(path) if what == "lint" else run_fleet(path, proposals)
    out["work_s"] = time.perf_counter() - t0
    out["proposals"] = sorted(proposals)
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
