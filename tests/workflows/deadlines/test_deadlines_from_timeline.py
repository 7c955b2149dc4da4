"""Cases written in bulk (the demo seed) get their deadlines from their timeline through the same hooks
as live work: replaying a live case's timeline gives back exactly the deadlines it had."""

import pytest

from tests.exchange.world import build_live_case, make_world
from workflows.deadlines.models import Deadline, DeadlineState
from workflows.deadlines.services import deadlines_from_timeline


def _deadlines(case):
    return sorted(
        Deadline.objects.filter(case=case).values_list(
            "rule__code", "subject", "state", "started_at", "due_at", "closed_at", "responsible_organisation_id"
        )
    )


@pytest.mark.django_db
def test_replaying_a_live_timeline_gives_the_same_deadlines_and_outcomes():
    case = build_live_case(make_world())
    live = _deadlines(case)
    assert {DeadlineState.MET, DeadlineState.MISSED} <= {row[2] for row in live}  # the case has both outcomes
    Deadline.objects.filter(case=case).delete()

    events = deadlines_from_timeline([case.pk])

    assert events == case.timeline.count()
    assert _deadlines(case) == live
