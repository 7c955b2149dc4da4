"""The two evaluator exports, streamed to a file in CSV, XLSX or JSON.

* Event extract: one row per timeline event of the episodes that started in the chosen months, with a
  keyed case pseudonym, the episode, the number of days since the episode started, the event kind, the
  age band of the youngest child on the event day, the organisation kinds involved then and the
  structured scores. Never names, BSNs, birth dates, addresses, note texts or TimelineEvent.summary:
  those columns are not even selected.

  An extract that cannot undo the tables' suppression: it carries no calendar date, team or
  municipality (the tables' dimensions), only days within an episode; and it holds only the episodes
  that started in a month all of whose figures (for the same team and municipality filter) are published
  without a hidden cell (`extract_months`). Whatever is counted from it is then a sum over months
  whose figures are all public already: there is no hidden cell of those months to solve for, and the
  episodes of months with one are not in it. (tests/metrics/test_extract_disclosure.py solves for them.)
* Aggregates: the published (suppressed) metric tables of `metrics.report`.

The CSV extract is written by PostgreSQL itself: one COPY that computes pseudonyms, bands and kinds
(`metrics.extract_copy`), streamed in blocks. JSON and XLSX take the Python rows (`event_rows`), which
stream from server-side cursors, so memory stays flat whatever the number of events: the events in
case order, merged with per-case facts streamed in the same order (a fixed number of queries).
Pseudonym, team, CBS code, birth dates and participation spans are worked out once per case. The two
paths agree byte for byte on the CSV (tests/metrics/test_event_extract_copy.py).
"""

from __future__ import annotations

import io
import json
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import chain, groupby
from operator import itemgetter
from typing import IO

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, F, FloatField, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import Actor, access_log_write
from cases.models import Case, Participant, Person, PersonRole, TimelineEvent
from metrics.compute import case_scope
from metrics.definitions import AGE_UNKNOWN, EPISODE_START_KINDS, MONTH, Filters, age_band, period_end, period_label
from metrics.extract_copy import copy_events_csv
from metrics.formats import write_json_rows
from metrics.pseudonym import pseudonymiser
from metrics.report import as_json, published_tables
from security.spreadsheet import csv_line, write_csv, xlsx_sheet

EVENT_COLUMNS = (
    "casus_pseudoniem",
    "episode",
    "dag_in_episode",
    "gebeurtenis",
    "leeftijdsgroep_jongste_kind",
    "soorten_organisaties",
    "score",
    "gezamenlijke_score",
)
CHUNK_SIZE = 5000  # rows per fetch from a server-side cursor, and lines per write
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
        return (
            f"(CASE WHEN jsonb_typeof({sql} -> %s) = 'number' THEN round(({sql} ->> %s)::numeric)::int END)",
            [*params, key, *params, key],
        )


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


class DayOffset(Func):
    """Local calendar days from the second moment to the first: (a::date - b::date), an integer."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        (a, a_params), (b, b_params) = (compiler.compile(e) for e in self.source_expressions)
        tz = settings.TIME_ZONE
        return f"((({a}) AT TIME ZONE %s)::date - (({b}) AT TIME ZONE %s)::date)", [*a_params, tz, *b_params, tz]


Windows = list[tuple[datetime, datetime]]


def extract_months(filters: Filters) -> Windows:
    """The [start, end) windows of the months in the range whose published figures (for the filters'
    team and municipality, per month, no other dimension) have no hidden cell: only their episodes go
    into the extract. Adjacent months are merged into one window."""
    monthly = replace(filters, granularity=MONTH, by=())
    hidden: set[str] = set()
    for table in published_tables(monthly):
        if table.key in PERIODLESS_TABLES:
            continue
        for index, labels in enumerate(table.rows):
            row_total = table.row_totals[index] if table.row_totals is not None else 0
            if row_total is None or any(value is None for value in table.cells[index]):
                hidden.add(labels[0])
    tz = timezone.get_default_timezone()
    windows: Windows = []
    month = filters.date_from.replace(day=1)
    while month <= filters.date_to:
        following = period_end(month, MONTH) + timedelta(days=1)
        if period_label(month, MONTH) not in hidden:
            start = datetime.combine(month, time.min, tzinfo=tz)
            end = datetime.combine(following, time.min, tzinfo=tz)
            if windows and windows[-1][1] == start:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        month = following
    return windows


# Tables that are not per period (the stock on one date) or only restate another (the norms).
PERIODLESS_TABLES = ("stock", "norms")


def events_queryset(filters: Filters, windows: Windows):
    """The extract's event rows: every event of the episodes that started (opened or reopened) within
    `windows`, in scope, ordered by case (and time within a case); the day is kept for the age band
    only. The per-case facts come from `_case_facts`, streamed in the same case order."""
    starts = TimelineEvent.objects.filter(
        case_id=OuterRef("case_id"), episode=OuterRef("episode"), kind__in=EPISODE_START_KINDS
    ).order_by("occurred_at", "id")
    in_windows = Q(pk__in=[])
    for start, end in windows:
        in_windows |= Q(episode_start__gte=start, episode_start__lt=end)
    return (
        TimelineEvent.objects.filter(case_scope(filters, "case__"))
        .annotate(episode_start=Subquery(starts.values("occurred_at")[:1]))
        .filter(in_windows)
        .annotate(at=Epoch("occurred_at"), day=LocalDay("occurred_at"))
        .annotate(offset=DayOffset("occurred_at", "episode_start"))
        .annotate(score=JsonScore("score"), joint_score=JsonScore("joint_score"))
        .order_by("case_id", "occurred_at", "id")
        .values_list("case_id", "at", "day", "kind", "episode", "offset", "score", "joint_score")
    )


@contextmanager
def _reading_connection() -> Iterator[BaseDatabaseWrapper]:
    """Where the extract reads. Within a transaction (a request, a test) the caller's own connection.
    Otherwise a second connection in one read-only REPEATABLE READ transaction, so that its cursors
    stream (in autocommit a cursor is WITH HOLD: computed whole, into a temporary file, before the first
    row comes), all queries see one snapshot, and progress saved on the caller's connection is seen at once."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.get_autocommit() or connection.vendor != "postgresql":
        yield connection
        return
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        reader.set_autocommit(False)
        with reader.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield reader
    finally:
        reader.close()


