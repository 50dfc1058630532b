"""fleet: group many proxies by workload, find each group's majority configuration, and name
the pods that deviate, with their exact differences (compare's change format).

Memory stays bounded: each proxy is reduced to a table of resource fingerprints in a worker
process; only the pods that deviate are loaded again, to diff them against a majority pod.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from dumpdiff.diff import compare
from dumpdiff.errors import InputError
from dumpdiff.gc_pause import gc_paused
from dumpdiff.model.snapshot import Identity
from dumpdiff.normalize.normalizer import Normalizer
from dumpdiff.normalize.profile import Profile
from dumpdiff.results import Change
from dumpdiff.sources import load_snapshot
from dumpdiff.sources.bundle import ProxyInput
from dumpdiff.sources.clusters_status import load_clusters_status

FLEET_SCHEMA_VERSION = "dumpdiff.fleet/v1"
_PARALLEL_FROM = 8  # below this, starting worker processes costs more than it saves


@dataclass(slots=True)
class ProxyPrint:
    """One proxy reduced to what fleet needs: identity and per-resource fingerprints."""

    label: str
    path: str | None
    identity: Identity = field(default_factory=Identity)
    signature: str = ""  # digest of every normalized resource: equal for agreeing replicas
    ejected: list[str] = field(default_factory=list)  # hosts /clusters marks as ejected
    problem: str = ""  # why it could not be read (or "no config dump")
    skipped: str = ""  # why it was left out on purpose (ztunnel)

    @property
    def name(self) -> str:
        """`pod.namespace` when known, else the bundle path."""
        return self.identity.display or self.label


def fingerprint_proxy(proxy: ProxyInput, profile: Profile) -> ProxyPrint:
    """Load one dump and reduce it to fingerprints (runs in a worker process)."""
    out = ProxyPrint(proxy.label, proxy.config_dump)
    if proxy.config_dump is None:
        out.problem = "no config dump in the bundle (the pod's proxy debug files are missing)"
        out.identity = Identity(pod=proxy.pod, namespace=proxy.namespace)
        return out
    try:
        snap = load_snapshot(proxy.config_dump)
    except InputError as exc:
        if "ztunnel" in exc.problem:
            out.skipped = "ztunnel"
        else:
            out.problem = exc.problem
        out.identity = Identity(pod=proxy.pod, namespace=proxy.namespace)
        return out
    out.identity = snap.identity
    if proxy.pod and snap.identity.pod and proxy.pod != snap.identity.pod:
        out.problem = (f"bundle path says pod {proxy.pod} but the dump's bootstrap says "
                       f"{snap.identity.pod}")
    norm = Normalizer(profile, snap.identity)
    prints = {f"{section}\x00{norm.text(key)}": norm.fingerprint(res)
              for section, table in snap.resources.items() for key, res in table.items()}
    digest = hashlib.blake2b(digest_size=16)
    for k in sorted(prints):
        digest.update(k.encode())
        digest.update(prints[k])
    out.signature = digest.hexdigest()
    out.ejected = ejected_hosts(proxy.clusters) if proxy.clusters else []
    return out


def ejected_hosts(clusters_file: str) -> list[str]:
    """`host (cluster)` for every host the pod's /clusters output marks outlier-ejected."""
    try:
        with open(clusters_file, "rb") as fh:
            raw = fh.read()
    except OSError:
        return []
    # Most pods have no ejection: skip parsing a megabyte of /clusters text for nothing.
    if b"failed_outlier_check" not in raw and b"failedOutlierCheck" not in raw:
        return []
    try:
        status = load_clusters_status(clusters_file)
    except InputError:
        return []  # an odd /clusters file must not hide the fleet report
    return [f"{h.address} ({h.cluster})" for h in status.hosts if h.ejected]


def workload_key(ident: Identity, label: str) -> str:
    """namespace/WORKLOAD_NAME, else the OWNER's name, else app+version labels, else the pod."""
    ns = ident.namespace or "?"
    if ident.workload:
        return f"{ns}/{ident.workload}"
    if ident.owner:
        return f"{ns}/{ident.owner.rstrip('/').rsplit('/', 1)[-1]}"
    if ident.app:
        return f"{ns}/{ident.app}" + (f"-{ident.version}" if ident.version else "")
    return f"{ns}/{ident.pod}" if ident.pod else label


@dataclass(slots=True)
class Deviation:
    """A pod that differs from its group's majority."""

    pod: str
    label: str
    reference: str  # the majority pod it was compared with
    changes: list[Change] = field(default_factory=list)


@dataclass(slots=True)
class Group:
    """Pods of one workload."""

    workload: str
    pods: list[str]
    majority: list[str] = field(default_factory=list)  # pods that agree with the majority
    has_majority: bool = True
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def agree(self) -> bool:
        """True when every pod of the group has the same normalized configuration."""
        return not self.deviations


