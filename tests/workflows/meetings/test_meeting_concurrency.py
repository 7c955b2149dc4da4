"""What happens once per meeting — a case on the agenda, a person on the attendance list, the joint
judgement of an agenda case — happens once, also when the chair clicks twice or five posts arrive
at once: the others are answered with the existing record (409 and a link), never a server error.
Decisions without a natural key (an intervention, a veiligheidsvoorwaarde) carry the form's key."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.assessments.models import Assessment, JointJudgement, Veiligheidsvoorwaarde
from cases.assessments.services import assessment_start
from cases.exceptions import AlreadyRecorded
from cases.interventions.models import Intervention
from cases.interventions.services import INTERVENTION_ALREADY_AGREED
from cases.models import EventKind
from partners.models import Membership
from tests.concurrency import N, clients_of, post_simultaneously, simultaneously
from tests.world import in_days, judge, open_case
from workflows.meetings.models import AgendaItem, Attendance, DecisionKind, MeetingDecision
from workflows.meetings.services import (
    AGENDA_ITEM_EXISTS,
    ATTENDANCE_EXISTS,
    MEETING_JUDGEMENT_EXISTS,
    agenda_add,
    meeting_judgement,
    meeting_schedule,
)

race = pytest.mark.django_db(transaction=True)
JUDGEMENT = {"classification": "structureel", "joint_score": 4, "rationale": "Zorgen over de veiligheid thuis."}


@pytest.fixture
def item(region):
    """A meeting of the region's team with one case on its agenda."""
    at = timezone.make_aware(datetime.combine(in_days(1), time(10, 0)))
    meeting = meeting_schedule(actor=region.coordinator, team=region.team, scheduled_at=at, chair=region.coordinator)
    return agenda_add(actor=region.coordinator, meeting=meeting, case=open_case(region))


def _item_url(item) -> str:
    return reverse("meeting-item", kwargs={"meeting_id": item.meeting_id, "item_id": item.pk})


def assert_recorded_once_on_the_web(responses, *, message, existing_url: str) -> None:
    assert sorted(r.status_code for r in responses) == [302] + [409] * (N - 1)
    for refused in (r for r in responses if r.status_code == 409):
        body = refused.content.decode()
        assert escape(str(message)) in body
        assert f'href="{existing_url}"' in body


def test_a_second_meeting_judgement_of_an_agenda_case_is_refused_with_the_first(region, item):
    first = meeting_judgement(actor=region.coordinator, item=item, **JUDGEMENT)

    with pytest.raises(AlreadyRecorded) as again:
        meeting_judgement(actor=region.coordinator, item=item, **{**JUDGEMENT, "joint_score": 6})

    assert again.value.existing == first and again.value.messages == [str(MEETING_JUDGEMENT_EXISTS)]
    assert Assessment.objects.filter(case=item.case).count() == 1
    assert MeetingDecision.objects.filter(agenda_item=item, kind=DecisionKind.ASSESSMENT).count() == 1


def test_a_meeting_judgement_completes_the_open_round_instead_of_starting_one(region, item):
    open_round = assessment_start(actor=region.cvc_user, case=item.case)

    judgement = meeting_judgement(actor=region.coordinator, item=item, **JUDGEMENT)

    assert judgement.assessment == open_round
    assert list(Assessment.objects.filter(case=item.case)) == [open_round]


@race
def test_five_simultaneous_meeting_judgements_record_one_round_and_one_judgement(region, item):
    data = {"kind": "judgement", **{f"judgement-{name}": value for name, value in JUDGEMENT.items()}}

    responses = post_simultaneously(clients_of(region.coordinator), _item_url(item), data)

    (judgement,) = JointJudgement.objects.filter(assessment__case=item.case)
    round_page = reverse("assessment-detail", args=[item.case_id, judgement.assessment_id])
    assert_recorded_once_on_the_web(responses, message=MEETING_JUDGEMENT_EXISTS, existing_url=round_page)
    assert Assessment.objects.filter(case=item.case).count() == 1
    assert MeetingDecision.objects.filter(agenda_item=item).count() == 1
    assert item.case.timeline.filter(kind=EventKind.JUDGEMENT_RECORDED).count() == 1
    assert item.case.timeline.filter(kind=EventKind.DISCUSSED_IN_MEETING).count() == 1


