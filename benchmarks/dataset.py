#!/usr/bin/env python
"""The benchmark data sets: 100k cases (the region) and, with BENCH_SCALE=national, 1M cases.

Seeded into DATABASE_URL (default by BENCH_SCALE: `veiligheidsteam_bench`, or
`veiligheidsteam_bench_national`; created and migrated when missing) and reused by later runs: every
step tops up to its target and does nothing when it is reached. `benchmarks/run.py` runs this first;
the other scripts import `prepare()` (idempotent, seconds when the data is there) and `pick_users()`.

100k ("the region"):
- the demo region plus 2,000 professionals spread over the demo teams' organisations;
- 100,000 demo cases (`cases.demo.seed_cases`, COPY) with participants drawn from all of them;
- timeline events topped up to 1M with one INSERT … SELECT over the cases (server side);
- deadlines topped up to 1M the same way: mostly closed history, one open row per case due within
  a year, a few hundred overdue.

national: the region seeded the same way (without the top-ups), then copied into nine more regions
server side (`benchmarks/national.py`: 10 regions, 30 teams, 20,240 users, 1M cases), and the events
and deadlines topped up to 10M each over all cases. Inside one transaction, with the foreign-key
triggers off (the rows are consistent by construction) and the secondary indexes dropped and built
again after the load.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SCALE_DATABASES, bench_scale, database_url, report, setup_django  # noqa: E402

# Per region (the 100k set is one region; the national set ten copies of it).
CASES, USERS = 100_000, 2_000
TIMELINE_EVENTS, DEADLINES = 1_000_000, 1_000_000
NATIONAL_REGIONS = 10
BENCH_USER_PREFIX = "bench-prof-"
# Deadline rows this data set adds carry this subject prefix (distinct per row: unique-open constraint).
DEADLINE_SUBJECT = "bench-dl:"


def ensure_database() -> None:
    import psycopg

    url = os.environ.setdefault("DATABASE_URL", database_url(bench_scale()))
    name = urlparse(url).path.lstrip("/")
    if bench_scale() == "national" and name == SCALE_DATABASES["100k"]:
        # The national build would copy the region into the 100k set.
        raise SystemExit(f"BENCH_SCALE=national with DATABASE_URL on {name}: point it at the national database")
    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _seed_users() -> int:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from partners.demo import TEAMS
    from partners.models import Membership, Role, SafetyTeam, User

    have = User.objects.filter(username__startswith=BENCH_USER_PREFIX).count()
    if have >= USERS:
        return 0
    teams = list(SafetyTeam.objects.filter(name__in=[t.name for t in TEAMS]).order_by("pk"))
    orgs = {team.pk: list(team.organisations.order_by("pk")) for team in teams}
    with transaction.atomic():
        # Unusable passwords: the bench logs in with force_login; hashing 2k passwords is not the point.
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(username=f"{BENCH_USER_PREFIX}{n:05d}", full_name=f"Bench Professional {n}", password=unusable)
            for n in range(have, USERS)
        )
        memberships = []
        for offset, user in enumerate(users):
            team = teams[(have + offset) % len(teams)]
            organisation = orgs[team.pk][(have + offset) // len(teams) % len(orgs[team.pk])]
            memberships.append(Membership(user=user, organisation=organisation, team=team, role=Role.PROFESSIONAL))
        Membership.objects.bulk_create(memberships)
    return len(users)


def _top_up_timeline(cursor, target: int, cases: int) -> int:
    cursor.execute("SELECT count(*) FROM cases_timelineevent")
    missing = target - cursor.fetchone()[0]
    if missing <= 0:
        return 0
    # Spread over the cases: note/status events after the case opened, no actor (like imported history).
    cursor.execute(
        "INSERT INTO cases_timelineevent (case_id, kind, occurred_at, episode, summary, data) "
        "SELECT c.id, (ARRAY['note_added','status_changed','contribution_added','discussed_in_meeting'])[1 + g %% 4], "
        "c.opened_at + make_interval(hours => g), 1, 'bench', '{}'::jsonb "
        "FROM (SELECT id, opened_at, row_number() OVER (ORDER BY id) AS n FROM cases_case) c "
        "CROSS JOIN generate_series(1, %s) g "
        "WHERE (c.n - 1) * %s + g <= %s",
        [missing // cases + 1, missing // cases + 1, missing],
    )
    return cursor.rowcount


def _top_up_deadlines(cursor, target: int, cases: int) -> int:
    from workflows.deadlines.models import DeadlineRule

    cursor.execute("SELECT count(*) FROM workflows_deadline")
    missing = target - cursor.fetchone()[0]
    if missing <= 0:
        return 0
    rule = DeadlineRule.objects.get(team=None, code="gezamenlijke-beoordeling")
    per_case = missing // cases + 1
    # g = 1: open, due within a year (every 300th case overdue); g > 1: closed history (met).
    cursor.execute(
        "INSERT INTO workflows_deadline (rule_id, case_id, subject, name, started_at, term_value, term_unit, "
        "statutory, reminder_offsets, escalation_interval_hours, due_at, state, closed_at, remind_at, created_at) "
        "SELECT %s, c.id, %s || c.id || ':' || g, %s, c.opened_at, 10, 'working_days', false, '2wd', 24, "
        "CASE WHEN g = 1 AND c.id %% 300 = 0 THEN now() - interval '2 days' "
        "     WHEN g = 1 THEN now() + make_interval(days => 1 + (c.id %% 365)::int) "
        "     ELSE c.opened_at + make_interval(days => 14 * g) END, "
        "CASE WHEN g = 1 THEN 'open' ELSE 'met' END, "
        "CASE WHEN g = 1 THEN NULL ELSE c.opened_at + make_interval(days => 14 * g - 2) END, "
        "CASE WHEN g = 1 THEN now() + make_interval(days => 400) ELSE NULL END, c.opened_at "
        "FROM (SELECT id, opened_at, row_number() OVER (ORDER BY id) AS n FROM cases_case) c "
        "CROSS JOIN generate_series(1, %s) g "
        "WHERE (c.n - 1) * %s + g <= %s",
        [rule.pk, DEADLINE_SUBJECT, rule.name, per_case, per_case, missing],
    )
    return cursor.rowcount


def _national(*, regions: int) -> dict[str, float]:
    """Copy the seeded region until there are `regions`, then top events and deadlines up to ten
    per case over all of them; seconds per step (empty when everything was there)."""
    from django.db import connection, transaction
    from national import replicate, secondary_indexes

    from cases.models import TimelineEvent
    from partners.demo import TEAMS
    from workflows.deadlines.models import Deadline

    timings: dict[str, float] = {}
    cases, events, deadlines = CASES * regions, TIMELINE_EVENTS * regions, DEADLINES * regions
    marker = f"{TEAMS[-1].name} (regio {regions:02d})"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM partners_safetyteam WHERE name = %s)", [marker])
        copied = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cases_timelineevent")
        have_events = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM workflows_deadline")
        if copied and have_events >= events and cursor.fetchone()[0] >= deadlines:
            return timings
        # Consistent by construction: skip the per-row foreign-key triggers (superuser, this transaction).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        step = time.perf_counter()
        big = [m._meta.db_table for m in (TimelineEvent, Deadline)] + (
            [] if copied else ["cases_case", "cases_person", "cases_participant", "cases_caseuserobjectpermission"]
        )
        indexes = secondary_indexes(cursor, big)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        timings["drop indexes"] = time.perf_counter() - step
        step = time.perf_counter()
        per_table = replicate(cursor, regions=regions, marker_team=marker)
        if per_table:
            timings["copy regions"] = time.perf_counter() - step
            for table, seconds in per_table.items():
                if seconds >= 5:
                    timings[f"  {table}"] = seconds
        step = time.perf_counter()
        if _top_up_timeline(cursor, events, cases):
            timings["timeline"] = time.perf_counter() - step
        step = time.perf_counter()
        if _top_up_deadlines(cursor, deadlines, cases):
            timings["deadlines"] = time.perf_counter() - step
        step = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        timings["build indexes"] = time.perf_counter() - step
    for name, seconds in timings.items():
        print(f"   national: {name.strip()} {seconds:.1f} s", flush=True)
    return timings


def prepare(*, report_seed: bool = False) -> dict[str, float]:
    """Make the data set complete; returns seconds per step that did work (empty when all was there)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from cases.demo import seed_cases
    from partners.demo import seed_region

    ensure_database()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if os.environ.get("BENCH_MIGRATE", "1") != "0":
        call_command("migrate", verbosity=0)
    else:  # measuring a data set someone else keeps: leave its schema as it is
        print("   BENCH_MIGRATE=0: migrations not applied", flush=True)
    seed_region(password=settings.DEMO_PASSWORD)
    migrate_seconds = time.perf_counter() - started
    step = time.perf_counter()
    if _seed_users():
        timings["users"] = time.perf_counter() - step
    step = time.perf_counter()
    counts = seed_cases(count=CASES)
    if counts.get("cases_created"):
        timings["cases"] = time.perf_counter() - step
    if bench_scale() == "national":
        timings.update(_national(regions=NATIONAL_REGIONS))
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            step = time.perf_counter()
            if _top_up_timeline(cursor, TIMELINE_EVENTS, CASES):
                timings["timeline"] = time.perf_counter() - step
            step = time.perf_counter()
            if _top_up_deadlines(cursor, DEADLINES, CASES):
                timings["deadlines"] = time.perf_counter() - step
    if timings:
        timings = {"migrate and region": migrate_seconds, **timings}
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # visibility map: counts become index-only scans
        timings["vacuum analyze"] = time.perf_counter() - step
        timings["total"] = time.perf_counter() - started
    if report_seed:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM partners_user), "
                "(SELECT count(*) FROM cases_timelineevent), (SELECT count(*) FROM workflows_deadline)"
            )
            cases, users, events, deadlines = cursor.fetchone()
        sizes = f"{cases} cases, {users} users, {events} events, {deadlines} deadlines"
        if timings:
            steps = ", ".join(f"{k.strip()} {v:.0f} s" for k, v in timings.items() if k != "total")
            budget = 1200 if bench_scale() == "national" else 600
            report("seed: data set (first run)", timings["total"], "s", budget=budget, note=f"{steps}; {sizes}")
        else:
            report("seed: data set (reused)", time.perf_counter() - started, "s", note=sizes)
    return timings


def pick_users():
    """A professional with about 100 visible cases and a coordinator with about 20k."""
    from django.db import connection

    from cases.selectors import _view_permission_id
    from partners.models import Role, User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id, count(*) FROM cases_caseuserobjectpermission WHERE permission_id = %s "
            "GROUP BY user_id ORDER BY abs(count(*) - 100), user_id LIMIT 1",
            [_view_permission_id()],
        )
        professional_id, professional_cases = cursor.fetchone()
        cursor.execute(
            "SELECT m.user_id, count(c.id) FROM partners_membership m JOIN cases_case c ON c.team_id = m.team_id "
            "WHERE m.role = %s AND m.end_date IS NULL GROUP BY m.user_id ORDER BY abs(count(c.id) - 20000) LIMIT 1",
            [Role.COORDINATOR],
        )
        coordinator_id, coordinator_cases = cursor.fetchone()
    return (
        User.objects.get(pk=professional_id),
        professional_cases,
        User.objects.get(pk=coordinator_id),
        coordinator_cases,
    )


def main() -> None:
    ensure_database()
    setup_django()
    prepare(report_seed=True)


if __name__ == "__main__":
    main()
