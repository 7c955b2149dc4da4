"""Closing a meeting: the chair closes it, its record is frozen (minutes, decisions, attendance and
each agenda case as it stood), it refuses edits afterwards, and its minutes print and download as a
PDF that follows need-to-know."""

from __future__ import annotations

import io
from datetime import datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.access_log.services import access_log_rows
from cases.assessments.models import Veiligheidsvoorwaarde
from cases.assessments.services import condition_check
from cases.exceptions import ConcurrentEditError
from cases.interventions.services import intervention_start, intervention_stop
from tests.factories import MembershipFactory
from tests.world import in_days, judge, open_case
from workflows.meetings.minutes import meeting_minutes
from workflows.meetings.models import AgendaItem
from workflows.meetings.services import (
    MEETING_CLOSED,
    agenda_add,
    attendance_record,
    meeting_close,
    meeting_condition,
    meeting_intervention,
    meeting_judgement,
    meeting_schedule,
    minutes_record,
)
from workflows.meetings.snapshot import SNAPSHOT_SCHEMA


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _meeting(region, *, chair=None):
    at = timezone.make_aware(datetime.combine(in_days(0), time(9, 0)))
    return meeting_schedule(
        actor=region.coordinator, team=region.team, scheduled_at=at, chair=chair or region.cvc_user, location="Zaal 2"
    )


def _held(region, meeting, *, family_name="Gezin Jansen"):
    """One agenda case discussed with three partners present: minutes, a judgement the GI dissents
    from, an overdue intervention, one on time and a condition."""
    item = agenda_add(actor=region.coordinator, meeting=meeting, case=open_case(region, family_name=family_name))
    for user, organisation in ((region.cvc_user, region.cvc), (region.vt_user, region.vt), (region.gi_user, region.gi)):
        if not meeting.attendances.filter(user=user).exists():
            attendance_record(actor=region.coordinator, meeting=meeting, user=user, organisation=organisation)
    minutes = "Zorgen over huiselijk geweld besproken."
    minutes_record(actor=region.cvc_user, item=item, minutes=minutes, expected_version=None)
    meeting_judgement(
        actor=region.cvc_user,
        item=item,
        classification="structureel",
        joint_score=3,
        rationale="Structurele zorgen thuis.",
        dissents=[(region.gi, "De GI ziet acute onveiligheid.")],
    )
    late = meeting_intervention(
        actor=region.cvc_user,
        item=item,
        kind="vt_onderzoek",
        responsible_organisation=region.vt,
        responsible_professional=region.vt_user,
        start_date=in_days(-30),
        due_date=in_days(-2),
    )
    plan = meeting_intervention(
        actor=region.cvc_user,
        item=item,
        kind="veiligheidsplan",
        responsible_organisation=region.cvc,
        responsible_professional=region.cvc_user,
        start_date=in_days(0),
        due_date=in_days(14),
    )
    condition = meeting_condition(
        actor=region.cvc_user,
        item=item,
        description="Vader slaapt elders.",
        owner_organisation=region.gi,
        owner=region.gi_user,
        check_date=in_days(7),
    )
    item.refresh_from_db()
    return item, late, plan, condition


def _close(meeting, actor):
    meeting.refresh_from_db()
    return meeting_close(actor=actor, meeting=meeting, expected_version=meeting.version)


