"""The evaluators' metrics (DESIGN.md §9), computed in PostgreSQL from the timeline, deadlines,
interventions and participants. One query per table, whatever the data size; only aggregates leave.

These functions read across all cases on purpose: aggregation is not case access (no case content is
returned), so they do not pass through `cases.selectors`. Callers must be evaluators (metrics.access).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, DateField, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils.translation import gettext_lazy as _

from cases.interventions.models import PROTECTION_MEASURES, Intervention, InterventionKind
from cases.models import Case, CaseStatus, EventKind, Participant, TimelineEvent
from metrics.definitions import (
    CLOSING_STATUSES,
    EPISODE_START_KINDS,
    MILESTONES,
    MONTH,
    QUARTER,
    YEAR,
    Filters,
    period_label,
)
from metrics.tables import Table
from partners.models import Municipality, Organisation, SafetyTeam

DIMENSION_LABELS = {"team": _("team"), "municipality": _("gemeente (CBS-code)")}
TRUNCATE = {MONTH: TruncMonth, QUARTER: TruncQuarter, YEAR: TruncYear}


def _row_header(filters: Filters) -> list[str]:
    return [str(_("periode")), *(str(DIMENSION_LABELS[d]) for d in filters.by)]


def _trunc(field: str, filters: Filters):
    return TRUNCATE[filters.granularity](field, output_field=DateField())


def _orm_dims(filters: Filters, case_path: str) -> dict:
    paths = {"team": f"{case_path}team__name", "municipality": f"{case_path}municipality__code"}
    return {f"dim_{d}": F(paths[d]) for d in filters.by}


def case_scope(filters: Filters, case_path: str = "") -> Q:
    """The team and municipality filters, on Case (path "") or on a model with a case ("case__")."""
    q = Q()
    if filters.team_id:
        q &= Q(**{f"{case_path}team_id": filters.team_id})
    if filters.municipality_id:
        q &= Q(**{f"{case_path}municipality_id": filters.municipality_id})
    return q


def _pivot(rows, filters: Filters, column_keys: list[str]) -> tuple[list[tuple], list[list[int]]]:
    """{(period, *dims, column): n} rows -> sorted row labels and a dense count matrix."""
    index = {key: j for j, key in enumerate(column_keys)}
    matrix: dict[tuple, list[int]] = {}
    for row in rows:
        if row["col"] not in index:
            continue
        label = (period_label(row["period"], filters.granularity), *(row[f"dim_{d}"] or "" for d in filters.by))
        matrix.setdefault(label, [0] * len(column_keys))[index[row["col"]]] += row["n"]
    labels = sorted(matrix)
    return labels, [matrix[label] for label in labels]


def cases_by_status(filters: Filters) -> Table:
    start, end = filters.window()
    rows = (
        Case.objects.filter(case_scope(filters, ""), opened_at__gte=start, opened_at__lt=end)
        .annotate(period=_trunc("opened_at", filters), col=F("status"), **_orm_dims(filters, ""))
        .values("period", "col", *(f"dim_{d}" for d in filters.by))
        .annotate(n=Count("id"))
        .order_by()
    )
    columns = [(s.value, str(s.label)) for s in CaseStatus]
    labels, cells = _pivot(rows, filters, [key for key, _label in columns])
    return Table(
        "cases_by_status", _("Casussen naar status (aantal casussen)"), _row_header(filters), columns, labels, cells
    )


def interventions_by_kind(filters: Filters) -> Table:
    start, end = filters.window()
    rows = (
        Intervention.objects.filter(case_scope(filters, "case__"), agreed_at__gte=start, agreed_at__lt=end)
        .annotate(period=_trunc("agreed_at", filters), col=F("kind"), **_orm_dims(filters, "case__"))
        .values("period", "col", *(f"dim_{d}" for d in filters.by))
        .annotate(n=Count("id"))
        .order_by()
    )
    columns = [(k.value, str(k.label)) for k in InterventionKind]
    labels, cells = _pivot(rows, filters, [key for key, _label in columns])
    return Table(
        "interventions_by_kind",
        _("Afgesproken inzet naar soort (aantal inzetten)"),
        _row_header(filters),
        columns,
        labels,
        cells,
    )


def protection_measures(filters: Filters) -> Table:
    """Protection measures agreed in the period, each counted once: a count of measures, so that its
    totals add up (a case with two measures is two measures, never "two cases")."""
    start, end = filters.window()
    rows = (
        Intervention.objects.filter(
            case_scope(filters, "case__"), agreed_at__gte=start, agreed_at__lt=end, kind__in=PROTECTION_MEASURES
        )
        .annotate(period=_trunc("agreed_at", filters), col=F("kind"), **_orm_dims(filters, "case__"))
        .values("period", "col", *(f"dim_{d}" for d in filters.by))
        .annotate(n=Count("id"))
        .order_by()
    )
    columns = [(k.value, str(k.label)) for k in PROTECTION_MEASURES]
    labels, cells = _pivot(rows, filters, [key for key, _label in columns])
    return Table(
        "protection_measures",
        _("Afgesproken beschermingsmaatregelen (aantal maatregelen)"),
        _row_header(filters),
        columns,
        labels,
        cells,
    )


def rereports(filters: Filters) -> Table:
    """First closure per episode in the period; re-reported = a CASE_REOPENED within the window after it."""
    start, end = filters.window()
    window = timedelta(days=settings.METRICS_REREPORT_WINDOW_DAYS)
    reopened = TimelineEvent.objects.filter(
        case_id=OuterRef("case_id"),
        kind=EventKind.CASE_REOPENED,
        occurred_at__gt=OuterRef("occurred_at"),
        occurred_at__lte=OuterRef("occurred_at") + window,
    )
    closures = TimelineEvent.objects.filter(
        case_scope(filters, "case__"),
        kind=EventKind.STATUS_CHANGED,
        data__to__in=CLOSING_STATUSES,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).exclude(data__from__in=CLOSING_STATUSES)
    rows = (
        closures.annotate(period=_trunc("occurred_at", filters), again=Exists(reopened), **_orm_dims(filters, "case__"))
        .values("period", "again", *(f"dim_{d}" for d in filters.by))
        .annotate(n=Count("id"))
        .order_by()
    )
    columns = [("rereported", str(_("heraangemeld binnen venster"))), ("not_rereported", str(_("niet heraangemeld")))]
    keyed = ({**row, "col": "rereported" if row["again"] else "not_rereported"} for row in rows)
    labels, cells = _pivot(keyed, filters, [key for key, _label in columns])
    return Table(
        "rereports",
        _("Heraanmeldingen na afsluiting (aantal afsluitingen)"),
        _row_header(filters),
        columns,
        labels,
        cells,
    )


def deadline_adherence(filters: Filters) -> Table:
    """Per period of the due date and per rule: met, missed, and open past the due date."""
    from workflows.deadlines.models import Deadline, DeadlineState  # workflows sits before metrics in the chain

    start, end = filters.window()
    now = filters.moment()
    rows = (
        Deadline.objects.filter(case_scope(filters, "case__"), due_at__gte=start, due_at__lt=end)
        .exclude(state=DeadlineState.CANCELLED)
        .annotate(period=_trunc("due_at", filters), rule_code=F("rule__code"), **_orm_dims(filters, "case__"))
        .values("period", "rule_code", *(f"dim_{d}" for d in filters.by))
        .annotate(
            met=Count("id", filter=Q(state=DeadlineState.MET)),
            missed=Count("id", filter=Q(state=DeadlineState.MISSED)),
            overdue=Count("id", filter=Q(state=DeadlineState.OPEN, due_at__lt=now)),
        )
        .order_by()
    )
    columns = [
        ("met", str(_("gehaald"))),
        ("missed", str(_("niet gehaald"))),
        ("open_overdue", str(_("open, over de termijn"))),
    ]
    matrix: dict[tuple, list[int]] = {}
    for row in rows:
        label = (
            period_label(row["period"], filters.granularity),
            row["rule_code"],
            *(row[f"dim_{d}"] or "" for d in filters.by),
        )
        cells = matrix.setdefault(label, [0, 0, 0])
        for j, key in enumerate(("met", "missed", "overdue")):
            cells[j] += row[key]
    labels = sorted(matrix)
    header = [str(_("periode")), str(_("termijnregel")), *(str(DIMENSION_LABELS[d]) for d in filters.by)]
    return Table(
        "deadlines",
        _("Termijnen per regel (aantal termijnen)"),
        header,
        columns,
        labels,
        [matrix[label] for label in labels],
    )


# --- Episode statistics (lead times, scores, handovers) and participants: one SQL query each.


def _sql_dims(filters: Filters) -> tuple[str, str]:
    """Select list and GROUP BY items for the extra dimensions (fixed column names only)."""
    exprs = {"team": "t.name", "municipality": "m.code"}
    select = "".join(f", {exprs[d]} AS dim_{d}" for d in filters.by)
    group = "".join(f", dim_{d}" for d in filters.by)
    return select, group


def _sql_scope(filters: Filters) -> tuple[str, list]:
    where, params = "", []
    if filters.team_id:
        where += " AND c.team_id = %s"
        params.append(filters.team_id)
    if filters.municipality_id:
        where += " AND c.municipality_id = %s"
        params.append(filters.municipality_id)
    return where, params


def _tables() -> dict[str, str]:
    models = {
        "ev": TimelineEvent,
        "case": Case,
        "team": SafetyTeam,
        "muni": Municipality,
        "part": Participant,
        "org": Organisation,
    }
    return {key: connection.ops.quote_name(model._meta.db_table) for key, model in models.items()}


def _days(expr: str) -> str:
    return f"EXTRACT(EPOCH FROM ({expr})) / 86400.0"


def episode_statistics(filters: Filters) -> list[dict]:
    """Per period (of the episode's start) and dimension: counts, lead-time percentiles, score change
    and handovers. Episodes start at CASE_OPENED / CASE_REOPENED; episodes without one are skipped."""
    start, end = filters.window()
    tables = _tables()
    dims_select, dims_group = _sql_dims(filters)
    scope, scope_params = _sql_scope(filters)
    milestone_filters = {
        "judged": "e.kind = 'judgement_recorded'",
        "agreed": "e.kind = 'intervention_agreed'",
        "started": "e.kind = 'intervention_started'",
        "closed": "e.kind = 'status_changed' AND e.data ->> 'to' = ANY(%s)",
    }
    milestone_sql = "".join(
        f", MIN(e.occurred_at) FILTER (WHERE {cond}) AS {key}" for key, cond in milestone_filters.items()
    )
    lead_sql = "".join(
        f", count({key}) AS n_{key}"
        f", percentile_cont(0.5) WITHIN GROUP (ORDER BY {_days(f'{key} - start')}) AS p50_{key}"
        f", percentile_cont(0.9) WITHIN GROUP (ORDER BY {_days(f'{key} - start')}) AS p90_{key}"
        for key, _label in MILESTONES
    )
    change = "(scores[cardinality(scores)] - scores[1])"
    # Table names come from model metadata and the filter fragments are fixed strings; values are params.
    sql = f"""
    WITH scope AS (
        SELECT DISTINCT e.case_id FROM {tables["ev"]} e JOIN {tables["case"]} c ON c.id = e.case_id
        WHERE e.kind = ANY(%s) AND e.occurred_at >= %s AND e.occurred_at < %s {scope}
    ), episodes AS (
        SELECT e.case_id, e.episode,
               MIN(e.occurred_at) FILTER (WHERE e.kind = ANY(%s)) AS start {milestone_sql},
               array_agg((e.data ->> 'joint_score')::numeric ORDER BY e.occurred_at, e.id)
                   FILTER (WHERE e.kind IN ('judgement_recorded', 'judgement_amended')
                           AND jsonb_typeof(e.data -> 'joint_score') = 'number')
                   AS scores
        FROM {tables["ev"]} e WHERE e.case_id IN (SELECT case_id FROM scope)
        GROUP BY e.case_id, e.episode
    ), assignments AS (
        SELECT e.case_id, e.episode, e.data ->> 'user_id' AS uid,
               lag(e.data ->> 'user_id') OVER (PARTITION BY e.case_id ORDER BY e.occurred_at, e.id) AS prev
        FROM {tables["ev"]} e
        WHERE e.kind = 'vast_gezicht_assigned' AND e.case_id IN (SELECT case_id FROM scope)
    ), handovers AS (
        SELECT case_id, episode, count(*) FILTER (WHERE prev IS NOT NULL AND prev IS DISTINCT FROM uid) AS n
        FROM assignments GROUP BY case_id, episode
    ), rows AS (
        SELECT (date_trunc(%s, ep.start AT TIME ZONE %s))::date AS period {dims_select},
               ep.*, COALESCE(h.n, 0) AS handovers
        FROM episodes ep
        JOIN {tables["case"]} c ON c.id = ep.case_id
        JOIN {tables["team"]} t ON t.id = c.team_id
        JOIN {tables["muni"]} m ON m.id = c.municipality_id
        LEFT JOIN handovers h ON h.case_id = ep.case_id AND h.episode = ep.episode
        WHERE ep.start >= %s AND ep.start < %s {scope}
    )
    SELECT period {dims_group}, count(*) AS episodes {lead_sql},
           count(*) FILTER (WHERE cardinality(scores) >= 2) AS n_scored,
           avg({change}) FILTER (WHERE cardinality(scores) >= 2) AS mean_change,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY {change}) FILTER (WHERE cardinality(scores) >= 2)
               AS p50_change,
           count(*) FILTER (WHERE cardinality(scores) >= 2 AND {change} > 0) AS improved,
           count(*) FILTER (WHERE cardinality(scores) >= 2 AND {change} = 0) AS unchanged,
           count(*) FILTER (WHERE cardinality(scores) >= 2 AND {change} < 0) AS worsened,
           count(*) FILTER (WHERE handovers = 0) AS handovers_0,
           count(*) FILTER (WHERE handovers = 1) AS handovers_1,
           count(*) FILTER (WHERE handovers >= 2) AS handovers_2plus
    FROM rows GROUP BY period {dims_group} ORDER BY period {dims_group}
    """  # noqa: S608
    trunc = filters.granularity  # date_trunc's own names: month, quarter, year
    params = [
        list(EPISODE_START_KINDS),
        start,
        end,
        *scope_params,
        list(EPISODE_START_KINDS),
        list(CLOSING_STATUSES),
        trunc,
        settings.TIME_ZONE,
        start,
        end,
        *scope_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [col.name for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def participant_statistics(filters: Filters) -> list[dict]:
    """Per period of opening: distinct organisation kinds, organisations and professionals per case."""
    start, end = filters.window()
    tables = _tables()
    dims_select, dims_group = _sql_dims(filters)
    scope, scope_params = _sql_scope(filters)
    stats = "".join(
        f", avg({key}) AS mean_{key}, percentile_cont(0.5) WITHIN GROUP (ORDER BY {key}) AS p50_{key}"
        for key in ("kinds", "organisations", "professionals")
    )
    sql = f"""
    WITH per_case AS (
        SELECT c.id, (date_trunc(%s, c.opened_at AT TIME ZONE %s))::date AS period {dims_select},
               count(DISTINCT o.kind) AS kinds, count(DISTINCT p.organisation_id) AS organisations,
               count(DISTINCT p.professional_id) AS professionals
        FROM {tables["case"]} c
        JOIN {tables["team"]} t ON t.id = c.team_id
        JOIN {tables["muni"]} m ON m.id = c.municipality_id
        LEFT JOIN {tables["part"]} p ON p.case_id = c.id
        LEFT JOIN {tables["org"]} o ON o.id = p.organisation_id
        WHERE c.opened_at >= %s AND c.opened_at < %s {scope}
        GROUP BY c.id {dims_group}
    )
    SELECT period {dims_group}, count(*) AS cases {stats}
    FROM per_case GROUP BY period {dims_group} ORDER BY period {dims_group}
    """  # noqa: S608
    trunc = filters.granularity  # date_trunc's own names: month, quarter, year
    with connection.cursor() as cursor:
        cursor.execute(sql, [trunc, settings.TIME_ZONE, start, end, *scope_params])
        names = [col.name for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
