"""Need-to-know through the one door: participation or coordinating the team, nothing else."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import Http404

from cases.models import CaseUserObjectPermission
from cases.selectors import case_for, cases_of_coordinated_teams, cases_participating, cases_visible_to
from cases.services import participant_add, participant_end
from tests.world import basis


def sees(user, case) -> bool:
    try:
        case_for(user, case.pk)
    except Http404:
        return False
    return True


def test_an_active_participant_and_the_teams_coordinator_see_the_case(world):
    assert sees(world.professional, world.case)
    assert sees(world.vt_professional, world.case)
    assert sees(world.coordinator, world.case)


@pytest.mark.parametrize(
    "who", ["stranger", "other_coordinator", "evaluator", "functional_admin", "privacy_officer", "gi_professional"]
)
def test_nobody_else_sees_the_case_content(world, who):
    user = getattr(world, who)
    assert not sees(user, world.case)
    assert world.case not in cases_visible_to(user)


def test_adding_a_participant_grants_access_and_ending_it_revokes_it(world):
    participation = participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_professional,
        role="jeugdbeschermer",
        **basis(),
    )
    assert sees(world.gi_professional, world.case)
    assert list(cases_participating(world.gi_professional)) == [world.case]

    participant_end(actor=world.professional, participant=participation)

    assert not sees(world.gi_professional, world.case)
    assert not CaseUserObjectPermission.objects.filter(user=world.gi_professional).exists()


def test_a_grant_is_rolled_back_with_a_failed_participation(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        participant_add(
            actor=world.professional,
            case=world.case,
            organisation=world.gi,
            professional=world.gi_professional,
            role="jeugdbeschermer",
            **basis(),
        )
        raise RuntimeError("the rest of the request failed")
    assert not sees(world.gi_professional, world.case)


def test_ending_one_of_two_participations_keeps_the_access_of_the_other(world):
    first = participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_professional,
        role="jeugdbeschermer",
        **basis(),
    )
    world.team.organisations.add(world.vt)
    from tests.factories import MembershipFactory

    MembershipFactory(team=world.team, organisation=world.vt, user=world.gi_professional)
    participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.vt,
        professional=world.gi_professional,
        role="deskundige",
        **basis(),
    )
    participant_end(actor=world.professional, participant=first)
    assert sees(world.gi_professional, world.case)


def test_team_cases_are_those_of_the_coordinated_teams_only(world):
    assert list(cases_of_coordinated_teams(world.coordinator)) == [world.case]
    assert list(cases_of_coordinated_teams(world.other_coordinator)) == []
    assert list(cases_of_coordinated_teams(world.professional)) == []
