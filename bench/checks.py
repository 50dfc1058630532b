"""Correctness checks the benchmarks share: did dumpdiff report exactly the edited resources?"""

from __future__ import annotations

Resource = tuple[str, str]  # (section, resource name)


def expected_resources(got: set[Resource], expected: set[Resource]) -> tuple[bool, str]:
    """(passed, detail): `got` must equal `expected`; the detail names what differs."""
    extra, missing = sorted(got - expected), sorted(expected - got)
    detail = f"{len(got)} resources differ, expected {len(expected)}"
    if extra:
        detail += f"; unexpected: {', '.join(f'{s} {r}' for s, r in extra[:4])}"
        detail += f" (+{len(extra) - 4} more)" if len(extra) > 4 else ""
    if missing:
        detail += f"; missing: {', '.join(f'{s} {r}' for s, r in missing)}"
    return not extra and not missing, detail
