"""The figures the national statistics count (jeugdbeschermingsstatistiek), next to the team's own:
protection measures (start, end, duration, age at start, how they ended), the stock on a reference
date (peildatum), veiligheidsvoorwaarden met or not, the joint judgements (dissent, family present,
classification), intake route and crisis path, and the wait from agreement to start of interventions.

One query per table (or per group of tables) whatever the data size; only aggregates leave. Like
`metrics.compute`, these read across all cases on purpose: callers are evaluators (metrics.access).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.assessments.models import (
    Assessment,
    Classification,
    ConditionStatus,
    Dissent,
    JointJudgement,
    Veiligheidsvoorwaarde,
)
from cases.documents.models import ChildMeasure, Measure, MeasureEndReason
from cases.interventions.models import Intervention
from cases.models import Case, EventKind, Intake, Person, PersonRole, TimelineEvent
from metrics.compute import (
    DIMENSION_LABELS,
    _days,
    _orm_dims,
    _row_header,
    _sql_dims,
    _sql_scope,
    _tables,
    _trunc,
    case_scope,
)
from metrics.definitions import (
    AGE_ADULT,
    AGE_BANDS,
    AGE_UNKNOWN,
    CLOSING_STATUSES,
    EPISODE_START_KINDS,
    Filters,
    period_label,
)
from metrics.tables import Table

AGE_COLUMNS = [label for _low, _high, label in AGE_BANDS] + [AGE_ADULT, AGE_UNKNOWN]


def _run(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [col.name for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _more_tables() -> dict[str, str]:
    models = {
        "iv": Intervention,
        "person": Person,
        "judgement": JointJudgement,
        "assessment": Assessment,
        "dissent": Dissent,
        "measure": ChildMeasure,
    }
    return _tables() | {key: connection.ops.quote_name(m._meta.db_table) for key, m in models.items()}


def _label(row: dict, filters: Filters, *keys: str) -> tuple:
    return (
        period_label(row["period"], filters.granularity),
        *(row[k] for k in keys),
        *(row[f"dim_{d}"] or "" for d in filters.by),
    )


def _header(filters: Filters, *extra) -> list[str]:
    return [str(_("periode")), *(str(e) for e in extra), *(str(DIMENSION_LABELS[d]) for d in filters.by)]


def _count_table(key, title, header, columns, rows: list[dict], filters: Filters, *keys: str) -> Table:
    labels = [_label(row, filters, *keys) for row in rows]
    cells = [[int(row[c]) for c, _l in columns] for row in rows]
    order = sorted(range(len(labels)), key=lambda i: labels[i])
    return Table(key, title, header, columns, [labels[i] for i in order], [cells[i] for i in order])


def _age_sql(born: str, on: str) -> str:
    """The age band (metrics.definitions.AGE_BANDS) of `born` on the day `on`, in SQL."""
    years = f"date_part('year', age({on}, {born}))"
    bands = " ".join(f"WHEN {years} BETWEEN {low} AND {high} THEN '{label}'" for low, high, label in AGE_BANDS)
    return f"CASE WHEN {born} IS NULL THEN '{AGE_UNKNOWN}' {bands} ELSE '{AGE_ADULT}' END"


def _reference_day(filters: Filters) -> date:
    """The local day the afloop of measures is judged on: the moment of computing (a release: its end)."""
    return timezone.localdate(filters.moment())


CHILDREN_COLUMNS = (
    ("children_1", _("één kind met een maatregel")),
    ("children_2", _("twee kinderen")),
    ("children_3plus", _("drie of meer kinderen")),
)


def measure_tables(filters: Filters) -> list[Table]:
    """Protection measures per child (cases.documents.ChildMeasure: a beschikking's measure once for each
    child it concerns), each counted in the period of its ingangsdatum: how it ended, the child's age
    band at the start, the duration in calendar days of those that ended; and the cases with a measure,
    each case once, in the period its first measure started. One query for the four tables."""
    tables = _more_tables()
    dims_select, dims_group = _sql_dims(filters)
    scope, scope_params = _sql_scope(filters)
    reasons = "".join(f", count(*) FILTER (WHERE how = '{r.value}') AS \"end_{r.value}\"" for r in MeasureEndReason)
    reasons_zero = "".join(f', 0 AS "end_{r.value}"' for r in MeasureEndReason)
    ages = "".join(f", count(*) FILTER (WHERE band = '{label}') AS \"age_{label}\"" for label in AGE_COLUMNS)
    ages_zero = "".join(f', 0 AS "age_{label}"' for label in AGE_COLUMNS)
    children = "".join(
        f", count(*) FILTER (WHERE n_children {cond}) AS {key}"
        for (key, _l), cond in zip(CHILDREN_COLUMNS, ("= 1", "= 2", ">= 3"), strict=True)
    )
    children_zero = "".join(f", 0 AS {key}" for key, _l in CHILDREN_COLUMNS)
    sql = f"""
    WITH m AS (
        SELECT cm.measure AS kind, cm.case_id, cm.starts_on AS begins {dims_select},
               CASE WHEN p.date_of_birth <= cm.starts_on THEN p.date_of_birth END AS born,
               CASE WHEN cm.ended_on <= %s THEN cm.end_reason
                    WHEN cm.ended_on IS NULL AND cm.planned_end <= %s THEN %s END AS how,
               CASE WHEN cm.ended_on <= %s THEN cm.ended_on
                    WHEN cm.ended_on IS NULL AND cm.planned_end <= %s THEN cm.planned_end END AS ends
        FROM {tables["measure"]} cm
        JOIN {tables["case"]} c ON c.id = cm.case_id
        JOIN {tables["team"]} t ON t.id = c.team_id
        JOIN {tables["muni"]} m ON m.id = c.municipality_id
        LEFT JOIN {tables["person"]} p ON p.id = cm.child_id
        WHERE cm.starts_on >= %s AND cm.starts_on <= %s {scope}
    ), banded AS (
        SELECT m.*, {_age_sql("born", "begins")} AS band FROM m
    ), first_measures AS (
        SELECT cm.case_id, min(cm.starts_on) AS begins, count(DISTINCT cm.child_id) AS n_children
        FROM {tables["measure"]} cm JOIN {tables["case"]} c ON c.id = cm.case_id
        WHERE true {scope}
        GROUP BY cm.case_id
    ), cases AS (
        SELECT f.* {dims_select}
        FROM first_measures f
        JOIN {tables["case"]} c ON c.id = f.case_id
        JOIN {tables["team"]} t ON t.id = c.team_id
        JOIN {tables["muni"]} m ON m.id = c.municipality_id
        WHERE f.begins >= %s AND f.begins <= %s
    )
    SELECT 'measures' AS grain, (date_trunc(%s, begins))::date AS period, kind {dims_group},
           count(*) FILTER (WHERE how IS NULL) AS running {reasons} {ages},
           count(ends) AS n_ended,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ends - begins) AS p50_days,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY ends - begins) AS p90_days
           {children_zero}
    FROM banded GROUP BY period, kind {dims_group}
    UNION ALL
    SELECT 'cases', (date_trunc(%s, begins))::date, '' {dims_group},
           0 {reasons_zero} {ages_zero}, 0, NULL, NULL {children}
    FROM cases GROUP BY 2 {dims_group}
    """  # noqa: S608 - table names from model metadata, fixed fragments; values are parameters
    day = _reference_day(filters)
    params = [
        day,
        day,
        MeasureEndReason.TERMIJN_VERSTREKEN.value,
        day,
        day,
        filters.date_from,
        filters.date_to,
        *scope_params,
        *scope_params,
        filters.date_from,
        filters.date_to,
        filters.granularity,
        filters.granularity,
    ]
    rows = _run(sql, params)
    kind_labels = {k.value: str(k.label) for k in Measure}
    measure_rows = [row for row in rows if row["grain"] == "measures"]
    for row in measure_rows:
        row["kind"] = kind_labels.get(row["kind"], row["kind"])
    header = _header(filters, _("maatregel"))
    ended = _count_table(
        "measures_ended",
        _("Beschermingsmaatregelen per kind naar afloop (aantal maatregelen per kind, naar ingangsdatum)"),
        header,
        [("running", str(_("loopt nog")))] + [(f"end_{r.value}", str(r.label)) for r in MeasureEndReason],
        measure_rows,
        filters,
        "kind",
    )
    age = _count_table(
        "measures_age",
        _("Beschermingsmaatregelen per kind naar leeftijd van het kind bij de start (aantal maatregelen per kind)"),
        header,
        [(f"age_{label}", label) for label in AGE_COLUMNS],
        measure_rows,
        filters,
        "kind",
    )
    labels = [_label(row, filters, "kind") for row in measure_rows]
    order = sorted(range(len(measure_rows)), key=lambda i: labels[i])
    duration = Table(
        "measures_duration",
        _("Duur van beëindigde beschermingsmaatregelen per kind (kalenderdagen)"),
        header,
        [("p50_days", str(_("mediaan (dagen)"))), ("p90_days", str(_("90e percentiel (dagen)")))],
        [labels[i] for i in order],
        [[_round(measure_rows[i]["p50_days"]), _round(measure_rows[i]["p90_days"])] for i in order],
        counts=False,
        guards=[0, 0],
        # The number ended guards the statistics but stays unpublished: it is nearly the sum of
        # measures_ended's cells and could undo that table's suppression.
        guard_counts=[[measure_rows[i]["n_ended"]] for i in order],
        additive=[False, False],
    )
    cases = _count_table(
        "cases_with_measure",
        _(
            "Casussen met een beschermingsmaatregel (aantal casussen, naar ingangsdatum van de eerste maatregel; "
            "kolommen: aantal kinderen met een maatregel)"
        ),
        _header(filters),
        [(key, str(label)) for key, label in CHILDREN_COLUMNS],
        [row for row in rows if row["grain"] == "cases"],
        filters,
    )
    return [ended, age, duration, cases]


def _round(value) -> float | str:
    return "" if value is None else round(float(value), 1)


def stock(filters: Filters) -> Table:
    """On the peildatum (end of that local day): open cases (their last opening, reopening or status
    change before then was no closure), the children (jeugdigen born by then) in them, the children
    with a protection measure running then, and those measures per child (started by that day, and
    their end, the day it stopped or else the planned end, after it)."""
    tables = _more_tables()
    scope, scope_params = _sql_scope(filters)
    day = filters.reference_date()
    tz = timezone.get_default_timezone()
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    sql = f"""
    WITH state AS (
        SELECT DISTINCT ON (e.case_id) e.case_id, e.kind, e.data ->> 'to' AS to_status
        FROM {tables["ev"]} e JOIN {tables["case"]} c ON c.id = e.case_id
        WHERE (e.kind = ANY(%s) OR e.kind = %s) AND e.occurred_at < %s {scope}
        ORDER BY e.case_id, e.occurred_at DESC, e.id DESC
    ), open_cases AS (
        SELECT case_id FROM state WHERE NOT (kind = %s AND to_status = ANY(%s))
    ), running AS (
        SELECT cm.id, cm.child_id FROM {tables["measure"]} cm JOIN {tables["case"]} c ON c.id = cm.case_id
        WHERE cm.starts_on <= %s AND COALESCE(cm.ended_on, cm.planned_end, %s) > %s {scope}
    )
    SELECT (SELECT count(*) FROM open_cases) AS cases,
           (SELECT count(*) FROM {tables["person"]} p
            WHERE p.case_id IN (SELECT case_id FROM open_cases) AND p.role = %s
              AND (p.date_of_birth IS NULL OR p.date_of_birth <= %s)) AS children,
           count(DISTINCT r.child_id) AS children_measure, count(r.id) AS measures
    FROM (SELECT 1) one LEFT JOIN running r ON true
    """  # noqa: S608 - as above
    params = [
        list(EPISODE_START_KINDS),
        EventKind.STATUS_CHANGED.value,
        end,
        *scope_params,
        EventKind.STATUS_CHANGED.value,
        list(CLOSING_STATUSES),
        day,
        day + timedelta(days=1),
        day,
        *scope_params,
        PersonRole.JEUGDIGE.value,
        day,
    ]
    row = _run(sql, params)[0]
    columns = [
        ("cases", str(_("open casussen"))),
        ("children", str(_("kinderen in open casussen"))),
        ("children_measure", str(_("kinderen met een lopende beschermingsmaatregel"))),
        ("measures", str(_("lopende beschermingsmaatregelen per kind"))),
    ]
    return Table(
        "stock",
        _("Voorraad op de peildatum (casussen, kinderen en maatregelen per kind)"),
        [str(_("peildatum"))],
        columns,
        [(day.isoformat(),)],
        [[row[key] for key, _l in columns]],
        counts=False,
        guards=[None] * len(columns),
        guard_counts=[[]],
        additive=[False] * len(columns),
    )


def conditions(filters: Filters) -> Table:
    """Veiligheidsvoorwaarden by outcome, in the period they were agreed."""
    start, end = filters.window()
    rows = (
        Veiligheidsvoorwaarde.objects.filter(case_scope(filters, "case__"), agreed_at__gte=start, agreed_at__lt=end)
        .annotate(period=_trunc("agreed_at", filters), col=F("status"), **_orm_dims(filters, "case__"))
        .values("period", "col", *(f"dim_{d}" for d in filters.by))
        .annotate(n=Count("id"))
        .order_by()
    )
    columns = [(s.value, str(s.label)) for s in ConditionStatus]
    return _pivot_table(
        "conditions", _("Veiligheidsvoorwaarden naar uitkomst (aantal voorwaarden)"), columns, rows, filters
    )


def _pivot_table(key, title, columns, rows, filters: Filters) -> Table:
    from metrics.compute import _pivot

    labels, cells = _pivot(rows, filters, [k for k, _l in columns])
    return Table(key, title, _row_header(filters), columns, labels, cells)


def judgement_tables(filters: Filters) -> list[Table]:
    """Joint judgements in the period they were recorded: by the number of partners that dissented, by who
    of the family was present, and by classification. One query for the three."""
    start, end = filters.window()
    tables = _more_tables()
    dims_select, dims_group = _sql_dims(filters)
    scope, scope_params = _sql_scope(filters)
    classes = "".join(
        f", count(*) FILTER (WHERE classification = '{c.value}') AS \"class_{c.value}\"" for c in Classification
    )
    sql = f"""
    WITH j AS (
        SELECT (date_trunc(%s, j.recorded_at AT TIME ZONE %s))::date AS period {dims_select},
               j.classification, j.parents_present, j.children_present,
               (SELECT count(*) FROM {tables["dissent"]} d WHERE d.judgement_id = j.id) AS dissents
        FROM {tables["judgement"]} j
        JOIN {tables["assessment"]} a ON a.id = j.assessment_id
        JOIN {tables["case"]} c ON c.id = a.case_id
        JOIN {tables["team"]} t ON t.id = c.team_id
        JOIN {tables["muni"]} m ON m.id = c.municipality_id
        WHERE j.recorded_at >= %s AND j.recorded_at < %s {scope}
    )
    SELECT period {dims_group},
           count(*) FILTER (WHERE dissents = 0) AS dissent_0,
           count(*) FILTER (WHERE dissents = 1) AS dissent_1,
           count(*) FILTER (WHERE dissents >= 2) AS dissent_2plus,
           count(*) FILTER (WHERE parents_present AND children_present) AS present_both,
           count(*) FILTER (WHERE parents_present AND NOT children_present) AS present_parents,
           count(*) FILTER (WHERE children_present AND NOT parents_present) AS present_children,
           count(*) FILTER (WHERE NOT parents_present AND NOT children_present) AS present_none
           {classes}
    FROM j GROUP BY period {dims_group}
    """  # noqa: S608 - as above
    rows = _run(sql, [filters.granularity, settings.TIME_ZONE, start, end, *scope_params])
    header = _row_header(filters)
    dissent = _count_table(
        "judgement_dissent",
        _("Gezamenlijke oordelen naar aantal afwijkende standpunten (aantal oordelen)"),
        header,
        [
            ("dissent_0", str(_("geen afwijkend standpunt"))),
            ("dissent_1", str(_("één afwijkend standpunt"))),
            ("dissent_2plus", str(_("twee of meer"))),
        ],
        rows,
        filters,
    )
    presence = _count_table(
        "judgement_presence",
        _("Gezamenlijke oordelen naar aanwezigheid van het gezin (aantal oordelen)"),
        header,
        [
            ("present_both", str(_("ouders en kinderen aanwezig"))),
            ("present_parents", str(_("alleen ouders aanwezig"))),
            ("present_children", str(_("alleen kinderen aanwezig"))),
            ("present_none", str(_("niemand van het gezin aanwezig"))),
        ],
        rows,
        filters,
    )
    classification = _count_table(
        "judgement_classification",
        _("Gezamenlijke oordelen naar classificatie (aantal oordelen)"),
        header,
        [(f"class_{c.value}", str(c.label)) for c in Classification],
        rows,
        filters,
    )
    return [dissent, presence, classification]


def intake_tables(filters: Filters) -> list[Table]:
    """Cases opened in the period, by intake route and by whether acute onveiligheid was ever reported
    (the crisis path) before the reference moment. One query for both."""
    start, end = filters.window()
    crisis = TimelineEvent.objects.filter(
        case_id=OuterRef("pk"), kind=EventKind.CRISIS_FLAGGED, occurred_at__lt=filters.moment()
    )
    rows = list(
        Case.objects.filter(case_scope(filters, ""), opened_at__gte=start, opened_at__lt=end)
        .annotate(period=_trunc("opened_at", filters), crisis_path=Exists(crisis), **_orm_dims(filters, ""))
        .values("period", "intake", "crisis_path", *(f"dim_{d}" for d in filters.by))
        .annotate(n=Count("id"))
        .order_by()
    )
    intake = _pivot_table(
        "intake",
        _("Casussen naar binnenkomst (aantal casussen, naar opening)"),
        [(i.value, str(i.label)) for i in Intake],
        [{**row, "col": row["intake"]} for row in rows],
        filters,
    )
    crisis_table = _pivot_table(
        "crisis_path",
        _("Casussen op het crisispad (aantal casussen, naar opening)"),
        [("yes", str(_("acute onveiligheid gemeld"))), ("no", str(_("geen acute onveiligheid gemeld")))],
        [{**row, "col": "yes" if row["crisis_path"] else "no"} for row in rows],
        filters,
    )
    return [intake, crisis_table]


def waiting_time(filters: Filters) -> Table:
    """Interventions agreed in the period that have started: days (24-hour periods, with decimals) from
    the agreement to the start, median and 90th percentile (linear interpolation, percentile_cont)."""
    start, end = filters.window()
    tables = _more_tables()
    dims_select, dims_group = _sql_dims(filters)
    scope, scope_params = _sql_scope(filters)
    wait = _days("i.started_at - i.agreed_at")
    sql = f"""
    SELECT (date_trunc(%s, i.agreed_at AT TIME ZONE %s))::date AS period {dims_select},
           count(i.started_at) AS n_started,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY {wait}) AS p50_wait,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY {wait}) AS p90_wait
    FROM {tables["iv"]} i
    JOIN {tables["case"]} c ON c.id = i.case_id
    JOIN {tables["team"]} t ON t.id = c.team_id
    JOIN {tables["muni"]} m ON m.id = c.municipality_id
    WHERE i.agreed_at >= %s AND i.agreed_at < %s AND i.started_at IS NOT NULL {scope}
    GROUP BY period {dims_group}
    """  # noqa: S608 - as above
    rows = _run(sql, [filters.granularity, settings.TIME_ZONE, start, end, *scope_params])
    labels = [_label(row, filters) for row in rows]
    order = sorted(range(len(rows)), key=lambda i: labels[i])
    return Table(
        "waiting_time",
        _("Wachttijd van afspraak tot start van de inzet (dagen, per afgesproken inzet)"),
        _row_header(filters),
        [
            ("n_started", str(_("gestarte inzet: aantal"))),
            ("p50_wait", str(_("mediaan (dagen)"))),
            ("p90_wait", str(_("90e percentiel (dagen)"))),
        ],
        [labels[i] for i in order],
        [[rows[i]["n_started"], _round(rows[i]["p50_wait"]), _round(rows[i]["p90_wait"])] for i in order],
        counts=False,
        guards=[None, 0, 0],
        guard_counts=[[rows[i]["n_started"]] for i in order],
        additive=[True, False, False],
    )


def safety_plan_tables(filters: Filters) -> list[Table]:
    """Episodes in the period of their aanmelding (case opened or reopened): how many have an agreed
    veiligheidsplan, and the days from the aanmelding to the first agreement. A version is agreed at the
    moment it has the akkoord of a parent or carer and of a partner (cases.safety_plans); the episode at
    the first such moment of any of its versions. One query for both tables."""
    start, end = filters.window()
    tables = _tables()
    dims_select, dims_group = _sql_dims(filters)
    scope, scope_params = _sql_scope(filters)
    lead = _days("agreed - start")
    sql = f"""
    WITH episodes AS (
        SELECT e.case_id, e.episode, MIN(e.occurred_at) AS start
        FROM {tables["ev"]} e JOIN {tables["case"]} c ON c.id = e.case_id
        WHERE e.kind = ANY(%s) {scope}
        GROUP BY e.case_id, e.episode
    ), versions AS (
        SELECT e.case_id, e.episode, e.data ->> 'safety_plan_id' AS plan, e.data ->> 'version' AS version,
               GREATEST(MIN(e.occurred_at) FILTER (WHERE e.data ->> 'person_role' = ANY(%s)),
                        MIN(e.occurred_at) FILTER (WHERE e.data ->> 'party' = 'organisation')) AS agreed
        FROM {tables["ev"]} e
        WHERE e.kind = %s
        GROUP BY e.case_id, e.episode, plan, version
    ), agreed AS (
        SELECT case_id, episode, MIN(agreed) AS agreed FROM versions GROUP BY case_id, episode
    ), rows AS (
        SELECT (date_trunc(%s, ep.start AT TIME ZONE %s))::date AS period {dims_select}, ep.start,
               CASE WHEN a.agreed <= %s THEN a.agreed END AS agreed
        FROM episodes ep
        JOIN {tables["case"]} c ON c.id = ep.case_id
        JOIN {tables["team"]} t ON t.id = c.team_id
        JOIN {tables["muni"]} m ON m.id = c.municipality_id
        LEFT JOIN agreed a ON a.case_id = ep.case_id AND a.episode = ep.episode
        WHERE ep.start >= %s AND ep.start < %s
    )
    SELECT period {dims_group},
           count(agreed) AS with_plan, count(*) - count(agreed) AS without_plan, count(*) AS episodes,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY {lead}) AS p50_days,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY {lead}) AS p90_days
    FROM rows GROUP BY period {dims_group}
    """  # noqa: S608 - as above
    rows = _run(
        sql,
        [
            list(EPISODE_START_KINDS),
            *scope_params,
            [PersonRole.OUDER.value, PersonRole.VERZORGER.value],
            EventKind.SAFETY_PLAN_AGREED.value,
            filters.granularity,
            settings.TIME_ZONE,
            filters.moment(),
            start,
            end,
        ],
    )
    # An agreement after the reference moment (a release's) is not yet an agreement: counted without.
    share = _count_table(
        "safety_plans",
        _("Episodes met een afgesproken veiligheidsplan (aantal episodes, naar aanmelding)"),
        _row_header(filters),
        [("with_plan", str(_("met afgesproken plan"))), ("without_plan", str(_("(nog) zonder afgesproken plan")))],
        rows,
        filters,
    )
    labels = [_label(row, filters) for row in rows]
    order = sorted(range(len(rows)), key=lambda i: labels[i])
    lead_table = Table(
        "safety_plan_lead",
        _("Tijd van aanmelding tot een afgesproken veiligheidsplan (dagen, per episode met plan)"),
        _row_header(filters),
        [
            ("share", str(_("aandeel met afgesproken plan (%)"))),
            ("p50_days", str(_("mediaan (dagen)"))),
            ("p90_days", str(_("90e percentiel (dagen)"))),
        ],
        [labels[i] for i in order],
        [
            [
                _round(100 * rows[i]["with_plan"] / rows[i]["episodes"]) if rows[i]["episodes"] else "",
                _round(rows[i]["p50_days"]),
                _round(rows[i]["p90_days"]),
            ]
            for i in order
        ],
        counts=False,
        # The share is guarded by the episodes it is of, the days by the episodes with a plan; neither
        # count is published here (the first table holds them, suppressed).
        guards=[0, 1, 1],
        guard_counts=[[rows[i]["episodes"], rows[i]["with_plan"]] for i in order],
        additive=[False, False, False],
    )
    return [share, lead_table]
