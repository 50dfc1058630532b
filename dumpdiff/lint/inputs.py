"""Turn `dumpdiff lint` arguments into proxies to lint, each with its own companions.

An argument is a dump file, or a bundle: a folder or .tar.gz/.tgz/.zip laid out like
`istioctl bug-report` (or a plain folder of dumps). A bundle brings, for every pod, the
pod's own `/clusters` output (bug-report's text `clusters`, or clusters.json/clusters.txt
beside a dump), plus the bundle's manifests and proxy-status output (also istiod's
`debug/syncz`, which is what bug-report saves). Each proxy is linted with its own proxy-status
row; rows for proxies that have no dump are linted on their own, so a STALE pod is reported
even when its dump is missing.

Archives are extracted to a temporary folder for the duration of the run; everything shown
to the user names the archive and the member (`bundle.tgz!/proxies/ns/pod/...`), never the
temporary path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from dumpdiff.errors import InputError
from dumpdiff.facts.sync import proxy_key
from dumpdiff.sources.archive import is_archive
from dumpdiff.sources.bundle import Bundle, open_bundle
from dumpdiff.sources.clusters_status import ClustersStatus, load_clusters_status
from dumpdiff.sources.manifests import Manifest, load_manifests
from dumpdiff.sources.proxy_status import ProxyStatus, ProxySync, load_proxy_status


@dataclass(slots=True)
class LintInputs:
    """What the user passed to `dumpdiff lint` (or a rule fixture names)."""

    dumps: list[str]
    manifests: list[str] = field(default_factory=list)
    clusters: str | None = None  # applies to plain dump arguments (bundles bring their own)
    proxy_status: str | None = None
    mode: str = "lint"  # lint | premerge


@dataclass(slots=True)
class ProxyJob:
    """One proxy to lint: where its dump is, and how to name it."""

    label: str  # shown to the user
    path: str | None  # readable path (inside a temporary folder for archives)
    clusters: str | None = None
    clusters_label: str | None = None
    in_bundle: bool = False


@dataclass(slots=True)
class Resolved:
    """Every input of a run, read and labelled."""

    proxies: list[ProxyJob]
    manifests: list[Manifest] | None
    manifest_labels: list[str]
    statuses: list[ProxyStatus]
    checked: list[Manifest] | None = None  # manifests to check; None = all of them
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # bundle files skipped

    def status_rows(self) -> dict[str, list[tuple[ProxyStatus, ProxySync]]]:
        """proxy-status rows by `pod.namespace`."""
        rows: dict[str, list[tuple[ProxyStatus, ProxySync]]] = {}
        for status in self.statuses:
            for row in status.proxies:
                rows.setdefault(proxy_key(row.proxy), []).append((status, row))
        return rows


def status_of(rows: list[tuple[ProxyStatus, ProxySync]]) -> ProxyStatus:
    """A ProxyStatus holding only `rows` (one proxy's), named after the first row's file."""
    first = rows[0][0]
    return ProxyStatus(first.source, [r for _, r in rows], any(s.has_status for s, _ in rows))


def _is_bundle(path: str) -> bool:
    return os.path.isdir(path) or is_archive(path)


def _namer(bundle: Bundle) -> Callable[[str], str]:
    """Map a path inside the bundle to what the user sees."""
    archive = bundle.root != bundle.source

    def name(path: str) -> str:
        rel = os.path.relpath(path, bundle.root).replace(os.sep, "/")
        return f"{bundle.source}!/{rel}" if archive else os.path.join(bundle.source, rel)
    return name


def _relabel_manifests(manifests: list[Manifest], name: Callable[[str], str]) -> None:
    for m in manifests:
        m.file = name(m.file)


def _relabel_status(status: ProxyStatus | ClustersStatus, label: str) -> None:
    status.source = label


def _bundle_inputs(bundle: Bundle, out: Resolved) -> None:
    name = _namer(bundle)
    for p in bundle.proxies:
        out.proxies.append(ProxyJob(name(os.path.join(bundle.root, p.label)), p.config_dump,
                                    p.clusters, name(p.clusters) if p.clusters else None,
                                    in_bundle=True))
    if bundle.manifests:
        found = load_manifests(bundle.manifests)
        _relabel_manifests(found, name)
        out.manifests = (out.manifests or []) + found
        out.manifest_labels += [name(m) for m in bundle.manifests]
    for path in bundle.proxy_status:
        try:
            status = load_proxy_status(path)
        except InputError as exc:
            # bug-report writes what istiod answered, an empty syncz included: note it and go
            # on, the dumps are still worth linting.
            out.unreadable.append((name(path), exc.problem))
            continue
        _relabel_status(status, name(path))
        out.statuses.append(status)


@contextmanager
def resolve(inputs: LintInputs) -> Iterator[Resolved]:
    """Open bundles, read manifests and proxy-status files; temporary folders live until exit."""
    out = Resolved([], None, [], [])
    with ExitStack() as stack:
        for arg in inputs.dumps:
            if _is_bundle(arg):
                bundle = stack.enter_context(open_bundle(arg))
                _bundle_inputs(bundle, out)
            elif os.path.isfile(arg) or arg == "-":
                out.proxies.append(ProxyJob(arg, arg, inputs.clusters, inputs.clusters))
            else:
                raise InputError(arg, "no such file or folder")
        if inputs.manifests:
            given = load_manifests(inputs.manifests)
            out.manifest_labels += list(inputs.manifests)
            if inputs.mode == "premerge":
                # The new manifests replace the staging bundle's objects of the same
                # kind/namespace/name; only they are checked, the rest is context.
                keys = {(m.kind, m.namespace, m.name) for m in given}
                kept = [m for m in out.manifests or [] if (m.kind, m.namespace, m.name)
                        not in keys]
                out.manifests, out.checked = given + kept, given
            else:
                out.manifests = (out.manifests or []) + given
        if inputs.proxy_status:
            out.statuses.append(load_proxy_status(inputs.proxy_status))
        yield out


def clusters_status(job: ProxyJob) -> ClustersStatus | None:
    """The proxy's `/clusters` output, labelled as the user knows it; None when absent."""
    if not job.clusters:
        return None
    status = load_clusters_status(job.clusters)
    _relabel_status(status, job.clusters_label or job.clusters)
    return status