def _stream(queryset: QuerySet, connection: BaseDatabaseWrapper) -> Iterator[tuple]:
    """A values_list() queryset's rows as the driver returns them, through a server-side cursor: no
    per-row converters (Django's cost 2-5 µs a row; the columns selected here are ints, floats, text, dates)."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_SIZE):
            yield from rows


class _ByCase:
    """Rows ordered by case id (first column), handed out per case to a caller asking in case order;
    the rows of cases it does not ask for are passed over."""

    def __init__(self, rows: Iterator[tuple]):
        self._groups = groupby(rows, key=itemgetter(0))
        self._case_id: float = -1
        self._rows: list[tuple] = []

    def take(self, case_id: int) -> list[tuple]:
        while self._case_id < case_id:
            self._case_id, group = next(self._groups, (float("inf"), ()))
            self._rows = list(group)
        return self._rows if self._case_id == case_id else []


@dataclass(slots=True)
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

    def involve(self, spans: list[tuple[str, float, float | None]]) -> None:
        """Set the boundaries and kinds from participation spans (kind, started, ended or None)."""
        moments = sorted({s for _k, s, _e in spans}.union([e for _k, _s, e in spans if e is not None]))
        for moment in moments:
            # Involved at a moment: started at or before it and not yet ended.
            active = {k for k, s, e in spans if s <= moment and (e is None or e > moment)}
            self.boundaries.append(moment)
            self.kinds.append(";".join(sorted(active)))

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


def _case_facts(
    filters: Filters, connection: BaseDatabaseWrapper, *, secret: str | None
) -> Callable[[int], CaseFacts | None]:
    """A function case id -> the case's team, CBS code, children's birth dates and participation
    intervals, to be asked in case id order (None for a case that is gone). Three streams in case order,
    merged: three queries in all. They cover the team/municipality scope, not just the cases with events
    in the date window: that semi-join over the events costs more than passing over the other cases."""
    pseudonym = pseudonymiser(secret=secret)
    in_scope = case_scope(filters, "case__")
    cases = _ByCase(
        _stream(
            Case.objects.filter(case_scope(filters))
            .order_by("pk")
            .values_list("pk", "team__name", "municipality__code"),
            connection,
        )
    )
    births = _ByCase(
        _stream(
            Person.objects.filter(in_scope, role=PersonRole.JEUGDIGE, date_of_birth__isnull=False)
            .order_by("case_id", "-date_of_birth")
            .values_list("case_id", "date_of_birth"),
            connection,
        )
    )
    # Epoch seconds computed as for the events (`Epoch`), so equal moments compare equal.
    spans = _ByCase(
        _stream(
            Participant.objects.filter(in_scope)
            .annotate(start=Epoch("started_at"), end=Epoch("ended_at"))
            .order_by("case_id")
            .values_list("case_id", "organisation__kind", "start", "end"),
            connection,
        )
    )

    def facts_of(case_id: int) -> CaseFacts | None:
        found = cases.take(case_id)
        if not found:
            return None
        _pk, team, cbs = found[0]
        facts = CaseFacts(pseudonym(case_id), team, cbs, [born.isoformat() for _c, born in births.take(case_id)])
        facts.involve([(kind, started, ended) for _c, kind, started, ended in spans.take(case_id)])
        return facts

    return facts_of


def _cases_with_events(
    filters: Filters, *, secret: str | None, progress: Progress | None
) -> Iterator[tuple[CaseFacts, list[tuple]]]:
    """Each case with events in scope, in case order: its facts and its event rows (events_queryset's
    columns, in time order). Progress is reported once the consumer is done with a case."""
    windows = extract_months(filters)
    if not windows:
        return
    with _reading_connection() as connection:
        events = _stream(events_queryset(filters, windows), connection)
        # The events query runs first, so the facts queries see every case it saw (the same snapshot on
        # the reading connection, a later one in the caller's transaction).
        first = next(events, None)
        if first is None:
            return
        facts_of = _case_facts(filters, connection, secret=secret)
        count = 0
        for case_id, rows in groupby(chain((first,), events), key=itemgetter(0)):
            case = facts_of(case_id)
            if case is None:  # deleted since the events query ran: its events are gone too
                continue
            batch = list(rows)
            yield case, batch
            before, count = count, count + len(batch)
            if progress is not None and count // PROGRESS_EVERY != before // PROGRESS_EVERY:
                progress(count // PROGRESS_EVERY * PROGRESS_EVERY)  # the milestone passed: a round number


def event_rows(filters: Filters, *, secret: str | None = None, progress: Progress | None = None) -> Iterator[tuple]:
    for case, rows in _cases_with_events(filters, secret=secret, progress=progress):
        for _case_id, moment, day, kind, episode, offset, score, joint in rows:
            yield (
                case.pseudonym,
                episode,
                offset,
                kind,
                case.age_band_on(day),
                case.kinds_at(moment),
                "" if score is None else score,
                "" if joint is None else joint,
            )


def write_events_csv(
    out: IO[bytes], filters: Filters, *, secret: str | None = None, progress: Progress | None = None
) -> int:
    """The bytes of `write_csv(out, EVENT_COLUMNS, event_rows(…))` (UTF-8); on PostgreSQL written by the
    database in one COPY (`metrics.extract_copy`), elsewhere by that generic writer. Returns the rows."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        count = write_csv(text, EVENT_COLUMNS, event_rows(filters, secret=secret, progress=progress))
        text.detach()  # flushed; `out` stays open for the caller
        return count
    out.write(csv_line(EVENT_COLUMNS).encode())
    windows = extract_months(filters)
    if not windows:
        return 0
    milestones: list[int] = []  # the round numbers of rows passed, for `progress`

    def on_chunk(count: int) -> None:
        passed = count // PROGRESS_EVERY * PROGRESS_EVERY
        if progress is not None and passed > (milestones[-1] if milestones else 0):
            milestones.append(passed)
            if not deferred:
                progress(passed)

    with _reading_connection() as reader:
        # On the caller's connection the progress callback cannot query while the COPY streams: its
        # milestones follow the COPY. A savepoint takes a failed COPY's keys with it.
        deferred = reader is connections[DEFAULT_DB_ALIAS]
        with transaction.atomic(using=reader.alias) if deferred else nullcontext():
            reader.ensure_connection()
            count = copy_events_csv(
                reader.connection, out, filters, windows, secret=secret, chunk_size=CHUNK_SIZE, on_chunk=on_chunk
            )
    if deferred and progress is not None:
        for passed in milestones:
            progress(passed)
    return count


