"""The two evaluator exports, streamed to a file in CSV, XLSX or JSON.

* Event extract: one row per timeline event, with a keyed case pseudonym, the age band of the
  youngest child on the event day, municipality (CBS code), team, the organisation kinds involved on
  that day, the event kind, the day, the episode and the structured scores. Never names, BSNs,
  birth dates, addresses, note texts or TimelineEvent.summary: those columns are not even selected.
* Aggregates: the published (suppressed) metric tables of `metrics.report`.

Rows stream from PostgreSQL with a server-side cursor (`values_list().iterator()`), so memory stays
flat whatever the number of events.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.conf import settings
from django.db.models import CharField, F, FloatField, Func, IntegerField, Q
from openpyxl import Workbook

from cases.access_log import AccessAction, AccessOutcome, Actor, access_log_write
from cases.models import Case, Participant, Person, PersonRole, TimelineEvent
from metrics.definitions import AGE_UNKNOWN, Filters, age_band
from metrics.formats import write_csv, write_json_rows, xlsx_sheet
from metrics.pseudonym import pseudonymiser
from metrics.report import as_json, published_tables

EVENT_COLUMNS = (
    "casus_pseudoniem", "datum", "gebeurtenis", "episode", "leeftijdsgroep_jongste_kind",
    "gemeente_cbs", "team", "soorten_organisaties", "score", "gezamenlijke_score",
)  # fmt: skip
CHUNK_SIZE = 5000
PROGRESS_EVERY = 50_000  # rows between progress reports
Progress = Callable[[int], None]


class JsonScore(Func):
    """data -> key as an integer when it is a number (else NULL): scores only (0-10), never free text."""

    output_field = IntegerField()

    def __init__(self, key: str):
        super().__init__(F("data"), key=key)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        key = self.extra["key"]
        return (f"(CASE WHEN jsonb_typeof({sql} -> %s) = 'number' THEN round(({sql} ->> %s)::numeric)::int END)",
                [*params, key, *params, key])  # fmt: skip


class LocalDay(Func):
    """The local calendar day as 'YYYY-MM-DD' text: day precision, and no date objects to build per row."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM-DD')", [*params, settings.TIME_ZONE]


class Epoch(Func):
    """Seconds since 1970 as a float (cheap to load, unlike an aware datetime)."""

    template = "date_part('epoch', %(expressions)s)"
    output_field = FloatField()


def events_queryset(filters: Filters):
    """The extract's event rows, ordered by case (and time within a case): no joins, no per-row
    subqueries; the per-case facts come from `_case_facts`, a few queries per chunk of rows."""
    start, end = filters.window()
    scope = Q(occurred_at__gte=start, occurred_at__lt=end)
    if filters.team_id:
        scope &= Q(case__team_id=filters.team_id)
    if filters.municipality_id:
        scope &= Q(case__municipality_id=filters.municipality_id)
    return (
        TimelineEvent.objects.filter(scope)
        .annotate(at=Epoch("occurred_at"), day=LocalDay("occurred_at"))
        .annotate(score=JsonScore("score"), joint_score=JsonScore("joint_score"))
        .order_by("case_id", "occurred_at", "id")
        .values_list("case_id", "at", "day", "kind", "episode", "score", "joint_score")
    )


@dataclass
class CaseFacts:
    pseudonym: str
    team: str
    cbs: str
    births: list[str] = field(default_factory=list)  # children's birth dates (ISO), youngest first
    # Organisation kinds involved: from boundaries[i] (epoch seconds) until the next, kinds[i] ("cvc;gi").
    boundaries: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    _band_day: str = ""
    _band: str = ""

    def kinds_at(self, moment: float) -> str:
        index = bisect_right(self.boundaries, moment) - 1
        return self.kinds[index] if index >= 0 else ""

    def age_band_on(self, day: str) -> str:
        if day != self._band_day:  # a case's events often share a day
            self._band_day, self._band = day, self._youngest_band(day)
        return self._band

    def _youngest_band(self, day: str) -> str:
        for born in self.births:
            if born <= day:  # ISO dates compare as strings
                return age_band(date.fromisoformat(born), date.fromisoformat(day))
        return AGE_UNKNOWN


