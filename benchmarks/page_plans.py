#!/usr/bin/env python
"""What the measured pages cost the database, without the noise: shared buffers and plans.

Renders "Mijn zaken", "Teamzaken", a dossier, the meeting view and the deadline dashboard once each
for the same users as the timing scripts, then runs EXPLAIN (ANALYZE, BUFFERS) on every SELECT of the
request. Buffers (8 kB pages touched) do not depend on the machine's load: at both data sizes
(BENCH_SCALE=both) their ratio says whether a page's database work grows with the data, and the index
names show a plan that changed. Prints the three costliest statements per page.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report, setup_django  # noqa: E402
from dataset import ensure_database, pick_users, prepare  # noqa: E402


def page_figures(label: str, client, url: str) -> None:
    from tests.plans import page_plans

    page_plans(client, url)  # warm: session, caches, the access log's first row
    statements, plans = page_plans(client, url, analyze=True)
    buffers = sum(plan.buffers for plan in plans)
    indexes = sorted({name for plan in plans for name in plan.indexes})
    report(f"{label}: statements", statements, "queries")
    report(f"{label}: shared buffers of its SELECTs", buffers, "blocks", note=", ".join(indexes))
    report(f"{label}: DB execution time of its SELECTs", sum(plan.ms for plan in plans), "ms")
    for plan in sorted(plans, key=lambda p: -p.buffers)[:3]:
        seq = [node for node in plan.nodes if node.startswith("Seq Scan")]
        print(f"   {label}: {plan.buffers} blocks, {plan.ms:.2f} ms, {seq or plan.indexes}: {plan.sql[:220]}")


def main() -> None:
    ensure_database()
    setup_django()
    prepare()
    from django.test import Client
    from meeting_view import ensure_meeting

    from cases.selectors import cases_participating
    from tests.twofactor import login_verified

    professional, professional_cases, coordinator, coordinator_cases = pick_users()
    client = Client()
    login_verified(client, professional)
    page_figures(f"plans: Mijn zaken ({professional_cases} cases)", client, "/mijn-zaken/")
    case_id = cases_participating(professional).order_by("id").values_list("id", flat=True).first()
    page_figures("plans: case detail", client, f"/zaken/{case_id}/")
    meeting = ensure_meeting(coordinator)
    client = Client()
    login_verified(client, coordinator)
    page_figures(f"plans: Teamzaken ({coordinator_cases} cases)", client, "/teamzaken/")
    page_figures("plans: meeting view", client, f"/overleggen/{meeting.pk}/")
    page_figures(f"plans: deadline dashboard ({coordinator_cases} cases)", client, "/termijnen/")


if __name__ == "__main__":
    main()