@dataclass(slots=True)
class FleetReport:
    """The outcome of `fleet`."""

    source: str
    proxies: int
    groups: list[Group] = field(default_factory=list)
    version_skew: dict[str, list[str]] = field(default_factory=dict)  # version → pods
    missing: list[tuple[str, str]] = field(default_factory=list)  # (pod/label, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ejections: dict[str, list[str]] = field(default_factory=dict)  # pod → ejected hosts

    @property
    def disagree(self) -> bool:
        """Any group with a deviating pod, or proxies on different versions."""
        return any(not g.agree for g in self.groups) or len(self.version_skew) > 1

    def to_dict(self) -> dict[str, Any]:
        """The documented, versioned JSON form."""
        return {
            "schema": FLEET_SCHEMA_VERSION,
            "source": self.source,
            "proxies": self.proxies,
            "agree": not self.disagree,
            "groups": [{
                "workload": g.workload, "pods": g.pods, "majority": g.majority,
                "has_majority": g.has_majority, "agree": g.agree,
                "deviations": [{"pod": d.pod, "label": d.label, "reference": d.reference,
                                "changes": [c.to_dict() for c in d.changes]}
                               for d in g.deviations],
            } for g in self.groups],
            "version_skew": self.version_skew if len(self.version_skew) > 1 else {},
            "missing": [{"pod": p, "why": w} for p, w in self.missing],
            "skipped": [{"pod": p, "why": w} for p, w in self.skipped],
            "ejections": self.ejections,
        }


def fingerprint_all(proxies: list[ProxyInput], profile: Profile,
                    progress: Callable[[int], None] | None = None) -> list[ProxyPrint]:
    """Fingerprint every proxy, in parallel across CPU cores for big bundles."""
    workers = min(os.cpu_count() or 1, len(proxies))
    if len(proxies) < _PARALLEL_FROM or workers < 2:
        out = []
        for p in proxies:
            out.append(fingerprint_proxy(p, profile))
            if progress:
                progress(1)
        return out
    results: list[ProxyPrint] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for pp in pool.map(fingerprint_proxy, proxies, [profile] * len(proxies),
                           chunksize=max(1, len(proxies) // (workers * 8))):
            results.append(pp)
            if progress:
                progress(1)
    return results


def fleet(source: str, proxies: list[ProxyInput], profile: Profile,
          progress: Callable[[int], None] | None = None) -> FleetReport:
    """Group, find majorities and explain every deviating pod."""
    with gc_paused():
        prints = fingerprint_all(proxies, profile, progress)
    report = FleetReport(source, len(proxies))
    by_group: dict[str, list[ProxyPrint]] = {}
    for pp in prints:
        if pp.skipped:
            report.skipped.append((pp.name, pp.skipped))
        elif pp.problem and not pp.signature:
            report.missing.append((pp.name, pp.problem))
        else:
            if pp.problem:
                report.missing.append((pp.name, pp.problem))
            by_group.setdefault(workload_key(pp.identity, pp.label), []).append(pp)
    versions: dict[str, list[str]] = {}
    for members in by_group.values():
        for pp in members:
            ver = (f"Istio {pp.identity.istio_version or '?'} / "
                   f"Envoy {pp.identity.envoy_version or '?'}")
            versions.setdefault(ver, []).append(pp.name)
    report.version_skew = versions
    for workload in sorted(by_group):
        report.groups.append(_group(workload, by_group[workload], profile))
    for pp in prints:
        if pp.ejected:
            report.ejections[pp.name] = pp.ejected
    return report


def _group(workload: str, members: list[ProxyPrint], profile: Profile) -> Group:
    members = sorted(members, key=lambda p: p.name)
    group = Group(workload, [p.name for p in members])
    if len(members) < 2:
        group.majority = list(group.pods)
        return group
    classes = Counter(p.signature for p in members)
    top, count = max(classes.items(), key=lambda kv: (kv[1], -_first(members, kv[0])))
    group.has_majority = count * 2 > len(members)
    group.majority = [p.name for p in members if p.signature == top]
    reference = next(p for p in members if p.signature == top)
    ref_snap = None
    for pp in members:
        if pp.signature == top:
            continue
        if ref_snap is None:
            ref_snap = load_snapshot(reference.path or "")
        result = compare(ref_snap, load_snapshot(pp.path or ""), profile)
        group.deviations.append(Deviation(pp.name, pp.label, reference.name, result.changes))
    return group


def _first(members: list[ProxyPrint], signature: str) -> int:
    return next(i for i, p in enumerate(members) if p.signature == signature)


def progress_bar(total: int) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A rich progress bar on stderr when it is a terminal; (None, no-op) otherwise."""
    if not sys.stderr.isatty() or total < 2:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import Progress

    prog = Progress(console=Console(stderr=True), transient=True)
    task = prog.add_task("fingerprinting proxies", total=total)
    prog.start()
    return (lambda n: prog.advance(task, n)), prog.stop
