"""The CSV event extract written by PostgreSQL: one `COPY (SELECT …) TO STDOUT` on PostgreSQL.

The rows and bytes of `metrics.exports.event_rows` through `security.spreadsheet.write_csv` (the tests
compare the two on awkward data), with the work done in the database: episode starts per (case, episode),
per case the pseudonym (HMAC-SHA256 with the built-in sha256, `metrics.pseudonym.hmac_pads`), the sorted
moments at which the organisation kinds involved change and the days at which the youngest child's age
band changes; per event `width_bucket` (bisect) picks its kinds and band from those arrays. Python only
turns PostgreSQL's "\\n" row ends into "\\r\\n" and writes blocks of rows: memory stays flat.

The key never enters a statement's text (PostgreSQL logs that text with an error): it is sent once per
run as a bound parameter of set_config(…, is_local) on a server-side-binding cursor, lives only in that
transaction, and is cleared after the COPY (or dropped with the rollback of a failed one). It is never
passed through Django's cursor, whose debug log prints parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import chain
from typing import IO

import psycopg
from django.conf import settings

from cases.models import Case, Participant, Person, PersonRole, TimelineEvent
from metrics.definitions import AGE_ADULT, AGE_BANDS, AGE_UNKNOWN, EPISODE_START_KINDS, Filters
from metrics.pseudonym import hmac_pads, pseudonym_sql
from partners.models import Organisation, OrganisationKind
from security.spreadsheet import FORMULA_PREFIXES, formula_safe

# Per-transaction settings that carry the HMAC keys (hex) from a bound parameter to the query.
_INNER, _OUTER = "metrics_extract.inner_key", "metrics_extract.outer_key"
# For the COPY's transaction only. PostgreSQL cannot estimate the CTEs' sizes (it takes the windows' starts
# for a few hundred rows) and would join them by nested loops over unindexed results: quadratic, so
# set-wise joins only; no JIT (compiling costs seconds, and those disabled joins' costs trigger it); one
# backend, no parallel workers (the writer needs the other core; the site the rest).
_PLAN = {"enable_nestloop": "off", "jit": "off", "max_parallel_workers_per_gather": "0"}
_SETTINGS = "SELECT " + ", ".join(["set_config(%s, %s, true)"] * (2 + len(_PLAN)))


def _age_band_starts() -> list[tuple[int, str]]:
    """(years, band) at which each band of `age_band` begins: its bands are contiguous from 0."""
    starts, expected = [], 0
    for low, high, label in AGE_BANDS:
        assert low == expected, "age bands must be contiguous"  # noqa: S101 - a definition error, at import
        starts.append((low, formula_safe(label)))
        expected = high + 1
    return [*starts, (expected, formula_safe(AGE_ADULT))]


def _bits(values: list[str], mask: int) -> list[str]:
    return [value for n, value in enumerate(values) if mask & (1 << n)]


def _safe(sql: str) -> str:
    """`formula_safe` in SQL, with "" as NULL (COPY writes NULL as an empty unquoted cell, like csv)."""
    return f"(CASE WHEN left({sql}, 1) = ANY(%(prefixes)s) THEN '''' || {sql} ELSE nullif({sql}, '') END)"


def _score(key: str) -> str:
    """As `metrics.exports.JsonScore`: a JSON number rounded to an int, anything else NULL."""
    return f"(CASE WHEN jsonb_typeof(e.data -> '{key}') = 'number' THEN round((e.data ->> '{key}')::numeric)::int END)"


def copy_sql(filters: Filters, windows: Sequence[tuple[datetime, datetime]]) -> tuple[str, dict]:
    """The COPY statement and its (non-secret) parameters for the events of the episodes that started in
    `windows`, in scope, in case order and time within a case (the order of `events_queryset`)."""
    event, case = TimelineEvent._meta.db_table, Case._meta.db_table
    person, participant, organisation = Person._meta.db_table, Participant._meta.db_table, Organisation._meta.db_table
    params: dict = {
        "tz": settings.TIME_ZONE,
        "start_kinds": list(EPISODE_START_KINDS),
        "prefixes": list(FORMULA_PREFIXES),
        "child": PersonRole.JEUGDIGE.value,
        "unknown": formula_safe(AGE_UNKNOWN),
    }
    scope = ""
    if filters.team_id:
        scope += " AND c.team_id = %(team)s"
        params["team"] = filters.team_id
    if filters.municipality_id:
        scope += " AND c.municipality_id = %(municipality)s"
        params["municipality"] = filters.municipality_id
    in_windows = []
    for n, (start, end) in enumerate(windows):
        in_windows.append(f"(min(s.occurred_at) >= %(from{n})s AND min(s.occurred_at) < %(to{n})s)")
        params[f"from{n}"], params[f"to{n}"] = start, end
    band_values = []
    for n, (years, label) in enumerate(_age_band_starts()):
        band_values.append(f"(%(years{n})s, %(band{n})s)")
        params[f"years{n}"], params[f"band{n}"] = years, label
    bands = ", ".join(band_values)
    day = "(e.occurred_at AT TIME ZONE %(tz)s)::date"
    kinds = list(OrganisationKind.values)  # the only kinds an organisation can have (a check constraint)
    params["kind_sets"] = [
        formula_safe(";".join(sorted(_bits(kinds, mask)))) or None for mask in range(2 ** len(kinds))
    ]
    deltas = ", ".join(f"sum(delta) FILTER (WHERE kind = %(kind{n})s) AS d{n}" for n in range(len(kinds)))
    mask = " + ".join(f"(CASE WHEN sum(d{n}) OVER so_far > 0 THEN {1 << n} ELSE 0 END)" for n in range(len(kinds)))
    params.update({f"kind{n}": kind for n, kind in enumerate(kinds)})
    # Table names and fixed fragments only in the text; every value is a parameter.
    sql = f"""
