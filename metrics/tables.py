"""Metric tables and their publication with small-cell suppression that survives differencing.

Periods are whole calendar months, quarters or years (`metrics.definitions.require_whole_periods`).
The unit of protection is the **month**: each month's block of a count table (its rows, with row and
column totals) is suppressed on its own by `metrics.suppression`, so its published cells are the same
in every request that shows that month. Every other published count (a quarter, a year, the totals over
the chosen range) is a sum of month cells at the same place; it is suppressed whenever one of those
month cells is. Then no subtraction of published figures reveals a suppressed cell: any change to a
month's suppressed cells that keeps that month's published cells and totals (a cycle, see
`metrics.suppression`) changes only sums that are suppressed as well, so the published figures of all
periods and ranges together fit as many values of the hidden cell as the month's table alone.
(Tables that count distinct cases per period are not sums of their months; they get the same union
of the months' suppression, which keeps each of them protected on its own: a union of patterns without
bridges has none.)

A *statistics* table (medians, means) publishes no totals; each statistic is guarded by the count
of the group it summarises: a group smaller than k shows neither the count nor its statistics. Counts
and means add up over months (a mean times its count is a sum), so in a quarter or year they are also
hidden when they are hidden in one of its months; medians and percentiles do not add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from metrics.definitions import MONTH, month_in_period
from metrics.suppression import suppress

SUPPRESSED = "x"  # the CBS habit for a hidden cell
TOTAL = _("totaal")


@dataclass
class Table:
    key: str
    title: str | Promise  # a lazy translation until published
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
    # Statistics tables: per column, whether it adds up over months (counts, means); empty: all do.
    additive: list[bool] = field(default_factory=list)


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


def publish(table: Table, *, months: Table | None = None, granularity: str = MONTH, k: int | None = None) -> Published:
    """The table as it may be shown. `months` is the same table per month over the same range (the table
    itself when it is per month): the unit of suppression; see the module docstring."""
    k = settings.METRICS_SUPPRESSION_K if k is None else k
    months = table if months is None else months
    base = {
        "key": table.key,
        "title": str(table.title),
        "row_header": table.row_header,
        "columns": table.columns,
        "rows": table.rows,
        "counts": table.counts,
    }
    if table.counts:
        return _publish_counts(table, base, _month_suppression(months, k), granularity, k)
    return _publish_statistics(table, base, _month_guards(months, k), granularity, k)


ROW_TOTAL = "total"  # the position of a month block's column-totals row, or of the row-totals column


def _month_suppression(months: Table, k: int) -> dict[str, set[tuple]]:
    """Per month label: the suppressed places (row key or ROW_TOTAL, column index or ROW_TOTAL) of the
    month's own block, suppressed on its own. A row key is the label after the period."""
    blocks: dict[str, list[int]] = {}
    for index, labels in enumerate(months.rows):
        blocks.setdefault(labels[0], []).append(index)
    width = len(months.columns)
    hidden: dict[str, set[tuple]] = {}
    for month, indexes in blocks.items():
        keys = [tuple(months.rows[i][1:]) for i in indexes]
        result = suppress([months.cells[i] for i in indexes], k)
        hidden[month] = {
            (keys[i] if i < len(keys) else ROW_TOTAL, j if j < width else ROW_TOTAL) for i, j in result.suppressed
        }
    return hidden


def _publish_counts(table: Table, base: dict, hidden: dict[str, set[tuple]], granularity: str, k: int) -> Published:
    width = len(table.columns)
    if not table.rows:
        return Published(**base, cells=[], row_totals=[], column_totals=[0] * width, total=0)
    in_period: dict[str, list[set[tuple]]] = {}
    for month, places in hidden.items():
        in_period.setdefault(month_in_period(month, granularity), []).append(places)
    everywhere = list(hidden.values())

    def shown(value: int, places: list[set[tuple]], place: tuple) -> int | None:
        # Hidden when small, or when any month it sums over has this place hidden.
        return None if 0 < value < k or any(place in month for month in places) else value

    cells, row_totals = [], []
    for labels, row in zip(table.rows, table.cells, strict=True):
        places, key = in_period.get(labels[0], []), tuple(labels[1:])
        cells.append([shown(value, places, (key, j)) for j, value in enumerate(row)])
        row_totals.append(shown(sum(row), places, (key, ROW_TOTAL)))
    column_sums = [sum(row[j] for row in table.cells) for j in range(width)]
    column_totals = [shown(value, everywhere, (ROW_TOTAL, j)) for j, value in enumerate(column_sums)]
    total = shown(sum(column_sums), everywhere, (ROW_TOTAL, ROW_TOTAL))
    hidden_count = sum(v is None for row in cells for v in row) + row_totals.count(None) + column_totals.count(None)
    return Published(
        **base,
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
        suppressed_cells=hidden_count + (total is None),
    )


def _small_guards(table: Table, k: int) -> list[list[bool]]:
    """Per row and column of a statistics table: is the group that guards the cell smaller than k?"""
    out = []
    for i, row in enumerate(table.cells):
        flags = []
        for j, value in enumerate(row):
            guard = table.guards[j]
            n = value if guard is None else table.guard_counts[i][guard]
            flags.append(n is not None and 0 < n < k)
        out.append(flags)
    return out


def _month_guards(months: Table, k: int) -> dict[tuple, list[bool]]:
    """Per (month, row key): which columns are hidden in that month."""
    return {tuple(labels): flags for labels, flags in zip(months.rows, _small_guards(months, k), strict=True)}


def _publish_statistics(
    table: Table, base: dict, small_in_month: dict[tuple, list[bool]], granularity: str, k: int
) -> Published:
    additive = table.additive or [True] * len(table.columns)
    in_period: dict[tuple, list[list[bool]]] = {}
    for (month, *key), flags in small_in_month.items():
        in_period.setdefault((month_in_period(month, granularity), *key), []).append(flags)
    cells = []
    hidden = 0
    for labels, row, small in zip(table.rows, table.cells, _small_guards(table, k), strict=True):
        months = in_period.get(tuple(labels), [])
        out = []
        for j, value in enumerate(row):
            hide = small[j] or (additive[j] and any(flags[j] for flags in months))
            out.append(None if hide else value)
            hidden += hide
        cells.append(out)
    return Published(**base, cells=cells, suppressed_cells=hidden)
