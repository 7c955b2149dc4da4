"""The veiligheidsplan in the meeting: the chair's view and the minutes show the plan's version and
what changed since the last meeting that discussed the case."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone

from cases.safety_plans.services import Commitment, plan_version_record
from cases.services import person_add
from tests.world import in_days, open_case
from workflows.meetings.services import agenda_add, meeting_close, meeting_schedule


def _meeting(region, days):
    at = timezone.make_aware(datetime.combine(in_days(days), time(9, 0)))
    return meeting_schedule(
        actor=region.coordinator, team=region.team, scheduled_at=at, chair=region.cvc_user, location="Zaal 2"
    )


def _record(region, case, aunt, *, expected_version, **changes):
    values = dict(
        danger_statements=["We zijn bang dat Tim geslagen wordt."],
        safety_goals=[{"text": "Tim is veilig", "scale": 4}],
        commitments=[Commitment(aunt, "Tante Ria haalt Tim op.")],
        monitoring="Wekelijks contact.",
        evaluation_on=in_days(30),
    )
    values.update(changes)
    return plan_version_record(actor=region.cvc_user, case=case, expected_version=expected_version, **values)


def test_the_chair_and_the_minutes_see_the_plans_version_and_what_changed_since_the_last_meeting(
    region, client, login_verified
):
    case = open_case(region)
    aunt = person_add(actor=region.cvc_user, case=case, role="netwerk", full_name="Tante Ria")
    _record(region, case, aunt, expected_version=0)
    first = _meeting(region, -7)
    agenda_add(actor=region.coordinator, meeting=first, case=case)
    first.refresh_from_db()
    meeting_close(actor=region.cvc_user, meeting=first, expected_version=first.version)
    assert first.agenda_items.get().snapshot["safety_plan"]["version"] == 1

    _record(
        region, case, aunt, expected_version=1, safety_goals=[{"text": "Tim is veilig", "scale": 6}], reason="Beter"
    )
    second = _meeting(region, 0)
    agenda_add(actor=region.coordinator, meeting=second, case=case)
    login_verified(client, region.cvc_user)
    chair = client.get(reverse("meeting-detail", kwargs={"meeting_id": second.pk})).content.decode()
    assert "versie 2" in chair
    assert "Veranderd sinds het vorige overleg (versie 1):" in chair
    assert "veiligheidsdoelen en schalen" in chair and "gevaarsstatements" not in chair
    draft = client.get(reverse("meeting-minutes", kwargs={"meeting_id": second.pk})).content.decode()
    assert "Veranderd sinds het vorige overleg (versie 1):" in draft

    second.refresh_from_db()
    meeting_close(actor=region.cvc_user, meeting=second, expected_version=second.version)
    frozen = second.agenda_items.get().snapshot["safety_plan"]
    assert frozen["version"] == 2 and frozen["since_version"] == 1 and frozen["changed"] == ["safety_goals"]
    minutes = client.get(reverse("meeting-minutes", kwargs={"meeting_id": second.pk})).content.decode()
    assert "veiligheidsdoelen en schalen" in minutes


def test_a_plan_new_since_the_last_meeting_says_so(region, client, login_verified):
    case = open_case(region)
    aunt = person_add(actor=region.cvc_user, case=case, role="netwerk", full_name="Tante Ria")
    _record(region, case, aunt, expected_version=0)
    meeting = _meeting(region, 0)
    agenda_add(actor=region.coordinator, meeting=meeting, case=case)
    other = open_case(region, family_name="Gezin Zonderplan")
    agenda_add(actor=region.coordinator, meeting=meeting, case=other)
    login_verified(client, region.cvc_user)
    chair = client.get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert "Nieuw sinds het vorige overleg." in chair
    assert chair.count("Veiligheidsplan") >= 2  # the case without a plan says so too ("nog geen")
