#!/usr/bin/env python
"""The one benchmark data set: 100k cases, 2k users, 1M timeline events and 1M deadlines.

Seeded into DATABASE_URL (default `veiligheidsteam_bench`, created and migrated when missing) and
reused by later runs: every step tops up to its target and does nothing when it is reached.
`benchmarks/run.py` runs this first; the other scripts import `prepare()` (idempotent, seconds when
the data is there) and `pick_users()`.

- the demo region plus 2,000 professionals spread over the demo teams' organisations;
- 100,000 demo cases (`cases.demo.seed_cases`, COPY) with participants drawn from all of them;
- timeline events topped up to 1M with one INSERT … SELECT over the cases (server side);
- deadlines topped up to 1M the same way: mostly closed history, one open row per case due within
  a year, a few hundred overdue.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DATABASE_URL, report, setup_django  # noqa: E402

CASES, USERS = 100_000, 2_000
TIMELINE_EVENTS, DEADLINES = 1_000_000, 1_000_000
BENCH_USER_PREFIX = "bench-prof-"
# Deadline rows this data set adds carry this subject prefix (distinct per row: unique-open constraint).
DEADLINE_SUBJECT = "bench-dl:"


def ensure_database() -> None:
    import psycopg

    url = os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
    name = urlparse(url).path.lstrip("/")
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


def _top_up_timeline(cursor) -> int:
    cursor.execute("SELECT count(*) FROM cases_timelineevent")
    missing = TIMELINE_EVENTS - cursor.fetchone()[0]
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
        [missing // CASES + 1, missing // CASES + 1, missing],
    )
    return cursor.rowcount


def _top_up_deadlines(cursor) -> int:
    from workflows.deadlines.models import DeadlineRule

    cursor.execute("SELECT count(*) FROM workflows_deadline")
    missing = DEADLINES - cursor.fetchone()[0]
    if missing <= 0:
        return 0
    rule = DeadlineRule.objects.get(team=None, code="gezamenlijke-beoordeling")
    per_case = missing // CASES + 1
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
    call_command("migrate", verbosity=0)
    seed_region(password=settings.DEMO_PASSWORD)
    step = time.perf_counter()
    if _seed_users():
        timings["users"] = time.perf_counter() - step
    step = time.perf_counter()
    counts = seed_cases(count=CASES)
    if counts.get("cases_created"):
        timings["cases"] = time.perf_counter() - step
    with transaction.atomic(), connection.cursor() as cursor:
        step = time.perf_counter()
        if _top_up_timeline(cursor):
            timings["timeline"] = time.perf_counter() - step
        step = time.perf_counter()
        if _top_up_deadlines(cursor):
            timings["deadlines"] = time.perf_counter() - step
    if timings:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # visibility map: counts become index-only scans
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
            steps = ", ".join(f"{k} {v:.0f} s" for k, v in timings.items() if k != "total")
            report("seed: data set (first run)", timings["total"], "s", budget=600, note=f"{steps}; {sizes}")
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
