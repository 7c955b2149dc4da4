#!/usr/bin/env python
"""The case lists ("Mijn zaken", "Teamzaken") on 100k cases and 2k users.

Reads the shared data set (benchmarks/dataset.py: 100k cases, 2k users, 1M events, 1M deadlines).
Picks a professional with about 100 visible cases and a coordinator with tens of thousands, renders
page 1 in-process with the Django test client ~30 times, and prints p50/p95, queries per page, and
the ratio of the page's case queries' database time to hand-written SQL giving the same rows and count.
Budget: p95 <= 50 ms, DB time <= 1.5x the hand-written SQL.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentile, report, setup_django, time_ms  # noqa: E402
from dataset import ensure_database, pick_users, prepare  # noqa: E402

RUNS = 30


def hand_written_ms(where: str, params: list) -> float:
    """The same 25 rows and count with plain SQL: the floor any page could reach."""
    from django.db import connection

    page_sql = (
        "SELECT c.id, c.reference, c.family_name, c.status, c.crisis, c.opened_at, m.name, t.name, u.full_name "
        "FROM cases_case c JOIN partners_municipality m ON m.id = c.municipality_id "
        "JOIN partners_safetyteam t ON t.id = c.team_id LEFT JOIN partners_user u ON u.id = c.vast_gezicht_id "
        f"WHERE {where} ORDER BY c.opened_at DESC, c.id DESC LIMIT 25"
    )
    count_sql = f"SELECT count(*) FROM cases_case c WHERE {where}"  # noqa: S608 - constant fragments

    def run():
        with connection.cursor() as cursor:
            cursor.execute(count_sql, params)
            cursor.fetchone()
            cursor.execute(page_sql, params)
            cursor.fetchall()

    return percentile(time_ms(run, RUNS), 50)


def page_figures(label: str, client, url: str, baseline_ms: float) -> None:
    from django.db import connection

    case_query_ms: list[float] = []
    query_count = [0]

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            query_count[0] += 1
            if '"cases_case"' in sql:
                case_query_ms.append((time.perf_counter() - start) * 1000)

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    samples = time_ms(get, RUNS)
    case_query_ms.clear()
    query_count[0] = 0
    per_run_db: list[float] = []
    with connection.execute_wrapper(timer):
        for _ in range(RUNS):
            before = len(case_query_ms)
            get()
            per_run_db.append(sum(case_query_ms[before:]))
    queries = query_count[0] / RUNS
    db_ms = percentile(per_run_db, 50)
    report(f"{label}: page p50", percentile(samples, 50), "ms")
    report(f"{label}: page p95", percentile(samples, 95), "ms", budget=50)
    report(f"{label}: queries per page", queries, "queries", note="request connection; +1 access-log row")
    report(
        f"{label}: case-query DB time vs hand-written SQL",
        db_ms / baseline_ms if baseline_ms else 0,
        "x",
        budget=1.5,
        note=f"{db_ms:.2f} ms vs {baseline_ms:.2f} ms",
    )


def main() -> None:
    ensure_database()
    setup_django(debug=False)  # as production serves pages (common.setup_django)
    prepare()
    from django.test import Client

    from cases.selectors import _view_permission_id, coordinated_team_ids
    from tests.twofactor import login_verified

    professional, professional_cases, coordinator, coordinator_cases = pick_users()
    print(
        f"professional {professional.username}: {professional_cases} cases; "
        f"coordinator {coordinator.username}: {coordinator_cases} cases",
        flush=True,
    )

    client = Client()
    login_verified(client, professional)
    baseline = hand_written_ms(
        "c.id IN (SELECT content_object_id FROM cases_caseuserobjectpermission WHERE user_id = %s "
        "AND permission_id = %s)",
        [professional.pk, _view_permission_id()],
    )
    page_figures(f"Mijn zaken ({professional_cases} cases)", client, "/mijn-zaken/", baseline)

    client = Client()
    login_verified(client, coordinator)
    team_ids = coordinated_team_ids(coordinator)
    baseline = hand_written_ms("c.team_id = ANY(%s)", [team_ids])
    page_figures(f"Teamzaken ({coordinator_cases} cases)", client, "/teamzaken/", baseline)


if __name__ == "__main__":
    main()
