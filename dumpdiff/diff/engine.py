"""compare(a, b): keyed, Envoy-aware diff of two snapshots, hash first, deep diff second."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dumpdiff.diff.canonical import Canonical, Path, canonicalize, unkey
from dumpdiff.gc_pause import gc_paused
from dumpdiff.model.names import parse_cluster_name
from dumpdiff.model.snapshot import SECTIONS, Resource, Snapshot
from dumpdiff.normalize.normalizer import Normalizer
from dumpdiff.normalize.profile import Profile
from dumpdiff.results import ADDED, CHANGED, MOVED, REMOVED, Change, CompareResult, SectionSummary


def render_path(path: Iterable[Any]) -> str:
    """`virtual_hosts[a:80].routes[default].route` from keyed-form segments."""
    out = ""
    for seg in path:
        s = str(seg)
        if isinstance(seg, int):
            out += f"[{s}]"
        elif s.startswith("["):
            out += s
        else:
            out += f".{s}" if out else s
    return out


def compile_ignores(patterns: list[str]) -> list[re.Pattern[str]]:
    """Globs over `section/resource/path` where only `*` and `?` are special."""
    out = []
    for p in patterns:
        rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p)
        out.append(re.compile(rx + r"\Z"))
    return out


def _ignored(change: Change, ignores: list[re.Pattern[str]]) -> bool:
    if not ignores:
        return False
    full = f"{change.section}/{change.resource}/{change.path}"
    return any(rx.match(full) or rx.match(change.path) for rx in ignores)


class _Side:
    """One snapshot with its normalizer (or none) and canonical forms computed on demand."""

    def __init__(self, snap: Snapshot, normalizer: Normalizer | None) -> None:
        self.snap = snap
        self.norm = normalizer
        self.keys: dict[str, dict[str, Resource]] = {}
        for section, table in snap.resources.items():
            if normalizer is None:
                self.keys[section] = dict(table)
            else:  # keys carry pod identity too (`10.1.2.3_8080`)
                self.keys[section] = {normalizer.text(k): r for k, r in table.items()}

    def fingerprint(self, res: Resource) -> bytes:
        if self.norm is None:
            return canonicalize([res.body, res.meta]).digest
        return self.norm.fingerprint(res)

    def canonical_digest(self, res: Resource) -> bytes:
        """Digest of the normalized keyed form, without building the normalized tree when
        identity tokens can be replaced in the serialized bytes instead."""
        if self.norm is None:
            return canonicalize(res.body).digest
        if self.norm.needs_full_walk(res):
            return canonicalize(self.norm.body(res)).digest
        transform = self.norm.replace_in_bytes if self.norm.tokens_apply(res) else None
        return canonicalize(res.body, transform).digest

    def canonical(self, res: Resource) -> tuple[Canonical, dict[str, Any]]:
        if self.norm is None:
            return canonicalize(res.body), res.meta
        return canonicalize(self.norm.body(res)), self.norm.meta(res.meta)


def compare(a: Snapshot, b: Snapshot, profile: Profile | None,
            only: Iterable[str] = ()) -> CompareResult:
    """Compare two snapshots; `profile=None` compares raw (no normalization)."""
    with gc_paused():
        return _compare(a, b, profile, only)


def _compare(a: Snapshot, b: Snapshot, profile: Profile | None,
             only: Iterable[str]) -> CompareResult:
    left = _Side(a, Normalizer(profile, a.identity) if profile else None)
    right = _Side(b, Normalizer(profile, b.identity) if profile else None)
    ignores = compile_ignores(profile.ignore if profile else [])
    wanted = set(only)
    result = CompareResult(a.source, b.source, a.identity, b.identity, profile is not None)
    for section in SECTIONS:
        if wanted and section not in wanted:
            continue
        summary = SectionSummary(section, present=section in a.present or section in b.present)
        ta, tb = left.keys.get(section, {}), right.keys.get(section, {})
        if (section in a.present) != (section in b.present):
            # One dump lacks the whole section (an EDS-only or partial dump): say so once
            # instead of listing every resource of the other side as added.
            side = "right" if section in b.present else "left"
            n = len(tb if side == "right" else ta)
            summary.only_in = side
            ch = Change(section, "(section)", "", ADDED if side == "right" else REMOVED,
                        None if side == "right" else f"{n} resources",
                        f"{n} resources" if side == "right" else None)
            if _ignored(ch, ignores):
                result.ignored += 1
            else:
                result.changes.append(ch)
            result.sections.append(summary)
            continue
        for ka, kb in _pairs(ta, tb):
            ra = ta[ka] if ka is not None else None
            rb = tb[kb] if kb is not None else None
            if ra is None or rb is None:
                res = rb if ra is None else ra
                assert res is not None
                ch = Change(section, kb if kb is not None else str(ka), "",
                            ADDED if ra is None else REMOVED,
                            None if ra is None else res.body, res.body if ra is None else None)
                changes = [ch]
            elif left.fingerprint(ra) == right.fingerprint(rb):
                continue
            else:
                changes = _diff_pair(section, str(kb), left, ra, right, rb)
            kept = [c for c in changes if not _ignored(c, ignores)]
            result.ignored += len(changes) - len(kept)
            if not kept:
                continue
            result.changes.extend(kept)
            if ra is None:
                summary.added += 1
            elif rb is None:
                summary.removed += 1
            else:
                summary.changed += 1
        _section_meta_changes(section, left, right, result, ignores)
        result.sections.append(summary)
    return result


_TOKENS = re.compile(r"([|_.:~]+)")


def _pairs(ta: dict[str, Resource], tb: dict[str, Resource]
           ) -> list[tuple[str | None, str | None]]:
    """Match resources by key; then pair a removed and an added resource whose names differ
    in exactly one component (`inbound|9080||` → `inbound|9999||`): a port or subset
    renamed, reported as a change of that resource rather than a removal and an addition."""
    common: list[tuple[str | None, str | None]] = [(k, k) for k in sorted(set(ta) & set(tb))]
    gone = sorted(set(ta) - set(tb))
    new = sorted(set(tb) - set(ta))
    # Pair only when the match is unique in both directions, so that compare(a, b) and
    # compare(b, a) pair the same resources.
    def candidates(k: str, pool: list[str]) -> list[str]:
        return [n for n in pool if _renamed(k, n)]

    renamed: list[tuple[str | None, str | None]] = []
    for k in gone:
        cands = candidates(k, new)
        if (len(cands) == 1 and candidates(cands[0], gone) == [k]
                and ta[k].state == tb[cands[0]].state):
            renamed.append((k, cands[0]))
    paired_a = {a for a, _ in renamed}
    paired_b = {b for _, b in renamed}
    rest: list[tuple[str | None, str | None]] = [(k, None) for k in gone if k not in paired_a]
    rest += [(None, k) for k in new if k not in paired_b]
    return sorted(common + renamed + rest, key=lambda p: p[1] if p[1] is not None else str(p[0]))


def _renamed(a: str, b: str) -> bool:
    """Whether `b` is `a` with only its port, or only the subset of the same host, changed.

    Two different services (payment vs ledger) are never paired: that is a removal and an
    addition, whatever their names have in common.
    """
    ca, cb = parse_cluster_name(a), parse_cluster_name(b)
    if ca.form == cb.form == "subset-key" or ca.form == cb.form == "dns-srv":
        same_host = (ca.direction, ca.host) == (cb.direction, cb.host)
        return same_host and ((ca.port != cb.port) != (ca.subset != cb.subset))
    pa, pb = _TOKENS.split(a), _TOKENS.split(b)
    if _shape(a) != _shape(b) or len(pa) < 3:
        return False
    diffs = [(x, y) for x, y in zip(pa, pb) if x != y]
    return len(diffs) == 1 and diffs[0][0].isdigit() and diffs[0][1].isdigit()


def _shape(key: str) -> tuple[int, ...]:
    parts = _TOKENS.split(key)
    return (len(parts), *(hash(p) for p in parts[1::2]))


def _section_meta_changes(section: str, left: _Side, right: _Side, result: CompareResult,
                          ignores: list[re.Pattern[str]]) -> None:
    ma = left.snap.section_meta.get(section, {})
    mb = right.snap.section_meta.get(section, {})
    if left.norm is not None and right.norm is not None:
        ma, mb = left.norm.meta(ma), right.norm.meta(mb)
    for k in sorted(set(ma) | set(mb)):
        if ma.get(k) != mb.get(k):
            ch = Change(section, "(section)", k, CHANGED, ma.get(k), mb.get(k))
            if _ignored(ch, ignores):
                result.ignored += 1
            else:
                result.changes.append(ch)


def _diff_pair(section: str, key: str, left: _Side, ra: Resource, right: _Side,
               rb: Resource) -> list[Change]:
    changes: list[Change] = []
    meta_a = left.norm.meta(ra.meta) if left.norm else ra.meta
    meta_b = right.norm.meta(rb.meta) if right.norm else rb.meta
    if ra.state != rb.state:
        changes.append(Change(section, key, "(state)", CHANGED, ra.state, rb.state))
    for k in sorted(set(meta_a) | set(meta_b)):
        if meta_a.get(k) != meta_b.get(k):
            changes.append(Change(section, key, f"({k})", CHANGED, meta_a.get(k), meta_b.get(k)))
    if left.canonical_digest(ra) == right.canonical_digest(rb):
        return changes  # the same up to the order of set-like lists
    ca, _ = left.canonical(ra)
    cb, _ = right.canonical(rb)
    changes.extend(deep_changes(section, key, ca.tree, cb.tree))
    changes.extend(_moves(section, key, ca.orders, cb.orders))
    return changes


def deep_changes(section: str, key: str, ta: Any, tb: Any, path: tuple[str, ...] = ()
                 ) -> list[Change]:
    """Differences between two keyed forms, descending only where subtrees differ.

    Keyed forms are dicts all the way down to scalars and whole-compared lists, so equality
    of two subtrees is one C-level `==`; only the differing branches are walked.
    """
    out: list[Change] = []
    _walk_diff(section, key, ta, tb, path, out)
    out.sort(key=lambda c: c.path)
    return out


def _walk_diff(section: str, key: str, a: Any, b: Any, path: tuple[str, ...],
               out: list[Change]) -> None:
    if a == b and type(a) is type(b):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a.keys() | b.keys():
            if k not in b:
                out.append(Change(section, key, render_path((*path, k)), REMOVED, unkey(a[k]),
                                  None))
            elif k not in a:
                out.append(Change(section, key, render_path((*path, k)), ADDED, None,
                                  unkey(b[k])))
            else:
                _walk_diff(section, key, a[k], b[k], (*path, k), out)
        return
    out.append(Change(section, key, render_path(path), CHANGED, unkey(a), unkey(b)))


def _moves(section: str, key: str, oa: dict[Path, list[str]],
           ob: dict[Path, list[str]]) -> list[Change]:
    """Items of ordered lists whose position among the common items changed."""
    out = []
    for path in sorted(set(oa) & set(ob)):
        common = set(oa[path]) & set(ob[path])
        la = [x for x in oa[path] if x in common]
        lb = [x for x in ob[path] if x in common]
        if la == lb:
            continue
        stay = _lcs(la, lb)
        for label in lb:
            if label not in stay:
                out.append(Change(section, key, render_path((*path, f"[{label}]")), MOVED,
                                  la.index(label), lb.index(label)))
    return out


def _lcs(a: list[str], b: list[str]) -> set[str]:
    """Items of the longest common subsequence: the ones that did not move."""
    n, m = len(a), len(b)
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            dp[i][j] = dp[i + 1][j + 1] + 1 if a[i] == b[j] else max(dp[i + 1][j], dp[i][j + 1])
    keep, i, j = set(), 0, 0
    while i < n and j < m:
        if a[i] == b[j]:
            keep.add(a[i])
            i, j = i + 1, j + 1
        elif dp[i + 1][j] >= dp[i][j + 1]:
            i += 1
        else:
            j += 1
    return keep