def _case_facts(case_ids: set[int], pseudonym) -> dict[int, CaseFacts]:
    """Team, CBS code, children's birth dates and participation intervals of a chunk's cases."""
    facts = {
        pk: CaseFacts(pseudonym(pk), team, cbs)
        for pk, team, cbs in Case.objects.filter(pk__in=case_ids).values_list("pk", "team__name", "municipality__code")
    }
    births = (
        Person.objects.filter(case_id__in=case_ids, role=PersonRole.JEUGDIGE, date_of_birth__isnull=False)
        .order_by("case_id", "-date_of_birth")
        .values_list("case_id", "date_of_birth")
    )
    for case_id, born in births:
        facts[case_id].births.append(born.isoformat())
    spans: dict[int, list[tuple]] = {}
    for case_id, kind, started, ended in Participant.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "organisation__kind", "started_at", "ended_at"
    ):
        spans.setdefault(case_id, []).append((kind, started, ended))
    for case_id, case_spans in spans.items():
        case = facts[case_id]
        moments = sorted({s for _k, s, _e in case_spans} | {e for _k, _s, e in case_spans if e is not None})
        for moment in moments:
            # Involved at a moment: started at or before it and not yet ended.
            active = {k for k, s, e in case_spans if s <= moment and (e is None or e > moment)}
            case.boundaries.append(moment.timestamp())
            case.kinds.append(";".join(sorted(active)))
    return facts


def event_rows(filters: Filters, *, secret: str | None = None, progress: Progress | None = None) -> Iterator[tuple]:
    pseudonym = pseudonymiser(secret=secret)
    rows = events_queryset(filters).iterator(chunk_size=CHUNK_SIZE)
    count = 0
    while chunk := list(islice(rows, CHUNK_SIZE)):
        facts = _case_facts({row[0] for row in chunk}, pseudonym)
        for case_id, moment, day, kind, episode, score, joint in chunk:
            case = facts[case_id]
            yield (case.pseudonym, day, kind, episode, case.age_band_on(day), case.cbs, case.team,
                   case.kinds_at(moment), "" if score is None else score, "" if joint is None else joint)  # fmt: skip
        count += len(chunk)
        if progress is not None and count // PROGRESS_EVERY != (count - len(chunk)) // PROGRESS_EVERY:
            progress(count)


def write_events(out_path, filters: Filters, fmt: str, *, progress: Progress | None = None) -> int:
    """Write the event extract to `out_path`; returns the number of rows."""
    rows = event_rows(filters, progress=progress)
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        count = xlsx_sheet(workbook, "gebeurtenissen", EVENT_COLUMNS, rows)
        workbook.save(out_path)
        return count
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        if fmt == "json":
            return write_json_rows(out, EVENT_COLUMNS, rows)
        return write_csv(out, EVENT_COLUMNS, rows)


def write_aggregates(out_path, filters: Filters, fmt: str, *, k: int | None = None) -> int:
    """Write the suppressed metric tables; returns the number of table rows written."""
    tables = published_tables(filters, k=k)
    if fmt == "json":
        with open(out_path, "w", encoding="utf-8") as out:
            json.dump({"filters": filters_json(filters), "tables": as_json(tables)}, out, ensure_ascii=False, indent=1)
        return sum(len(t.rows) for t in tables)
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        count = sum(xlsx_sheet(workbook, t.key, t.header(), t.flat_rows()) for t in tables)
        workbook.save(out_path)
        return count
    count = 0
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        for index, table in enumerate(tables):
            if index:
                out.write("\n")
            count += write_csv(out, ["tabel", *table.header()], ([table.key, *row] for row in table.flat_rows()))
    return count


def write_export(out_path, *, kind: str, fmt: str, filters: Filters, progress: Progress | None = None) -> int:
    if kind == "events":
        return write_events(out_path, filters, fmt, progress=progress)
    return write_aggregates(out_path, filters, fmt)


def filters_json(filters: Filters) -> dict:
    return {"date_from": filters.date_from.isoformat(), "date_to": filters.date_to.isoformat(),
            "granularity": filters.granularity, "team_id": filters.team_id,
            "municipality_id": filters.municipality_id, "by": list(filters.by)}  # fmt: skip


def log_export(actor: Actor, *, kind: str, fmt: str, filters: Filters, rows: int | None = None) -> None:
    """Every export is in the access log: who, what kind and which filters; never case content."""
    params = filters_json(filters)
    detail = (
        f"metrics-export kind={kind} format={fmt} from={params['date_from']} to={params['date_to']} "
        f"granularity={params['granularity']} team={params['team_id'] or '-'} "
        f"municipality={params['municipality_id'] or '-'}"
    )
    if rows is not None:
        detail += f" rows={rows}"
    access_log_write(actor=actor, action=AccessAction.EXPORT, outcome=AccessOutcome.ALLOWED, case_id=None,
                     detail=detail)  # fmt: skip