COPY (
WITH starts AS (
    -- The first start of each (case, episode): events_queryset's episode_start.
    SELECT s.case_id, s.episode, min(s.occurred_at) AS started
    FROM {event} s JOIN {case} c ON c.id = s.case_id
    WHERE s.kind = ANY(%(start_kinds)s){scope}
    GROUP BY s.case_id, s.episode
    HAVING {" OR ".join(in_windows) or "false"}
),
kids AS (
    -- The children's distinct birth dates, each with the next younger child's.
    SELECT case_id, born, lead(born) OVER (PARTITION BY case_id ORDER BY born) AS next_born
    FROM (
        SELECT DISTINCT case_id, date_of_birth AS born FROM {person}
        WHERE role = %(child)s AND date_of_birth IS NOT NULL AND case_id IN (SELECT case_id FROM starts)
    ) births
),
band_days AS (
    -- The youngest child born by a day is the one whose birth date is the last on or before it; within
    -- its span its band changes on its birthdays (born on 29 February: 1 March in other years, as age_band).
    SELECT case_id, array_agg(day ORDER BY day) AS days, array_agg(band ORDER BY day) AS bands
    FROM (
        SELECT k.case_id, k.next_born, b.band,
               b.moved + (date_part('day', b.moved) <> date_part('day', k.born))::int AS day
        FROM kids k
        CROSS JOIN LATERAL (
            SELECT (k.born + make_interval(years => t.years))::date AS moved, t.band
            FROM (VALUES {bands}) AS t(years, band)
        ) b
    ) turns
    WHERE next_born IS NULL OR day < next_born
    GROUP BY case_id
),
spans AS (
    SELECT p.case_id, o.kind, p.started_at, p.ended_at
    FROM {participant} p JOIN {organisation} o ON o.id = p.organisation_id
    WHERE p.case_id IN (SELECT case_id FROM starts)
),
moments AS (
    -- Per moment a participation starts (+1) or ends (-1), the change per organisation kind.
    SELECT case_id, moment, {deltas}
    FROM (
        SELECT case_id, kind, started_at AS moment, 1 AS delta FROM spans
        UNION ALL SELECT case_id, kind, ended_at, -1 FROM spans WHERE ended_at IS NOT NULL
    ) changes
    GROUP BY case_id, moment
),
involved AS (
    -- From each moment until the next: the kinds with a participation running (their set as a bit mask).
    SELECT case_id, array_agg(moment ORDER BY moment) AS moments,
           array_agg((%(kind_sets)s::text[])[mask + 1] ORDER BY moment) AS kinds
    FROM (
        SELECT case_id, moment, {mask} AS mask
        FROM moments WINDOW so_far AS (PARTITION BY case_id ORDER BY moment)
    ) masks
    GROUP BY case_id
),
facts AS MATERIALIZED (  -- once per case: the pseudonym is two sha256 calls
    SELECT c.id, {pseudonym_sql("c.id", "keys.inner_key", "keys.outer_key")} AS pseudonym,
           bd.days, bd.bands, i.moments, i.kinds
    FROM {case} c
    CROSS JOIN (SELECT decode(current_setting('{_INNER}'), 'hex') AS inner_key,
                       decode(current_setting('{_OUTER}'), 'hex') AS outer_key) keys
    LEFT JOIN band_days bd ON bd.case_id = c.id
    LEFT JOIN involved i ON i.case_id = c.id
    WHERE c.id IN (SELECT case_id FROM starts)
)
SELECT f.pseudonym, e.episode, {day} - (st.started AT TIME ZONE %(tz)s)::date,
       {_safe("e.kind")},
       coalesce(f.bands[width_bucket({day}, f.days)], %(unknown)s),
       f.kinds[width_bucket(e.occurred_at, f.moments)],
       {_score("score")}, {_score("joint_score")}
FROM {event} e
JOIN starts st ON st.case_id = e.case_id AND st.episode = e.episode
JOIN facts f ON f.id = e.case_id
ORDER BY e.case_id, e.occurred_at, e.id
) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')
"""  # noqa: S608
    return sql.strip(), params


def copy_events_csv(
    pg: psycopg.Connection,
    out: IO[bytes],
    filters: Filters,
    windows: Sequence[tuple[datetime, datetime]],
    *,
    secret: str | None,
    chunk_size: int,
    on_chunk: Callable[[int], None],
) -> int:
    """Stream the extract's rows (no header) to `out` over `pg`, which must be in a transaction; calls
    `on_chunk(rows so far)` after each block written. Returns the number of rows."""
    inner, outer = hmac_pads(secret=secret)
    sql, params = copy_sql(filters, windows)
    with psycopg.Cursor(pg) as keys:  # server-side binding: the keys travel as parameters, not SQL text
        before = keys.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(_PLAN)), list(_PLAN)).fetchone()
        keys.execute(_SETTINGS, [_INNER, inner.hex(), _OUTER, outer.hex(), *chain.from_iterable(_PLAN.items())])
    count = 0
    try:
        with pg.cursor() as cursor, cursor.copy(sql, params) as copy:
            read = copy.read
            while True:
                block = []
                append = block.append
                for _ in range(chunk_size):
                    row = read()  # one row per call (libpq hands a COPY out row by row), "\n" at its end
                    if not row:
                        break
                    append(row)
                if not block:
                    break
                data = b"".join(block)
                # A row holding a quote may hold a quoted line break; other rows have only their own "\n".
                if b'"' in data:
                    out.write(b"".join([bytes(row[:-1]) + b"\r\n" for row in block]))
                else:
                    out.write(data.replace(b"\n", b"\r\n"))
                count += len(block)
                on_chunk(count)
                if len(block) < chunk_size:
                    break
    finally:
        if pg.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
            with psycopg.Cursor(pg) as keys:
                keys.execute(_SETTINGS, [_INNER, "", _OUTER, "", *chain.from_iterable(zip(_PLAN, before, strict=True))])
    return count