def write_events(out_path, filters: Filters, fmt: str, *, progress: Progress | None = None) -> int:
    """Write the event extract to `out_path`; returns the number of rows."""
    if fmt == "xlsx":
        from openpyxl import Workbook  # here: a CSV export's process does not load it (~5 MB)

        workbook = Workbook(write_only=True)
        count = xlsx_sheet(workbook, "gebeurtenissen", EVENT_COLUMNS, event_rows(filters, progress=progress))
        workbook.save(out_path)
        return count
    if fmt == "json":
        with open(out_path, "w", encoding="utf-8", newline="") as out:
            return write_json_rows(out, EVENT_COLUMNS, event_rows(filters, progress=progress))
    with open(out_path, "wb") as binary:
        return write_events_csv(binary, filters, progress=progress)


def write_aggregates(out_path, filters: Filters, fmt: str, *, k: int | None = None) -> int:
    """Write the suppressed metric tables; returns the number of table rows written."""
    tables = published_tables(filters, k=k)
    if fmt == "json":
        with open(out_path, "w", encoding="utf-8") as out:
            json.dump({"filters": filters_json(filters), "tables": as_json(tables)}, out, ensure_ascii=False, indent=1)
        return sum(len(t.rows) for t in tables)
    if fmt == "xlsx":
        from openpyxl import Workbook

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
    return {
        "date_from": filters.date_from.isoformat(),
        "date_to": filters.date_to.isoformat(),
        "granularity": filters.granularity,
        "team_id": filters.team_id,
        "municipality_id": filters.municipality_id,
        "by": list(filters.by),
        **({"peildatum": filters.peildatum.isoformat()} if filters.peildatum else {}),
        **({"as_of": filters.as_of.isoformat()} if filters.as_of else {}),
    }


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
    access_log_write(
        actor=actor, action=AccessAction.EXPORT, outcome=AccessOutcome.ALLOWED, case_id=None, detail=detail
    )
