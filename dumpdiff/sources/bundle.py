"""Bundles: folders (recursive) and archives of dumps, as `istioctl bug-report` lays them out
(`proxies/<ns>/<pod>/config_dump?include_eds` and the text `clusters`) or as plain folders of
`*.json` dumps (with an optional `clusters.json`/`clusters.txt` beside each dump)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from dumpdiff.errors import InputError
from dumpdiff.sources import detect as kinds
from dumpdiff.sources.archive import ARCHIVE_SUFFIXES, extract, is_archive
from dumpdiff.sources.reader import Document, read_document

_BUG_REPORT_DUMP = "config_dump?include_eds"
_DUMP_SUFFIXES = (".json", ".yaml", ".yml", ".json.gz")
_CLUSTERS_NAMES = ("clusters", "clusters.json", "clusters.txt")
_DUMP_HEAD = re.compile(rb'\s*\{\s*"configs"\s*:')
_SKIP_DIRS = {".git", "__pycache__", "node_modules", ".venv"}


@dataclass(slots=True)
class ProxyInput:
    """One proxy's files in a bundle; `label` is how to show it (bundle-relative path)."""

    label: str
    config_dump: str | None = None
    clusters: str | None = None
    pod: str = ""  # from the bug-report path (confirmed later by the bootstrap)
    namespace: str = ""


@dataclass(slots=True)
class Bundle:
    """What a bundle holds."""

    source: str
    root: str
    proxies: list[ProxyInput] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    proxy_status: list[str] = field(default_factory=list)
    clusters_outputs: list[str] = field(default_factory=list)  # not beside any dump


def _rel(root: str, path: str) -> str:
    return os.path.relpath(path, root)


@contextmanager
def open_bundle(source: str) -> Iterator[Bundle]:
    """Discover a bundle's files; archives are extracted to a temporary folder for the duration."""
    if not os.path.exists(source):
        raise InputError(source, "no such file or folder")
    tmp = None
    root = source
    if is_archive(source):
        tmp = extract(source)
        root = tmp
    elif not os.path.isdir(source):
        raise InputError(source, "is neither a folder nor a .tar.gz/.tgz/.zip bundle")
    try:
        yield discover(source, root)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


@dataclass(slots=True)
class Gathered:
    """Proxies, manifests and proxy-status files from a mix of bundles and dump files."""

    proxies: list[ProxyInput] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    proxy_status: list[str] = field(default_factory=list)


def gather(inputs: list[str], stack: ExitStack, clusters: str | None = None) -> Gathered:
    """Open every bundle (kept open by `stack`) and take dump files as they are; `clusters`
    applies to a dump given alone."""
    out = Gathered()
    for src in inputs:
        if os.path.isdir(src) or src.lower().endswith(ARCHIVE_SUFFIXES):
            bundle = stack.enter_context(open_bundle(src))
            out.proxies += bundle.proxies
            out.manifests += bundle.manifests
            out.proxy_status += bundle.proxy_status
        elif os.path.isfile(src) or src == "-":
            out.proxies.append(ProxyInput(src, src, clusters))
        else:
            raise InputError(src, "no such file or folder")
    # The same file named twice (a glob and a path) is one proxy, not two agreeing replicas.
    seen: set[str] = set()
    unique = []
    for p in out.proxies:
        key = os.path.realpath(p.config_dump) if p.config_dump and p.config_dump != "-" \
            else p.label
        if key not in seen:
            seen.add(key)
            unique.append(p)
    out.proxies = unique
    if not out.proxies:
        raise InputError(" ".join(inputs), "holds no config dump")
    return out


def discover(source: str, root: str) -> Bundle:
    """Walk `root` and sort its files into proxies, manifests and proxy-status outputs."""
    bundle = Bundle(source, root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        parts = _rel(root, dirpath).split(os.sep)
        if "proxies" in parts and len(parts) - parts.index("proxies") == 3:
            _bug_report_pod(bundle, dirpath, filenames, parts)
            continue
        dumps = []
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if name == "syncz" and os.path.basename(dirpath) == "debug":
                # istiod's sync status as bug-report saves it (istio/<ns>/<istiod>/debug/):
                # the bundle's proxy-status. Read later, by whoever needs it.
                bundle.proxy_status.append(path)
                continue
            if name in _CLUSTERS_NAMES:
                continue
            kind = _classify(path, name)
            if kind == kinds.CONFIG_DUMP or kind == kinds.CONFIG_SECTION:
                dumps.append(path)
            elif kind == kinds.MANIFESTS:
                bundle.manifests.append(path)
            elif kind == kinds.PROXY_STATUS:
                bundle.proxy_status.append(path)
            elif kind in (kinds.CLUSTERS_JSON, kinds.CLUSTERS_TEXT):
                bundle.clusters_outputs.append(path)
        beside = next((os.path.join(dirpath, n) for n in ("clusters.json", "clusters.txt",
                                                          "clusters") if n in filenames), None)
        for path in dumps:
            # A clusters file belongs to the dump only when it is the folder's one dump.
            bundle.proxies.append(ProxyInput(_rel(root, path), path,
                                             beside if len(dumps) == 1 else None))
    bundle.proxies.sort(key=lambda p: p.label)
    return bundle


def _bug_report_pod(bundle: Bundle, dirpath: str, filenames: list[str],
                    parts: list[str]) -> None:
    i = parts.index("proxies")
    namespace, pod = parts[i + 1], parts[i + 2]
    label = "/".join(parts)
    dump = os.path.join(dirpath, _BUG_REPORT_DUMP) if _BUG_REPORT_DUMP in filenames else None
    if dump is None and "config_dump" in filenames:
        dump = os.path.join(dirpath, "config_dump")  # ztunnel (refused later) or renamed
    clusters = os.path.join(dirpath, "clusters") if "clusters" in filenames else None
    bundle.proxies.append(ProxyInput(label, dump, clusters, pod, namespace))


def _classify(path: str, name: str) -> str:
    lower = name.lower()
    if not (lower.endswith(_DUMP_SUFFIXES) or lower in ("config_dump", "pods", "crs")
            or "proxy-status" in lower or "proxy_status" in lower):
        return kinds.UNKNOWN
    try:
        with open(path, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return kinds.UNKNOWN
    # Dumps are big: recognize them by their first bytes instead of parsing them twice.
    if _DUMP_HEAD.match(head):
        return kinds.CONFIG_DUMP
    try:
        doc: Document = read_document(path)
    except InputError:
        return kinds.UNKNOWN
    return kinds.detect(doc)