def test_closing_freezes_the_agenda_cases_as_they_stood(region, login_verified, client):
    meeting = _meeting(region)
    item, late, plan, condition = _held(region, meeting)
    assert _close(meeting, region.cvc_user) is True

    # Afterwards the case moves on: a new judgement, the plan stopped, the condition breached.
    judge(region, item.case, score=8, classification="geen")
    intervention_start(actor=region.cvc_user, intervention=plan, expected_version=plan.version)
    intervention_stop(actor=region.cvc_user, intervention=plan, result="Niet meer nodig", expected_version=plan.version)
    condition_check(actor=region.gi_user, condition=condition, met=False, expected_version=condition.version)

    item.refresh_from_db()
    snapshot = item.snapshot
    assert snapshot["schema"] == SNAPSHOT_SCHEMA
    assert (snapshot["judgement"]["classification"], snapshot["judgement"]["joint_score"]) == ("structureel", 3)
    assert [d["organisation_id"] for d in snapshot["judgement"]["dissents"]] == [region.gi.pk]
    assert {i["id"]: (i["status"], i["overdue"]) for i in snapshot["interventions"]} == {
        late.pk: ("afgesproken", True),
        plan.pk: ("afgesproken", False),
    }
    assert [(c["id"], c["status"], c["breached"]) for c in snapshot["conditions"]] == [(condition.pk, "open", False)]
    # The intervention's deadline was open and past due when the meeting closed.
    assert [d["name"] for d in snapshot["overdue_deadlines"]]

    login_verified(client, region.cvc_user)
    page = client.get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert "structurele onveiligheid, score 3" in page
    assert "score 8" not in page and "gestopt" not in page and "niet nagekomen" not in page
    assert "De GI ziet acute onveiligheid." in page and "Zorgen over huiselijk geweld besproken." in page
    item_page = client.get(reverse("meeting-item", kwargs={"meeting_id": meeting.pk, "item_id": item.pk}))
    assert item_page.status_code == 200
    body = item_page.content.decode()
    assert "score 3" in body and "score 8" not in body and "<textarea" not in body

    pdf = client.get(reverse("meeting-minutes-pdf", kwargs={"meeting_id": meeting.pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "score 3" in text and "score 8" not in text and "gestopt" not in text
    assert "De GI ziet acute onveiligheid." in text
    assert "Afwijkende standpunten" in text and "Besluiten" in text
    assert "Vader slaapt elders." in text and "onderzoek Veilig Thuis" in text
    assert item.case.reference in text


def test_only_the_chair_or_a_coordinator_closes_once_and_on_the_version_read(region, login_verified, client):
    meeting = _meeting(region)
    _held(region, meeting)
    with pytest.raises(PermissionDenied):
        _close(meeting, region.vt_user)
    login_verified(client, region.vt_user)
    url = reverse("meeting-close", kwargs={"meeting_id": meeting.pk})
    assert client.post(url, {"version": meeting.version}).status_code == 403
    api = client.post(f"/api/v1/meetings/{meeting.pk}/close/", {"version": meeting.version})
    assert api.status_code == 400 and "voorzitter" in api.json()["non_field_errors"][0]
    meeting.refresh_from_db()
    assert meeting.closed_at is None

    with pytest.raises(ConcurrentEditError):  # the meeting changed after this version was read
        meeting_close(actor=region.cvc_user, meeting=meeting, expected_version=meeting.version + 1)

    # The chair (a professional here) closes in the page; a second click changes nothing.
    login_verified(client, region.cvc_user)
    meeting.refresh_from_db()
    response = client.post(url, {"version": meeting.version}, follow=True)
    assert "Het overleg is gesloten" in response.content.decode()
    meeting.refresh_from_db()
    closed_at, version = meeting.closed_at, meeting.version
    assert meeting.closed_by == region.cvc_user and closed_at is not None
    again = client.post(url, {"version": meeting.version - 1}, follow=True)
    assert "Het overleg was al gesloten." in again.content.decode()
    api = client.post(f"/api/v1/meetings/{meeting.pk}/close/", {"version": 1})
    assert api.status_code == 200 and api.json()["closed_at"] is not None
    meeting.refresh_from_db()
    assert (meeting.closed_at, meeting.version) == (closed_at, version)
    # A coordinator of the team may close too.
    other = _meeting(region)
    assert _close(other, region.coordinator) is True


def test_a_closed_meeting_refuses_every_edit_in_services_pages_and_api(region, login_verified, client):
    meeting = _meeting(region)
    item, *_ = _held(region, meeting)
    login_verified(client, region.coordinator)
    api_item = f"/api/v1/meetings/{meeting.pk}/agenda/{item.pk}/"
    # Open: the API writes the minutes on the version read, and a stale version is a 409.
    put = client.put(api_item, {"minutes": "Aangevuld.", "version": item.version}, content_type="application/json")
    assert put.status_code == 200 and put.json()["minutes"] == "Aangevuld."
    stale = client.put(api_item, {"minutes": "Oud", "version": item.version}, content_type="application/json")
    assert stale.status_code == 409
    _close(meeting, region.coordinator)
    item.refresh_from_db()

    with pytest.raises(ValidationError, match="gesloten"):
        minutes_record(actor=region.coordinator, item=item, minutes="Later", expected_version=item.version)
    with pytest.raises(ValidationError, match="gesloten"):
        agenda_add(actor=region.coordinator, meeting=meeting, case=open_case(region, family_name="Gezin Later"))
    newcomer = MembershipFactory(team=region.team, organisation=region.vt).user
    with pytest.raises(ValidationError, match="gesloten"):
        attendance_record(actor=region.coordinator, meeting=meeting, user=newcomer, organisation=region.vt)
    with pytest.raises(ValidationError, match="gesloten"):
        meeting_intervention(
            actor=region.coordinator,
            item=item,
            kind="overig",
            responsible_organisation=region.cvc,
            responsible_professional=region.cvc_user,
            start_date=in_days(0),
            due_date=in_days(3),
        )

    page = reverse("meeting-item", kwargs={"meeting_id": meeting.pk, "item_id": item.pk})
    refused = client.post(page, {"kind": "minutes", "minutes-minutes": "Later", "minutes-version": item.version})
    assert refused.status_code == 400 and str(MEETING_CLOSED) in refused.content.decode()
    refused = client.post(
        reverse("meeting-attendance-add", kwargs={"meeting_id": meeting.pk}),
        {"member": newcomer.memberships.get().pk},
    )
    assert refused.status_code == 400 and "gesloten" in refused.content.decode()
    put = client.put(api_item, {"minutes": "Later", "version": item.version}, content_type="application/json")
    assert put.status_code == 400 and "gesloten" in put.json()["non_field_errors"][0]
    item.refresh_from_db()
    assert item.minutes == "Aangevuld." and meeting.attendances.count() == 3
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
    detail = client.get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert "Overleg sluiten" not in detail


def test_the_pdf_holds_only_the_cases_the_reader_may_see_and_logs_each_as_an_export(region, login_verified, client):
    meeting = _meeting(region)
    seen, *_ = _held(region, meeting, family_name="Gezin Zichtbaar")
    hidden_case = open_case(region, family_name="Gezin Verborgen", with_partners=False)  # VT does not take part
    hidden = agenda_add(actor=region.coordinator, meeting=meeting, case=hidden_case)
    minutes_record(actor=region.coordinator, item=hidden, minutes="Geheim verslag.", expected_version=None)
    _close(meeting, region.coordinator)

    login_verified(client, region.vt_user)
    before = access_log_rows().order_by("-id").values_list("id", flat=True).first() or 0
    text = pdf_text(client.get(reverse("meeting-minutes-pdf", kwargs={"meeting_id": meeting.pk})).content)
    assert "Gezin Zichtbaar" in text and "De GI ziet acute onveiligheid." in text
    assert "Gezin Verborgen" not in text and hidden_case.reference not in text and "Geheim" not in text
    assert "niet zichtbaar" in text
    logged = access_log_rows().filter(id__gt=before, detail=f"minutes-pdf:{meeting.pk}")
    assert list(logged.values_list("case_id", "action")) == [(seen.case_id, "export")]

    # The coordinator sees both.
    client.logout()
    login_verified(client, region.coordinator)
    text = pdf_text(client.get(reverse("meeting-minutes-pdf", kwargs={"meeting_id": meeting.pk})).content)
    assert "Gezin Verborgen" in text and "Geheim verslag." in text


def test_the_minutes_list_per_organisation_what_it_must_do(region, login_verified, client):
    meeting = _meeting(region)
    item, late, plan, condition = _held(region, meeting)
    _close(meeting, region.coordinator)
    minutes = meeting_minutes(region.coordinator, meeting, ip=None)
    actions = {group.organisation: group for group in minutes.actions}
    assert [i["id"] for i in actions[region.vt.name].interventions] == [late.pk]
    assert [i["id"] for i in actions[region.cvc.name].interventions] == [plan.pk]
    assert [c["id"] for c in actions[region.gi.name].conditions] == [condition.pk]
    assert actions[region.gi.name].interventions == [] and actions[region.vt.name].conditions == []
    assert all(i["decided_here"] for i in actions[region.vt.name].interventions)
    login_verified(client, region.gi_user)
    page = client.get(reverse("meeting-minutes", kwargs={"meeting_id": meeting.pk})).content.decode()
    section = page[page.index('id="actions-per-organisation"') :]
    assert region.gi.name in section and "Vader slaapt elders." in section


def test_a_breached_condition_shows_in_the_minutes_of_a_meeting_closed_after(region, login_verified, client):
    meeting = _meeting(region)
    item, late, plan, condition = _held(region, meeting)
    condition_check(actor=region.gi_user, condition=condition, met=False, expected_version=condition.version)
    _close(meeting, region.coordinator)
    item.refresh_from_db()
    assert [(c["status"], c["breached"]) for c in item.snapshot["conditions"]] == [("not_met", True)]
    assert Veiligheidsvoorwaarde.objects.get(pk=condition.pk).status == "not_met"


def _agenda_of(region, meeting, size):
    for number in range(size):
        _held(region, meeting, family_name=f"Gezin {number}")


# Session, user, OTP device, memberships, the meeting, the visible cases, the agenda items with their
# snapshots in the same rows, the menu's badge (the access log writes on its own connection).
QUERIES_CLOSED_MEETING = 10
QUERIES_CLOSED_MINUTES = 10
# A draft is built from today's state: the attendance, the items with their prefetches (persons,
# interventions, conditions, judged rounds with their contributions, decisions), dissents, overdue deadlines,
# the agenda cases' safety plans (one query when none has one).
QUERIES_DRAFT_MINUTES = 21


@pytest.mark.parametrize("agenda_size", [1, 4])
def test_closed_meeting_and_minutes_pages_use_a_fixed_number_of_queries(
    region, login_verified, agenda_size, django_assert_num_queries
):
    meeting = _meeting(region)
    _agenda_of(region, meeting, agenda_size)
    client = Client()
    login_verified(client, region.coordinator)
    draft = reverse("meeting-minutes", kwargs={"meeting_id": meeting.pk})
    with django_assert_num_queries(QUERIES_DRAFT_MINUTES):
        response = client.get(draft)
    assert response.content.decode().count('class="agenda-case minutes-entry"') == agenda_size
    _close(meeting, region.coordinator)
    with django_assert_num_queries(QUERIES_CLOSED_MEETING):
        response = client.get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk}))
    assert response.content.decode().count('class="agenda-case minutes-entry"') == agenda_size
    with django_assert_num_queries(QUERIES_CLOSED_MINUTES):
        response = client.get(draft)
    assert response.content.decode().count('class="agenda-case minutes-entry"') == agenda_size


def test_my_actions_link_to_the_minutes_of_closed_meetings(region, login_verified, client):
    meeting = _meeting(region)
    _held(region, meeting)
    minutes_url = reverse("meeting-minutes", kwargs={"meeting_id": meeting.pk})
    login_verified(client, region.vt_user)
    assert minutes_url not in client.get(reverse("my-actions")).content.decode()
    _close(meeting, region.coordinator)
    assert minutes_url in client.get(reverse("my-actions")).content.decode()
