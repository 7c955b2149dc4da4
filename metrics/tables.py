"""Metric tables and their publication with small-cell suppression.

A *count* table is published with row and column totals and suppressed by `metrics.suppression`.
A *statistics* table (medians, means) publishes no totals; each statistic is guarded by the count
of the group it summarises: a group smaller than k shows neither the count nor its statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from metrics.suppression import suppress

SUPPRESSED = "x"  # the CBS habit for a hidden cell
TOTAL = _("totaal")


@dataclass
class Table:
    key: str
    title: str
    row_header: list[str]
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple] = field(default_factory=list)  # row labels
    cells: list[list] = field(default_factory=list)
    counts: bool = True
    # Statistics tables: per column, the index into the row's guard_counts of the group size that
    # guards it (None: the cell is itself a count). Group sizes that equal another table's totals stay
    # unpublished here, so they cannot undo that table's suppression.
    guards: list[int | None] = field(default_factory=list)
    guard_counts: list[list[int]] = field(default_factory=list)


@dataclass
class Published:
    """What may be shown: None marks a suppressed cell. Count tables carry totals."""

    key: str
    title: str
    row_header: list[str]
    columns: list[tuple[str, str]]
    rows: list[tuple]
    cells: list[list]
    counts: bool
    row_totals: list | None = None
    column_totals: list | None = None
    total: int | None = None
    suppressed_cells: int = 0

    def flat_rows(self, *, marker=SUPPRESSED) -> list[list]:
        """Label columns, values and (count tables) the row total; a totals row last."""
        out = []
        for i, labels in enumerate(self.rows):
            values = [marker if v is None else v for v in self.cells[i]]
            if self.counts:
                values.append(marker if self.row_totals[i] is None else self.row_totals[i])
            out.append([*labels, *values])
        if self.counts:
            pad = [str(TOTAL)] + [""] * (len(self.row_header) - 1)
            totals = [marker if v is None else v for v in [*self.column_totals, self.total]]
            out.append([*pad, *totals])
        return out

    def header(self) -> list[str]:
        labels = [str(label) for _key, label in self.columns]
        return [*map(str, self.row_header), *labels, *([str(TOTAL)] if self.counts else [])]


def publish(table: Table, *, k: int | None = None) -> Published:
    k = settings.METRICS_SUPPRESSION_K if k is None else k
    base = {"key": table.key, "title": str(table.title), "row_header": table.row_header, "columns": table.columns,
            "rows": table.rows, "counts": table.counts}  # fmt: skip
    if table.counts:
        if not table.rows:
            width = len(table.columns)
            return Published(**base, cells=[], row_totals=[], column_totals=[0] * width, total=0)
        result = suppress(table.cells, k).published()
        hidden = sum(v is None for row in result for v in row)
        return Published(
            **base,
            cells=[row[:-1] for row in result[:-1]],
            row_totals=[row[-1] for row in result[:-1]],
            column_totals=result[-1][:-1],
            total=result[-1][-1],
            suppressed_cells=hidden,
        )
    cells = []
    hidden = 0
    for i, row in enumerate(table.cells):
        out = []
        for j, value in enumerate(row):
            guard = table.guards[j]
            n = value if guard is None else table.guard_counts[i][guard]
            small = n is not None and 0 < n < k
            out.append(None if small else value)
            hidden += small
        cells.append(out)
    return Published(**base, cells=cells, suppressed_cells=hidden)
