"""The vast gezicht on the timeline: the assignment at opening and every reassignment, so that the
metrics count a handover from the first change on (DESIGN.md §9)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import EventKind, TimelineEvent
from cases.services import VAST_GEZICHT_NOT_IN_TEAM, case_change
from metrics.compute import episode_statistics
from metrics.definitions import Filters
from tests.cases.conftest import member, open_case
from tests.factories import OrganisationFactory, SafetyTeamFactory


def _assignments(case):
    rows = TimelineEvent.objects.filter(case=case, kind=EventKind.VAST_GEZICHT_ASSIGNED).order_by("occurred_at", "id")
    return [(e.occurred_at, e.actor_id, e.data) for e in rows]


def test_opening_a_case_with_a_vast_gezicht_records_the_assignment_at_the_opening(world):
    colleague = member(world.team, world.cvc)
    opened_at = timezone.now() - timedelta(days=3)

    case = open_case(world.professional, world.team, vast_gezicht=colleague, opened_at=opened_at)

    assert _assignments(case) == [(opened_at, world.professional.pk, {"user_id": colleague.pk})]
    assert _assignments(open_case(world.professional, world.team)) == []  # none at opening: none recorded


def test_every_reassignment_is_recorded_at_its_moment_and_only_to_a_member_of_the_team(world):
    first, second = member(world.team, world.cvc), member(world.team, world.vt)
    case = open_case(world.professional, world.team, vast_gezicht=first, opened_at=timezone.now() - timedelta(days=1))
    outsider = member(SafetyTeamFactory(), OrganisationFactory())
    with pytest.raises(ValidationError) as refused:
        case_change(actor=world.professional, case=case, expected_version=None, vast_gezicht=outsider)
    assert refused.value.message_dict == {"vast_gezicht": [str(VAST_GEZICHT_NOT_IN_TEAM)]}
    moment = timezone.now() - timedelta(hours=2)

    case_change(actor=world.professional, case=case, expected_version=None, vast_gezicht=second, occurred_at=moment)
    case_change(actor=world.professional, case=case, expected_version=None, vast_gezicht=None)

    assert [data["user_id"] for _at, _actor, data in _assignments(case)] == [first.pk, second.pk, None]
    assert _assignments(case)[1][0] == moment


def test_the_first_change_of_vast_gezicht_counts_as_one_handover(world):
    opened_at = datetime(2026, 2, 2, 10, tzinfo=timezone.get_default_timezone())
    case = open_case(
        world.professional,
        world.team,
        vast_gezicht=world.professional,
        opened_at=opened_at,
        reported_on=date(2026, 2, 2),
    )
    colleague = member(world.team, world.cvc)
    case_change(
        actor=world.professional,
        case=case,
        expected_version=None,
        vast_gezicht=colleague,
        occurred_at=opened_at + timedelta(days=5),
    )

    [row] = episode_statistics(Filters(date(2026, 2, 1), date(2026, 2, 28), team_id=world.team.pk))

    assert (row["handovers_0"], row["handovers_1"], row["handovers_2plus"]) == (0, 1, 0)
