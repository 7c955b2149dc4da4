"""The national data set: the 100k set's region copied nine times over, server side.

`dataset.py` first seeds one region exactly as the 100k set does (three teams, 2,000 professionals,
100,000 demo cases through `cases.demo.seed_cases`); this module then copies that region with one
`INSERT … SELECT` per table and region: its municipalities, organisations, teams, users and
memberships, and every row the seeder wrote for its cases (persons, participants, the guardian view
grants, assessment rounds, contributions and judgements with their first versions, interventions
and the organisations that agreed them, timeline events). Copy k shifts every id by k × the
template's highest id of that table, so foreign keys (and the ids inside an event's data) follow by
arithmetic, and renames what must be unique (usernames, names, CBS codes, case references).

So every team, user and case of the national set has the same shape as in the 100k set: a
professional sees about 100 cases, a coordinator about 33k; only the total grows (10 regions,
30 teams, 1M cases, 20,240 users). Generating cases from `generate_series` instead would need a
second copy of the seeder's lifecycle paths and evidence; copying keeps them exactly.
"""

from __future__ import annotations

import time

# Rows a copied event's data points at, by key: renumbered with the table they point into.
EVENT_DATA_IDS = {
    "participant_id": "cases_participant",
    "assessment_id": "cases_assessment",
    "contribution_id": "cases_partnercontribution",
    "judgement_id": "cases_jointjudgement",
    "intervention_id": "cases_intervention",
    "user_id": "partners_user",
}


def _tables() -> list[str]:
    """The tables copied per region, parents before children."""
    from cases.assessments.models import (
        Assessment,
        JointJudgement,
        JointJudgementVersion,
        PartnerContribution,
        PartnerContributionVersion,
    )
    from cases.interventions.models import Intervention
    from cases.models import Case, CaseUserObjectPermission, Participant, Person, TimelineEvent
    from partners.models import Membership, Municipality, Organisation, SafetyTeam, User

    models = [
        Municipality,
        Organisation,
        SafetyTeam,
        SafetyTeam.municipalities.through,
        SafetyTeam.organisations.through,
        User,
        Membership,
        Case,
        Person,
        Participant,
        CaseUserObjectPermission,
        Assessment,
        PartnerContribution,
        PartnerContributionVersion,
        JointJudgement,
        JointJudgementVersion,
        Intervention,
        Intervention.agreed_by.through,
        TimelineEvent,
    ]
    return [model._meta.db_table for model in models]


def _renamed(table: str, column: str, k: int) -> str | None:
    """What stays unique in copy k (names, usernames, CBS codes, references); None: copied as is."""
    region = f"regio {k + 1:02d}"
    return {
        ("partners_municipality", "name"): f"name || ' ({region})'",
        # Six characters, as a CBS code: R, the region, the template code's last three digits.
        ("partners_municipality", "code"): f"'R{k:02d}' || right(code, 3)",
        ("partners_organisation", "name"): f"name || ' ({region})'",
        ("partners_safetyteam", "name"): f"name || ' ({region})'",
        ("partners_user", "username"): f"'n{k:02d}-' || username",
        ("partners_user", "email"): f"CASE WHEN email = '' THEN '' ELSE 'n{k:02d}-' || email END",
        ("cases_case", "reference"): f"replace(reference, 'VT-DEMO-', 'VT-N{k:02d}-')",
    }.get((table, column))


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _foreign_keys(cursor, table: str) -> dict[str, str]:
    """column -> referenced table, for the table's single-column foreign keys."""
    cursor.execute(
        "SELECT a.attname, f.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "JOIN pg_class f ON f.oid = c.confrelid "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND t.relname = %s AND cardinality(c.conkey) = 1",
        [table],
    )
    return dict(cursor.fetchall())


def _guard_nothing_left_behind(cursor, tables: list[str]) -> None:
    """A table with rows that point at the template's cases but is not copied would make the copies
    thinner than the template: stop rather than measure a different shape."""
    cursor.execute(
        "SELECT DISTINCT t.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "JOIN pg_class f ON f.oid = c.confrelid WHERE c.contype = 'f' AND f.relname = 'cases_case'"
    )
    for (table,) in cursor.fetchall():
        if table in tables or table.startswith("cases_historical"):
            continue
        cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608 - a catalog name
        if cursor.fetchone()[0]:
            raise RuntimeError(f"{table} has rows for the template cases but is not copied (benchmarks/national.py)")


def _event_data(k: int, strides: dict[str, int]) -> str:
    pairs = ", ".join(
        f"'{key}', (data->>'{key}')::bigint + {k * strides[table]}" for key, table in EVENT_DATA_IDS.items()
    )
    keys = ", ".join(f"'{key}'" for key in EVENT_DATA_IDS)
    return f"CASE WHEN data ?| ARRAY[{keys}] THEN data || jsonb_strip_nulls(jsonb_build_object({pairs})) ELSE data END"


def replicate(cursor, *, regions: int, marker_team: str) -> dict[str, float]:
    """Copy the template region until there are `regions`; seconds per table. Runs in the caller's
    transaction; does nothing when the last copy's team (`marker_team`) exists."""
    cursor.execute("SELECT EXISTS (SELECT 1 FROM partners_safetyteam WHERE name = %s)", [marker_team])
    if cursor.fetchone()[0]:
        return {}
    tables = _tables()
    _guard_nothing_left_behind(cursor, tables)
    strides = {}
    for table in tables:
        cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')  # noqa: S608 - our table names
        strides[table] = cursor.fetchone()[0]
    timings: dict[str, float] = {}
    for table in tables:
        started = time.perf_counter()
        columns = _columns(cursor, table)
        references = _foreign_keys(cursor, table)
        for k in range(1, regions):
            values = []
            for column in columns:
                if column == "id":
                    values.append(f"id + {k * strides[table]}")
                elif references.get(column) in strides:
                    values.append(f'"{column}" + {k * strides[references[column]]}')
                elif table == "cases_timelineevent" and column == "data":
                    values.append(_event_data(k, strides))
                else:
                    values.append(_renamed(table, column, k) or f'"{column}"')
            names = ", ".join(f'"{column}"' for column in columns)
            cursor.execute(
                f'INSERT INTO "{table}" ({names}) SELECT {", ".join(values)} FROM "{table}" '  # noqa: S608
                f"WHERE id <= {strides[table]} ORDER BY id"
            )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), greatest(1, (SELECT max(id) FROM \"{table}\")))",  # noqa: S608
            [f'"{table}"'],
        )
        timings[table] = time.perf_counter() - started
    return timings


def secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the tables' indexes that back no constraint (primary keys and unique
    constraints stay; Django's foreign-key and partial unique indexes are plain indexes)."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass) "
        "ORDER BY i.tablename, i.indexname",
        [tables],
    )
    return cursor.fetchall()
