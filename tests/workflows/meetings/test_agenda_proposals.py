"""A breached veiligheidsvoorwaarde proposes its case for the team's next meeting; the chair accepts the
proposal by putting the case on the agenda, which is a timeline entry (placed_on_agenda) that tells the
professionals on the case."""

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.assessments.services import condition_agree, condition_check
from cases.models import EventKind
from tests.world import in_days, judge, open_case
from workflows.deadlines.models import Notification, NotificationKind
from workflows.meetings.models import AgendaProposal, ProposalReason
from workflows.meetings.services import agenda_add, meeting_schedule, minutes_record


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def _meeting(region, days=1):
    at = timezone.make_aware(datetime.combine(in_days(days), time(10, 0)))
    return meeting_schedule(actor=region.coordinator, team=region.team, scheduled_at=at, chair=region.coordinator)


def _breached_case(region):
    case = open_case(region)
    condition = condition_agree(
        actor=region.cvc_user,
        judgement=judge(region, case),
        description="Vader woont elders",
        owner_organisation=region.vt,
        owner=region.vt_user,
        check_date=in_days(14),
    )
    condition_check(actor=region.vt_user, condition=condition, met=False, expected_version=condition.version)
    return case


def test_a_breach_proposes_the_case_for_the_next_meeting_and_the_chair_accepts_it(region, login_verified, client):
    meeting = _meeting(region)
    case = _breached_case(region)
    [proposal] = AgendaProposal.objects.all()
    assert (proposal.case, proposal.team, proposal.reason) == (case, region.team, ProposalReason.CONDITION_BREACHED)
    assert proposal.agenda_item is None

    login_verified(client, region.coordinator)
    page = reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})
    body = client.get(page).content.decode()
    assert "Voorgesteld voor de agenda" in body and "voorgesteld: voorwaarde niet nagekomen" in body
    assert case.reference in body

    response = client.post(reverse("meeting-agenda-add", kwargs={"meeting_id": meeting.pk}), {"case": case.pk})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.agenda_item is not None and proposal.agenda_item.meeting == meeting
    assert "Voorgesteld voor de agenda" not in client.get(page).content.decode()
    # On the agenda the condition is listed as breached.
    assert "1 veiligheidsvoorwaarde niet nagekomen" in client.get(page).content.decode()


def test_a_breach_of_a_case_already_on_an_upcoming_agenda_is_accepted_there(region):
    meeting = _meeting(region)
    case = open_case(region)
    item = agenda_add(actor=region.coordinator, meeting=meeting, case=case)
    condition = condition_agree(
        actor=region.cvc_user,
        judgement=judge(region, case),
        description="Geen alcohol in huis",
        owner_organisation=region.gi,
        owner=region.gi_user,
        check_date=in_days(7),
    )
    condition_check(actor=region.gi_user, condition=condition, met=False, expected_version=condition.version)
    assert AgendaProposal.objects.get().agenda_item == item


def test_proposals_are_shown_to_coordinators_only(region, login_verified, client):
    meeting = _meeting(region)
    _breached_case(region)
    login_verified(client, region.vt_user)
    response = client.get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk}))
    assert response.status_code in (200, 404)
    assert "Voorgesteld voor de agenda" not in response.content.decode()


def test_placing_a_case_on_the_agenda_is_recorded_and_tells_the_professionals_on_it(region):
    meeting = _meeting(region)
    case = open_case(region)
    item = agenda_add(actor=region.coordinator, meeting=meeting, case=case)
    event = case.timeline.get(kind=EventKind.PLACED_ON_AGENDA)
    assert event.data["meeting_id"] == meeting.pk and event.data["agenda_item_id"] == item.pk
    told = sorted(Notification.objects.filter(kind=NotificationKind.PLACED_ON_AGENDA).values_list("user_id", flat=True))
    assert told == sorted([region.cvc_user.pk, region.vt_user.pk, region.gi_user.pk])  # not the coordinator who did it
    assert Notification.objects.filter(kind="placed_on_agenda").first().url == reverse(
        "meeting-detail", kwargs={"meeting_id": meeting.pk}
    )


def test_discussing_the_case_in_the_meeting_handles_the_breach(region):
    from cases.assessments.selectors import with_breach_flag
    from cases.models import Case

    meeting = _meeting(region)
    case = _breached_case(region)
    item = agenda_add(actor=region.coordinator, meeting=meeting, case=case)
    assert with_breach_flag(Case.objects.filter(pk=case.pk)).get().condition_breached is True
    minutes_record(actor=region.coordinator, item=item, minutes="Besproken.", expected_version=item.version)
    assert with_breach_flag(Case.objects.filter(pk=case.pk)).get().condition_breached is False


def test_a_breached_condition_stays_on_the_owners_action_list_marked_as_such(region, login_verified, client):
    _breached_case(region)
    login_verified(client, region.vt_user)
    body = client.get(reverse("my-actions")).content.decode()
    assert "Vader woont elders" in body and "niet nagekomen" in body
