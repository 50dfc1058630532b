"""The benchmark inputs, generated once into bench/out/cache/ and reused while their key holds.

Each input lives in a folder named after its kind, its parameters and a key hashed from the
parameters, the generator's `REVISION`, the Envoy version and (for golden bundles) the golden
dumps' content. A folder is complete when it has `meta.json`; generation writes into a
`.partial` folder first, so an interrupted run never leaves a half-made input that looks done.
Nothing here is committed (bench/out/ is gitignored).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dumpdiff.lab import find_envoy, scale

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
CACHE = OUT / "cache"
GOLDEN = ROOT / "golden_dumps"
META = "meta.json"


def envoy_version() -> str:
    """`1.40.0/...` from `envoy --version` (part of every Envoy-made input's key)."""
    binary = find_envoy()
    if binary is None:
        return "none"
    text = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    return text.strip().rsplit("version:", 1)[-1].strip()


def _golden_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(GOLDEN.rglob("*")):
        if path.is_file() and path.name in ("config_dump.json", "clusters.txt"):
            digest.update(str(path.relative_to(GOLDEN)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached(kind: str, label: str, params: dict[str, Any],
           build: Callable[[Path], dict[str, Any]], log: Callable[[str], None]
           ) -> tuple[Path, dict[str, Any]]:
    """The folder `<kind>-<label>-<key>` holding an input, built by `build(folder)` if missing.

    `build` returns facts to keep in meta.json (what was generated, expected results).
    """
    key_data = {"kind": kind, "params": params, "revision": scale.REVISION}
    key = hashlib.sha256(json.dumps(key_data, sort_keys=True).encode()).hexdigest()[:10]
    folder = CACHE / f"{kind}-{label}-{key}"
    meta_path = folder / META
    if meta_path.exists():
        log(f"  {kind}: cached ({folder.relative_to(OUT)})")
        meta: dict[str, Any] = json.loads(meta_path.read_text())
        return folder, meta
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    log(f"  {kind}: generating {params} ...")
    started = time.monotonic()
    facts = build(partial)
    meta = {**key_data, **facts, "seconds": round(time.monotonic() - started, 1)}
    (partial / META).write_text(json.dumps(meta, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    log(f"  {kind}: generated in {meta['seconds']:.0f}s ({folder.relative_to(OUT)})")
    return folder, meta


@dataclass(slots=True)
class Pair:
    """Two real replica dumps and the (section, resource) pairs that must differ."""

    services: int
    left: Path
    right: Path
    expected: set[tuple[str, str]]
    meta: dict[str, Any]


def replica_pair(services: int, log: Callable[[str], None]) -> Pair:
    """Two real Envoy dumps of a `services`-service mesh (dumpdiff.lab.scale.generate_pair)."""
    spec = scale.ScaleSpec(services)

    def build(folder: Path) -> dict[str, Any]:
        made = scale.generate_pair(spec, folder, log=log)
        return {"edits": [e.as_dict() for e in made.edits],
                "envoy_seconds": [round(c.seconds, 1) for c in made.envoy],
                "envoy_peak_rss_mb": [round(c.peak_rss_mb) for c in made.envoy],
                "bytes": [made.left.stat().st_size, made.right.stat().st_size]}

    params = {**spec.as_dict(), "envoy": envoy_version()}
    folder, meta = cached("pair", f"{services}svc", params, build, log)
    expected = {(e["section"], e["resource"]) for e in meta["edits"]}
    return Pair(services, folder / scale.PAIR_LEFT, folder / scale.PAIR_RIGHT, expected, meta)


def synthetic_dump(pair: Pair, target_mb: float, log: Callable[[str], None]
                   ) -> tuple[Path, dict[str, Any]]:
    """A SYNTHETIC ~`target_mb` MB dump inflated from the left dump of `pair`."""
    name = "synthetic.json"

    def build(folder: Path) -> dict[str, Any]:
        made = scale.inflate_dump(pair.left, scale.ScaleSpec(pair.services), folder / name,
                                  target_mb, log=log)
        return {"services": made.services, "bytes": made.size}

    params = {"services": pair.services, "target_mb": target_mb,
              "from": pair.meta.get("params", {}), "envoy": envoy_version()}
    folder, meta = cached("synthetic", f"{target_mb:.0f}MB", params, build, log)
    return folder / name, meta


@dataclass(slots=True)
class Bundle:
    """A bug-report-shaped bundle folder and the pods fleet must name as deviating."""

    root: Path
    dumps: int
    odd: set[str]
    meta: dict[str, Any]


def _bundle_facts(made: scale.BundleResult) -> dict[str, Any]:
    return {"pods": len(made.proxies), "bytes": made.dump_bytes,
            "odd": sorted(f"{p.pod}.{p.namespace}" for p in made.proxies if p.odd),
            "sources": sorted({p.source for p in made.proxies})}


def fleet_bundle(workloads: int, pods: int, services: int, log: Callable[[str], None]
                 ) -> Bundle:
    """`workloads` × `pods` real ~2 MB sidecar dumps (dumpdiff.lab.scale.generate_fleet)."""
    spec = scale.ScaleSpec(services)

    def build(folder: Path) -> dict[str, Any]:
        return _bundle_facts(scale.generate_fleet(spec, folder / "bundle", workloads=workloads,
                                                  pods=pods, log=log))

    params = {"workloads": workloads, "pods": pods, **spec.as_dict(), "envoy": envoy_version()}
    folder, meta = cached("fleet", f"{workloads}x{pods}", params, build, log)
    return Bundle(folder / "bundle", meta["pods"], set(meta["odd"]), meta)


def golden_bundle(proxies: int, log: Callable[[str], None]) -> Bundle:
    """`proxies` pods made from golden_dumps/ (dumpdiff.lab.scale.golden_bundle)."""

    def build(folder: Path) -> dict[str, Any]:
        return _bundle_facts(scale.golden_bundle(GOLDEN, folder / "bundle", proxies=proxies))

    params = {"proxies": proxies, "golden": _golden_digest()}
    folder, meta = cached("golden", f"{proxies}", params, build, log)
    return Bundle(folder / "bundle", meta["pods"], set(meta["odd"]), meta)
