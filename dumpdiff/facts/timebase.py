"""When a dump was taken, as far as the dump itself says: the latest `last_updated` in it.

Certificate expiry is judged at that moment, not at the moment dumpdiff runs: a postmortem
on a month-old bundle must not call every one-day workload certificate expired, and a fresh
dump in CI is judged at (about) now anyway.
"""

from __future__ import annotations

from datetime import datetime, timezone

from dumpdiff.model.snapshot import Snapshot


def parse_time(text: object) -> datetime | None:
    """An RFC 3339 timestamp (`2026-11-20T10:00:00.123Z`) as an aware datetime, else None."""
    if not isinstance(text, str) or not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    if "." in value:  # Python ≤3.10 wants at most 6 fractional digits
        head, _, rest = value.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        value = f"{head}.{digits[:6]}{rest[len(digits):]}"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def dump_time(snap: Snapshot) -> datetime | None:
    """The latest `last_updated` of any resource (or section) of the dump; None if none."""
    stamps = [parse_time(res.meta.get("last_updated"))
              for table in snap.resources.values() for res in table.values()]
    stamps += [parse_time(meta.get("last_updated")) for meta in snap.section_meta.values()]
    known = [s for s in stamps if s is not None]
    return max(known) if known else None


def iso(moment: datetime | None) -> str | None:
    """`2026-11-20T10:00:00Z` (UTC, whole seconds), or None."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
