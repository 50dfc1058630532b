"""Render `istioctl proxy-status -v 1` text, the way istioctl 1.27+ prints it.

This is istiod's view of each proxy (ACK bookkeeping), not something Envoy prints, so the
lab writes it by hand for the scenarios where sync state is the story. The layout is the
verbose table (NAME CLUSTER CDS ECDS EDS LDS RDS ISTIOD VERSION) from istioctl's own test
data, aligned like Go's tabwriter with padding 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from dumpdiff.lab.mesh import CLUSTER_ID, ISTIO_VERSION

COLUMNS = ("NAME", "CLUSTER", "CDS", "ECDS", "EDS", "LDS", "RDS", "ISTIOD", "VERSION")
PADDING = 5


@dataclass(frozen=True)
class ProxySync:
    """One proxy's row: `<pod>.<namespace>` and a status per xDS type."""

    name: str
    istiod: str
    cds: str = "SYNCED"
    ecds: str = "NOT SENT"
    eds: str = "SYNCED"
    lds: str = "SYNCED"
    rds: str = "SYNCED"
    cluster: str = CLUSTER_ID
    version: str = ISTIO_VERSION

    def cells(self) -> tuple[str, ...]:
        """The row's cells in column order."""
        return (
            self.name,
            self.cluster,
            self.cds,
            self.ecds,
            self.eds,
            self.lds,
            self.rds,
            self.istiod,
            self.version,
        )


def render(rows: list[ProxySync]) -> str:
    """The table text; rows are sorted by proxy name as istioctl does."""
    table = [COLUMNS] + [r.cells() for r in sorted(rows, key=lambda r: r.name)]
    widths = [max(len(row[i]) for row in table) + PADDING for i in range(len(COLUMNS) - 1)]
    lines = []
    for row in table:
        padded = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        lines.append("".join(padded) + row[-1])
    return "\n".join(lines) + "\n"
