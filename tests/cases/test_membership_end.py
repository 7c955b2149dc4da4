"""Only working roles take part in a case, and ending a membership (or an account) ends what rested on it:
the participation with its timeline event and grant, the access of the session, the token and a new login,
and the open deadlines it answered for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from cases.models import CaseUserObjectPermission, EventKind, Participant, TimelineEvent
from cases.selectors import cases_visible_to
from cases.services import PARTICIPANT_NOT_WORKING, participant_add
from cases.tasks import expire_memberships
from partners.models import Membership, Role
from partners.services import membership_end, user_deactivate
from tests.cases.conftest import member, open_case
from tests.world import basis, basis_post
from workflows.deadlines.models import Deadline, DeadlineRule, DeadlineState


@pytest.fixture
def leaver(world):
    """The VT professional on the case, with an open deadline in their name."""
    rule = DeadlineRule.objects.create(
        team=world.team,
        code="vt-onderzoek",
        name="Onderzoek VT",
        start_event=EventKind.ONDERZOEK_STARTED,
        term_value=10,
        term_unit="working_days",
        responsible="organisation_kind",
        responsible_organisation_kind="veilig_thuis",
    )
    now = timezone.now()
    world.deadline = Deadline.objects.create(
        rule=rule,
        case=world.case,
        name=rule.name,
        started_at=now,
        term_value=10,
        term_unit="working_days",
        due_at=now + timedelta(days=14),
        responsible_organisation=world.vt,
        responsible_user=world.vt_professional,
    )
    world.membership = Membership.objects.get(user=world.vt_professional, team=world.team)
    return world.vt_professional


def _case_url(world):
    return reverse("case-detail", kwargs={"case_id": world.case.pk})


def _api_url(world):
    return f"/api/v1/cases/{world.case.pk}/"


def _token(user) -> dict:
    _instance, token = AuthToken.objects.create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def _assert_left_the_case(world, user):
    participation = Participant.objects.get(case=world.case, professional=user)
    assert participation.ended_at is not None
    assert TimelineEvent.objects.filter(
        case=world.case, kind=EventKind.PARTICIPANT_ENDED, data__participant_id=participation.pk
    ).exists()
    assert not CaseUserObjectPermission.objects.filter(user=user, content_object=world.case).exists()
    assert not cases_visible_to(user).filter(team=world.team).exists()


# --- only working roles on a case ---


@pytest.mark.parametrize("role", ["evaluator", "functional_admin", "privacy_officer"])
def test_only_a_professional_or_coordinator_is_made_a_participant_in_the_web_form(world, client, login_verified, role):
    login_verified(client, world.professional)
    person = getattr(world, role)
    response = client.post(
        reverse("participant-add", kwargs={"case_id": world.case.pk}),
        {"organisation": world.cvc.pk, "professional": person.pk, "role": "betrokken", **basis_post()},
    )
    assert response.status_code == 400
    assert str(PARTICIPANT_NOT_WORKING) in response.content.decode()
    assert not Participant.objects.filter(case=world.case, professional=person).exists()


@pytest.mark.parametrize("role", ["evaluator", "functional_admin", "privacy_officer"])
def test_only_a_professional_or_coordinator_is_made_a_participant_through_the_api(world, client, login_verified, role):
    login_verified(client, world.professional)
    person = getattr(world, role)
    response = client.post(
        f"/api/v1/cases/{world.case.pk}/participants/",
        {"organisation": world.cvc.pk, "professional": person.pk, "role": "betrokken", **basis_post()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["professional"] == [str(PARTICIPANT_NOT_WORKING)]
    assert not Participant.objects.filter(case=world.case, professional=person).exists()
    # The privacy officer, evaluator or administrator sees no family name or birth date afterwards either.
    login_verified(client, person)
    assert client.get(f"/api/v1/cases/{world.case.pk}/persons/").status_code == 404


def test_the_service_refuses_a_non_working_role_even_with_a_working_role_elsewhere(world):
    # A professional of VT who is only an evaluator for the CVC: not a participant for the CVC.
    evaluator_membership = Membership.objects.create(
        user=world.vt_professional, organisation=world.cvc, team=world.team, role=Role.EVALUATOR
    )
    assert evaluator_membership.is_active()
    with pytest.raises(ValidationError) as refused:
        participant_add(
            actor=world.professional,
            case=world.case,
            organisation=world.cvc,
            professional=world.vt_professional,
            role="betrokken",
            **basis(),
        )
    assert refused.value.message_dict == {"professional": [str(PARTICIPANT_NOT_WORKING)]}


def test_a_vast_gezicht_who_does_not_work_in_the_team_is_refused_with_the_same_message(world):
    with pytest.raises(ValidationError) as refused:
        open_case(world.professional, world.team, vast_gezicht=world.privacy_officer)
    assert refused.value.message_dict == {"vast_gezicht": [str(PARTICIPANT_NOT_WORKING)]}


# --- ending a membership ends its access at once ---


def test_ending_a_membership_ends_the_session_the_token_a_new_login_and_the_participation(
    world, leaver, client, login_verified
):
    login_verified(client, leaver)
    token = _token(leaver)
    assert client.get(_case_url(world)).status_code == 200
    assert client.get(_api_url(world), **token).status_code == 200

    membership_end(actor=world.functional_admin, membership=world.membership)

    # (a) the session from before: gone (security), so no page and no API answer with case data.
    page = client.get(_case_url(world))
    assert page.status_code == 302 and "login" in page["Location"]
    assert client.get(_api_url(world)).status_code in (401, 403)
    # (b) the token: the case is not found.
    assert client.get(_api_url(world), **token).status_code == 404
    # (c) a new login sees no case of the team.
    login_verified(client, leaver)
    assert client.get(_case_url(world)).status_code == 404
    assert client.get(_api_url(world)).status_code == 404
    assert client.get("/api/v1/cases/").json()["results"] == []
    # (d) the participation ended, on the timeline, without its grant.
    _assert_left_the_case(world, leaver)


def test_an_ended_members_open_deadline_names_the_next_in_line(world, leaver):
    colleague = member(world.team, world.vt)
    participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.vt,
        professional=colleague,
        role="onderzoeker",
        **basis(),
    )

    membership_end(actor=world.functional_admin, membership=world.membership)

    world.deadline.refresh_from_db()
    assert world.deadline.state == DeadlineState.OPEN
    assert world.deadline.responsible_user == colleague  # (e) the responsible organisation's next participant
    assert world.deadline.responsible_organisation == world.vt


def test_without_a_colleague_on_the_case_the_deadline_goes_to_a_coordinator_of_the_team(world, leaver):
    membership_end(actor=world.functional_admin, membership=world.membership)

    world.deadline.refresh_from_db()
    assert world.deadline.responsible_user == world.coordinator


def test_ending_a_membership_in_the_admin_has_the_same_effect(world, leaver, client, login_verified):
    login_verified(client, leaver)
    token = _token(leaver)
    admin_client = client.__class__()
    login_verified(admin_client, world.functional_admin)

    response = admin_client.post(
        reverse("admin:partners_membership_change", args=[world.membership.pk]),
        {"end_date": timezone.localdate().isoformat()},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    world.membership.refresh_from_db()
    assert world.membership.end_date == timezone.localdate()
    assert client.get(_case_url(world)).status_code == 302  # the session ended
    assert client.get(_api_url(world), **token).status_code == 404
    _assert_left_the_case(world, leaver)
    world.deadline.refresh_from_db()
    assert world.deadline.responsible_user == world.coordinator


def test_a_membership_ending_later_keeps_its_work_until_that_day_and_then_loses_it(
    world, leaver, client, login_verified
):
    later = timezone.localdate() + timedelta(days=7)
    membership_end(actor=world.functional_admin, membership=world.membership, end_date=later)
    participation = Participant.objects.get(case=world.case, professional=leaver)
    assert participation.ended_at is None  # still works on the case this week
    login_verified(client, leaver)  # logs in again after the sessions ended
    token = _token(leaver)
    assert client.get(_case_url(world)).status_code == 200

    # The end date comes (as if a week passed): before the nightly task, the request already refuses.
    Membership.objects.filter(pk=world.membership.pk).update(end_date=timezone.localdate())
    assert client.get(_case_url(world)).status_code == 404
    assert client.get(_api_url(world)).status_code == 404
    assert client.get(_api_url(world), **token).status_code == 404
    assert Participant.objects.get(pk=participation.pk).ended_at is None

    assert expire_memberships() == {"ended": 1}

    _assert_left_the_case(world, leaver)
    world.deadline.refresh_from_db()
    assert world.deadline.responsible_user == world.coordinator
    event = TimelineEvent.objects.get(kind=EventKind.PARTICIPANT_ENDED, data__participant_id=participation.pk)
    assert event.actor is None  # the system
    assert expire_memberships() == {"ended": 0}


def test_ending_one_of_two_working_memberships_keeps_the_participation_the_other_backs(world, leaver):
    second = Membership.objects.create(user=leaver, organisation=world.vt, team=world.team, role=Role.COORDINATOR)

    membership_end(actor=world.functional_admin, membership=second)

    assert Participant.objects.get(case=world.case, professional=leaver).ended_at is None
    assert cases_visible_to(leaver).filter(pk=world.case.pk).exists()
    world.deadline.refresh_from_db()
    assert world.deadline.responsible_user == leaver


def test_a_deactivated_account_loses_every_participation(world, leaver):
    user_deactivate(actor=world.functional_admin, user=leaver)

    _assert_left_the_case(world, leaver)
    assert not Participant.objects.active().filter(professional=leaver).exists()
    world.deadline.refresh_from_db()
    assert world.deadline.responsible_user == world.coordinator


def test_the_nightly_task_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["cases-memberships-expire"]
    assert entry["task"] == "cases.memberships_expire"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {5})
