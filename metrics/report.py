"""All metric tables for one set of filters, published (suppressed): what the dashboard, the API and
the aggregate export show. Nothing unsuppressed leaves this module."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from metrics import compute, national
from metrics.definitions import MILESTONES, MONTH, Filters, period_label, require_whole_periods
from metrics.tables import Published, Table, publish

COUNT, MEDIAN_DAYS, P90_DAYS = _("aantal"), _("mediaan (dagen)"), _("90e percentiel (dagen)")
MEAN, MEDIAN = _("gemiddeld"), _("mediaan")


def _round(value) -> float | str:
    return "" if value is None else round(float(value), 1)


def _labels(row: dict, filters: Filters) -> tuple:
    return (period_label(row["period"], filters.granularity), *(row[f"dim_{d}"] or "" for d in filters.by))


def _episode_tables(filters: Filters) -> list[Table]:
    rows = compute.episode_statistics(filters)
    header = compute._row_header(filters)
    labels = [_labels(row, filters) for row in rows]
    lead_columns, guards = [], []
    for index, (key, label) in enumerate(MILESTONES):
        lead_columns += [
            (f"n_{key}", f"{label}: {COUNT}"),
            (f"p50_{key}", f"{label}: {MEDIAN_DAYS}"),
            (f"p90_{key}", f"{label}: {P90_DAYS}"),
        ]
        guards += [None, index, index]
    lead = Table(
        "lead_times",
        _("Doorlooptijden vanaf aanmelding (dagen, per episode)"),
        header,
        lead_columns,
        labels,
        [[row[k] if k.startswith("n_") else _round(row[k]) for k, _label in lead_columns] for row in rows],
        counts=False,
        guards=guards,
        guard_counts=[[row[f"n_{key}"] for key, _l in MILESTONES] for row in rows],
        additive=[guard is None for guard in guards],  # the counts; medians and percentiles do not add up
    )
    # Only published here, with its own totals; the score statistics below are guarded by its total.
    direction = Table(
        "score_direction",
        _("Richting van de veiligheidsscore van eerste tot laatste oordeel (aantal episodes)"),
        header,
        [("improved", str(_("gestegen"))), ("unchanged", str(_("gelijk"))), ("worsened", str(_("gedaald")))],
        labels,
        [[row["improved"], row["unchanged"], row["worsened"]] for row in rows],
    )
    change = Table(
        "score_change",
        _("Verandering van de veiligheidsscore (punten, per episode)"),
        header,
        [("mean_change", str(_("gemiddelde verandering"))), ("p50_change", str(_("mediane verandering")))],
        labels,
        [[_round(row["mean_change"]), _round(row["p50_change"])] for row in rows],
        counts=False,
        guards=[0, 0],
        guard_counts=[[row["n_scored"]] for row in rows],
        additive=[True, False],
    )
    handovers = Table(
        "handovers",
        _("Episodes naar aantal overdrachten van het vaste gezicht (aantal episodes)"),
        header,
        [("handovers_0", str(_("geen"))), ("handovers_1", str(_("één"))), ("handovers_2plus", str(_("twee of meer")))],
        labels,
        [[row["handovers_0"], row["handovers_1"], row["handovers_2plus"]] for row in rows],
    )
    return [lead, handovers, direction, change]


def _participant_table(filters: Filters) -> Table:
    rows = compute.participant_statistics(filters)
    columns = []
    for key, label in (
        ("kinds", _("soorten organisaties")),
        ("organisations", _("organisaties")),
        ("professionals", _("professionals")),
    ):
        columns += [(f"mean_{key}", f"{label}: {MEAN}"), (f"p50_{key}", f"{label}: {MEDIAN}")]
    return Table(
        "partners",
        _("Betrokken organisaties en professionals (aantal per casus)"),
        compute._row_header(filters),
        columns,
        [_labels(row, filters) for row in rows],
        [[_round(row[k]) for k, _l in columns] for row in rows],
        counts=False,
        guards=[0] * len(columns),
        guard_counts=[[row["cases"]] for row in rows],
        additive=[key.startswith("mean_") for key, _label in columns],
    )


def metric_tables(filters: Filters) -> list[Table]:
    """Every metric of DESIGN.md §9 and of the national statistics, per period, unsuppressed: for
    `published_tables` and tests only. (The stock on the peildatum is one date, not periods: `stock_table`.)"""
    lead, handovers, direction, change = _episode_tables(filters)
    return [
        compute.cases_by_status(filters),
        *national.intake_tables(filters),
        lead,
        compute.deadline_adherence(filters),
        _participant_table(filters),
        handovers,
        direction,
        change,
        *national.judgement_tables(filters),
        national.conditions(filters),
        compute.interventions_by_kind(filters),
        national.waiting_time(filters),
        compute.protection_measures(filters),
        *national.measure_tables(filters),
        compute.rereports(filters),
        *national.safety_plan_tables(filters),
    ]


def published_tables(filters: Filters, *, k: int | None = None) -> list[Published]:
    """Whole periods only; a quarter or year is suppressed consistently with its months (metrics.tables),
    so the tables per month are computed as well (the same queries once more)."""
    require_whole_periods(filters)
    tables = metric_tables(filters)
    months = tables if filters.granularity == MONTH else metric_tables(replace(filters, granularity=MONTH))
    published = [
        publish(table, months=per_month, granularity=filters.granularity, k=k)
        for table, per_month in zip(tables, months, strict=True)
    ]
    by_key = {table.key: index for index, table in enumerate(published)}
    published.insert(by_key["deadlines"] + 1, norm_shares(published[by_key["deadlines"]]))
    published.insert(1, stock_table(filters, k=k))
    return published


def stock_table(filters: Filters, *, k: int | None = None) -> Published:
    """The stock on the peildatum: each count hidden under k. One date, no totals and no periods to
    subtract; the peildatum is a month end (metrics.definitions) so stocks a day apart do not exist."""
    k = settings.METRICS_SUPPRESSION_K if k is None else k
    table = national.stock(filters)
    cells = [[None if 0 < value < k else value for value in row] for row in table.cells]
    return Published(
        key=table.key,
        title=str(table.title),
        row_header=table.row_header,
        columns=table.columns,
        rows=table.rows,
        cells=cells,
        counts=False,
        suppressed_cells=sum(value is None for row in cells for value in row),
    )


def norm_shares(deadlines: Published) -> Published:
    """Per statutory norm (a deadline rule marked wettelijk): the share of the deadlines it settled that
    were met within the norm, and the number still open past it. Worked out from the *published*
    deadline table only, so it shows nothing that table hides: a share whose count is hidden is hidden."""
    from workflows.deadlines.models import DeadlineRule  # workflows sits before metrics in the chain

    statutory = set(DeadlineRule.objects.filter(statutory=True).values_list("code", flat=True))
    keys = [key for key, _label in deadlines.columns]
    rows, cells = [], []
    for labels, values in zip(deadlines.rows, deadlines.cells, strict=True):
        if labels[1] not in statutory:
            continue
        row = dict(zip(keys, values, strict=True))
        met, missed = row["met"], row["missed"]
        if met is None or missed is None:
            share = None
        else:
            share = round(100 * met / (met + missed), 1) if met + missed else ""
        rows.append(labels)
        cells.append([share, row["open_overdue"]])
    return Published(
        key="norms",
        title=str(_("Wettelijke termijnen: aandeel binnen de termijn (procent en aantal termijnen)")),
        row_header=deadlines.row_header,
        columns=[
            ("share_met", str(_("binnen de termijn (procent van de afgehandelde termijnen)"))),
            ("open_overdue", str(_("nog open, over de termijn (aantal termijnen)"))),
        ],
        rows=rows,
        cells=cells,
        counts=False,
        suppressed_cells=sum(value is None for row in cells for value in row),
    )


def as_json(tables: list[Published]) -> dict:
    """A JSON-ready structure; suppressed cells are null and listed as such."""
    return {
        table.key: {
            "title": table.title,
            "row_header": [str(h) for h in table.row_header],
            "columns": [{"key": key, "label": str(label)} for key, label in table.columns],
            "rows": [
                {
                    "labels": list(labels),
                    "values": table.cells[i],
                    **({"total": (table.row_totals or [])[i]} if table.counts else {}),
                }
                for i, labels in enumerate(table.rows)
            ],
            **({"column_totals": table.column_totals, "total": table.total} if table.counts else {}),
            "suppressed_cells": table.suppressed_cells,
        }
        for table in tables
    }
