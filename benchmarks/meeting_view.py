#!/usr/bin/env python
"""The meeting view (the chair's agenda) with 15 cases on the agenda: p50/p95 and queries.

A meeting of the coordinator's team with 15 of its cases is planned once (kept and reused). Baseline:
the empty view for the same user. Budget: p95 <= 150 ms.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import empty_view_p50, page_samples, percentile, report, setup_django  # noqa: E402
from dataset import ensure_database, pick_users, prepare  # noqa: E402

RUNS, AGENDA = 30, 15
LOCATION = "bench-agenda-15"


def ensure_meeting(coordinator):
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case
    from partners.selectors import coordinated_team_ids
    from workflows.meetings.models import Meeting
    from workflows.meetings.services import agenda_add, meeting_schedule

    meeting = Meeting.objects.filter(location=LOCATION).first()
    if meeting is None:
        from partners.models import SafetyTeam

        team = SafetyTeam.objects.get(pk=coordinated_team_ids(coordinator)[0])
        with transaction.atomic():
            meeting = meeting_schedule(
                actor=coordinator,
                team=team,
                scheduled_at=timezone.now() + timedelta(days=1),
                chair=coordinator,
                location=LOCATION,
            )
            for case in Case.objects.filter(team=team).order_by("-opened_at")[:AGENDA]:
                agenda_add(actor=coordinator, meeting=meeting, case=case)
    return meeting


def main() -> None:
    ensure_database()
    setup_django(debug=False)  # as production serves pages (common.setup_django)
    prepare()
    from django.test import Client

    from tests.twofactor import login_verified

    _professional, _cases, coordinator, _team_cases = pick_users()
    meeting = ensure_meeting(coordinator)
    client = Client()
    login_verified(client, coordinator)
    samples, queries = page_samples(client, f"/overleggen/{meeting.pk}/", RUNS)
    empty = empty_view_p50(client)
    report(
        "meeting view (15-case agenda): p50",
        percentile(samples, 50),
        "ms",
        baseline=empty,
        note="ratio to the empty view",
    )
    report("meeting view (15-case agenda): p95", percentile(samples, 95), "ms", budget=150)
    report("meeting view: queries per page", queries, "queries")


if __name__ == "__main__":
    main()