@race
def test_five_simultaneous_meeting_judgements_through_the_service_record_one(region, item):
    def attempt(_):
        try:
            return meeting_judgement(actor=region.coordinator, item=AgendaItem.objects.get(pk=item.pk), **JUDGEMENT)
        except AlreadyRecorded as refused:
            return refused

    results = simultaneously(attempt)

    recorded = [r for r in results if isinstance(r, JointJudgement)]
    refused = [r for r in results if isinstance(r, AlreadyRecorded)]
    assert len(recorded) == 1 and len(refused) == N - 1
    assert all(r.existing == recorded[0] for r in refused)
    assert Assessment.objects.filter(case=item.case).count() == 1


@race
def test_five_simultaneous_agenda_additions_of_a_case_add_it_once(region, item):
    case = open_case(region, family_name="Gezin Dubbel", with_partners=False)
    url = reverse("meeting-agenda-add", kwargs={"meeting_id": item.meeting_id})

    responses = post_simultaneously(clients_of(region.coordinator), url, {"case": case.pk})

    (added,) = AgendaItem.objects.filter(meeting_id=item.meeting_id, case=case)
    assert_recorded_once_on_the_web(responses, message=AGENDA_ITEM_EXISTS, existing_url=_item_url(added))
    assert added.position == 2


@race
def test_five_different_cases_added_at_once_get_five_positions(region, item):
    cases = [open_case(region, family_name=f"Gezin {n}", with_partners=False) for n in range(N)]
    url = reverse("meeting-agenda-add", kwargs={"meeting_id": item.meeting_id})
    clients = clients_of(region.coordinator)

    responses = simultaneously(lambda i: clients[i].post(url, {"case": cases[i].pk}))

    assert [r.status_code for r in responses] == [302] * N
    positions = AgendaItem.objects.filter(meeting_id=item.meeting_id).values_list("position", flat=True)
    assert sorted(positions) == list(range(1, N + 2))


@race
def test_five_simultaneous_attendance_recordings_record_one(region, item):
    member = Membership.objects.get(user=region.vt_user, team=region.team)
    url = reverse("meeting-attendance-add", kwargs={"meeting_id": item.meeting_id})

    responses = post_simultaneously(clients_of(region.coordinator), url, {"member": member.pk})

    assert_recorded_once_on_the_web(
        responses,
        message=ATTENDANCE_EXISTS,
        existing_url=reverse("meeting-detail", kwargs={"meeting_id": item.meeting_id}),
    )
    assert Attendance.objects.filter(meeting_id=item.meeting_id, user=region.vt_user).count() == 1


@race
def test_meeting_decision_forms_sent_five_times_at_once_agree_one_each(region, item):
    judge(region, item.case)
    intervention = {
        "kind": "intervention",
        "intervention-kind": "vt_onderzoek",
        "intervention-responsible_organisation": region.vt.pk,
        "intervention-responsible_professional": region.vt_user.pk,
        "intervention-start_date": in_days(0).isoformat(),
        "intervention-due_date": in_days(70).isoformat(),
        "intervention-submission_key": "5d3b0f3e-6a0c-4b8e-8f53-1c2d3e4f5a6b",
    }
    condition = {
        "kind": "condition",
        "condition-description": "Vader slaapt elders.",
        "condition-owner_organisation": region.gi.pk,
        "condition-owner": region.gi_user.pk,
        "condition-check_date": in_days(7).isoformat(),
        "condition-submission_key": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
    }
    intervention_clients, condition_clients = clients_of(region.coordinator), clients_of(region.coordinator)

    interventions = post_simultaneously(intervention_clients, _item_url(item), intervention)
    conditions = post_simultaneously(condition_clients, _item_url(item), condition)

    assert [(r.status_code, r.url) for r in interventions + conditions] == [(302, _item_url(item))] * (2 * N)
    pages = [client.get(_item_url(item)).content.decode() for client in intervention_clients]
    assert sum(escape(str(INTERVENTION_ALREADY_AGREED)) in page for page in pages) == N - 1
    assert Intervention.objects.filter(case=item.case).count() == 1
    assert Veiligheidsvoorwaarde.objects.filter(case=item.case).count() == 1
    kinds = sorted(MeetingDecision.objects.filter(agenda_item=item).values_list("kind", flat=True))
    assert kinds == [DecisionKind.CONDITION, DecisionKind.INTERVENTION]
