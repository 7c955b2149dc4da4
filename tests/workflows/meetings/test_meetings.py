import re
from datetime import datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.access_log.integrity import access_log_verify
from cases.access_log.services import access_log_rows
from cases.interventions.models import Intervention
from cases.interventions.selectors import actions_of_my_organisations
from cases.interventions.services import intervention_agree, intervention_start, intervention_stop
from cases.models import EventKind
from partners.models import Membership
from tests.factories import MembershipFactory
from tests.html_forms import form_data
from tests.world import in_days, judge, make_region, open_case
from workflows.meetings.models import DecisionKind, MeetingDecision
from workflows.meetings.services import (
    agenda_add,
    attendance_record,
    meeting_condition,
    meeting_intervention,
    meeting_judgement,
    meeting_schedule,
    minutes_record,
)


def _meeting(region):
    at = timezone.make_aware(datetime.combine(in_days(1), time(10, 0)))
    return meeting_schedule(actor=region.coordinator, team=region.team, scheduled_at=at, chair=region.coordinator)


def _agenda(region, meeting, n):
    cases = [open_case(region, family_name=f"Gezin {i}") for i in range(n)]
    return [agenda_add(actor=region.coordinator, meeting=meeting, case=case) for case in cases]


def test_only_a_coordinator_of_the_team_plans_a_meeting_and_builds_its_agenda(region):
    at = timezone.make_aware(datetime.combine(in_days(1), time(10, 0)))
    with pytest.raises(PermissionDenied):
        meeting_schedule(actor=region.cvc_user, team=region.team, scheduled_at=at, chair=region.cvc_user)
    meeting = _meeting(region)
    case = open_case(region)
    with pytest.raises(PermissionDenied):
        agenda_add(actor=region.vt_user, meeting=meeting, case=case)
    other_team_case = open_case(make_region())
    with pytest.raises(ValidationError, match="team van dit overleg"):
        agenda_add(actor=region.coordinator, meeting=meeting, case=other_team_case)
    agenda_add(actor=region.coordinator, meeting=meeting, case=case)
    with pytest.raises(ValidationError, match="al op de agenda"):
        agenda_add(actor=region.coordinator, meeting=meeting, case=case)


def test_a_full_meeting_agrees_actions_and_each_organisation_sees_its_own(region):
    meeting = _meeting(region)
    first, second, third = _agenda(region, meeting, 3)
    for user, organisation in (
        (region.coordinator, region.cvc),
        (region.vt_user, region.vt),
        (region.gi_user, region.gi),
    ):
        attendance_record(actor=region.coordinator, meeting=meeting, user=user, organisation=organisation)
    minutes_record(actor=region.coordinator, item=first, minutes="Zorgen besproken", expected_version=first.version)
    judgement = meeting_judgement(
        actor=region.coordinator,
        item=first,
        classification="structureel",
        joint_score=3,
        rationale="Structurele zorgen",
        parents_present=True,
        dissents=[(region.gi, "Wij zien acute onveiligheid")],
    )
    onderzoek = meeting_intervention(
        actor=region.coordinator,
        item=first,
        kind="vt_onderzoek",
        responsible_organisation=region.vt,
        responsible_professional=region.vt_user,
        start_date=in_days(0),
        due_date=in_days(70),
    )
    plan = meeting_intervention(
        actor=region.coordinator,
        item=first,
        kind="veiligheidsplan",
        responsible_organisation=region.cvc,
        responsible_professional=region.cvc_user,
        start_date=in_days(0),
        due_date=in_days(14),
    )
    condition = meeting_condition(
        actor=region.coordinator,
        item=first,
        description="Vader slaapt elders",
        owner_organisation=region.gi,
        owner=region.gi_user,
        check_date=in_days(7),
    )

    # The agreement record: the partners present agreed, in this meeting.
    assert set(onderzoek.agreed_by.all()) == {region.cvc, region.vt, region.gi}
    kinds = list(MeetingDecision.objects.filter(agenda_item=first).values_list("kind", flat=True))
    assert kinds == [
        DecisionKind.ASSESSMENT,
        DecisionKind.INTERVENTION,
        DecisionKind.INTERVENTION,
        DecisionKind.CONDITION,
    ]
    assert onderzoek.meeting_decision.agenda_item.meeting == meeting
    assert condition.judgement == judgement
    assert first.case.timeline.filter(kind=EventKind.DISCUSSED_IN_MEETING).count() == 1

    today = timezone.localdate()
    vt_actions = actions_of_my_organisations(region.vt_user, today=today)
    assert [i.pk for i in vt_actions.interventions] == [onderzoek.pk] and vt_actions.conditions == []
    cvc_actions = actions_of_my_organisations(region.cvc_user, today=today)
    assert [i.pk for i in cvc_actions.interventions] == [plan.pk] and cvc_actions.conditions == []
    gi_actions = actions_of_my_organisations(region.gi_user, today=today)
    assert gi_actions.interventions == [] and [c.pk for c in gi_actions.conditions] == [condition.pk]
    assert second.discussed_at is None and third.discussed_at is None


def test_the_action_list_shows_only_open_actions_on_cases_the_user_may_see(region, login_verified, client):
    case = open_case(region)
    judge(region, case)
    kept = intervention_agree(
        actor=region.cvc_user,
        case=case,
        kind="vt_onderzoek",
        responsible_organisation=region.vt,
        responsible_professional=region.vt_user,
        start_date=in_days(-20),
        due_date=in_days(-1),
    )
    done = intervention_agree(
        actor=region.cvc_user,
        case=case,
        kind="overig",
        responsible_organisation=region.vt,
        responsible_professional=region.vt_user,
        start_date=in_days(0),
        due_date=in_days(5),
    )
    intervention_start(actor=region.vt_user, intervention=done, expected_version=done.version)
    intervention_stop(actor=region.vt_user, intervention=done, result="Niet meer nodig", expected_version=done.version)
    # A VT colleague who does not take part in the case sees nothing of it.
    colleague = MembershipFactory(team=region.team, organisation=region.vt).user

    login_verified(client, region.vt_user)
    page = client.get(reverse("my-actions"))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("intervention-detail", kwargs={"case_id": case.pk, "intervention_id": kept.pk}) in body
    assert reverse("intervention-detail", kwargs={"case_id": case.pk, "intervention_id": done.pk}) not in body
    assert "verlopen" in body
    login_verified(client, colleague)
    assert case.reference not in client.get(reverse("my-actions")).content.decode()


def test_only_members_of_the_team_can_open_a_meeting(region, login_verified, client):
    meeting = _meeting(region)
    _agenda(region, meeting, 1)
    url = reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})
    outsider = make_region().coordinator
    login_verified(client, outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("meeting-detail", kwargs={"meeting_id": 999999})).status_code == 404
    login_verified(client, region.vt_user)
    assert client.get(url).status_code == 200


def test_a_team_member_sees_a_meeting_only_when_involved_in_it(region, login_verified, client):
    meeting = _meeting(region)
    _agenda(region, meeting, 1)
    url = reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})
    colleague = MembershipFactory(team=region.team, organisation=region.vt).user
    login_verified(client, colleague)
    assert client.get(url).status_code == 404
    attendance_record(actor=region.coordinator, meeting=meeting, user=colleague, organisation=region.vt)
    assert client.get(url).status_code == 200


def test_a_member_without_access_to_an_agenda_case_sees_no_case_content(region, login_verified, client):
    meeting = _meeting(region)
    (item,) = _agenda(region, meeting, 1)
    not_involved = MembershipFactory(team=region.team, organisation=region.vt).user
    # Present at the meeting, but not a participant of the case.
    attendance_record(actor=region.coordinator, meeting=meeting, user=not_involved, organisation=region.vt)
    login_verified(client, not_involved)
    body = client.get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert "Gezin 0" not in body and "geen toegang" in body
    item_url = reverse("meeting-item", kwargs={"meeting_id": meeting.pk, "item_id": item.pk})
    assert client.get(item_url).status_code == 404


def test_the_chairs_view_shows_family_judgement_open_and_overdue_actions(region, login_verified, client):
    meeting = _meeting(region)
    (item,) = _agenda(region, meeting, 1)
    judge(region, item.case, score=2, classification="acute")
    meeting_intervention(
        actor=region.coordinator,
        item=item,
        kind="ots",
        responsible_organisation=region.gi,
        responsible_professional=region.gi_user,
        start_date=in_days(-30),
        due_date=in_days(-2),
    )
    login_verified(client, region.coordinator)
    before = access_log_rows().filter(case_id=item.case_id, detail=f"meeting:{meeting.pk}").count()
    body = client.get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert "Gezin 0" in body and "acute onveiligheid, score 2" in body
    assert "ondertoezichtstelling (OTS)" in body and "1 actie verlopen" in body
    assert access_log_rows().filter(case_id=item.case_id, detail=f"meeting:{meeting.pk}").count() == before + 1


def test_decisions_are_taken_in_the_meeting_view_and_bad_input_saves_nothing(region, login_verified, client):
    meeting = _meeting(region)
    (item,) = _agenda(region, meeting, 1)
    judge(region, item.case)
    url = reverse("meeting-item", kwargs={"meeting_id": meeting.pk, "item_id": item.pk})
    login_verified(client, region.coordinator)
    assert client.get(url).status_code == 200
    bad = {
        "kind": "intervention",
        "intervention-kind": "vt_onderzoek",
        "intervention-responsible_organisation": region.vt.pk,
        "intervention-responsible_professional": region.vt_user.pk,
        "intervention-start_date": in_days(5).isoformat(),
        "intervention-due_date": in_days(1).isoformat(),
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "De einddatum kan niet vóór de startdatum liggen." in response.content.decode()
    assert not Intervention.objects.exists()
    good = {**bad, "intervention-due_date": in_days(30).isoformat()}
    assert client.post(url, good).status_code == 302
    assert MeetingDecision.objects.get().intervention.responsible_organisation == region.vt


@pytest.mark.parametrize("agenda_size", [3, 15])
def test_the_meeting_view_uses_a_fixed_number_of_queries(
    region, login_verified, client, agenda_size, django_assert_num_queries
):
    meeting = _meeting(region)
    for item in _agenda(region, meeting, agenda_size):
        judge(region, item.case)
        meeting_intervention(
            actor=region.cvc_user,
            item=item,
            kind="veiligheidsplan",
            responsible_organisation=region.cvc,
            responsible_professional=region.cvc_user,
            start_date=in_days(-10),
            due_date=in_days(-1),
        )
        meeting_condition(
            actor=region.cvc_user,
            item=item,
            description="Afspraak",
            owner_organisation=region.vt,
            owner=region.vt_user,
            check_date=in_days(3),
        )
    attendance_record(actor=region.coordinator, meeting=meeting, user=region.vt_user, organisation=region.vt)
    login_verified(client, region.coordinator)
    url = reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})
    with django_assert_num_queries(QUERIES_MEETING_VIEW):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="agenda-case"') == agenda_size


# Session, user, OTP device, memberships (once per request), the meeting, the agenda with its prefetches,
# the forms (with the organisations to list attendees from), the cases proposed for the agenda, the badge;
# the session is not saved on every request any more; the agenda cases' safety plans (one query when none).
QUERIES_MEETING_VIEW = 21


def test_the_meeting_api_shows_meetings_to_team_members_only(region, login_verified, client):
    meeting = _meeting(region)
    _agenda(region, meeting, 2)
    login_verified(client, region.gi_user)
    listed = client.get("/api/v1/meetings/").json()["results"]
    detail = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [m["id"] for m in listed] == [meeting.pk] and len(detail["agenda_items"]) == 2
    assert "agenda_items" not in listed[0]  # the list carries no case ids or minutes
    login_verified(client, make_region().coordinator)
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert client.get("/api/v1/meetings/").json()["results"] == []


def test_the_meeting_api_hides_case_and_minutes_of_an_agenda_case_the_caller_may_not_see(
    region, login_verified, client
):
    meeting = _meeting(region)
    (item,) = _agenda(region, meeting, 1)
    minutes_record(actor=region.coordinator, item=item, minutes="Vertrouwelijk verslag", expected_version=None)
    not_involved = MembershipFactory(team=region.team, organisation=region.vt).user
    attendance_record(actor=region.coordinator, meeting=meeting, user=not_involved, organisation=region.vt)
    login_verified(client, not_involved)
    response = client.get(f"/api/v1/meetings/{meeting.pk}/")
    assert response.status_code == 200
    assert response.json()["agenda_items"] == [
        {
            "id": item.pk,
            "position": item.position,
            "discussed_at": response.json()["agenda_items"][0]["discussed_at"],
            "case": None,
            "minutes": None,
            "snapshot": None,
        }
    ]
    assert "Vertrouwelijk" not in response.content.decode()
    client.logout()
    login_verified(client, region.coordinator)
    before = access_log_rows().filter(case_id=item.case_id, detail=f"meeting:{meeting.pk}").count()
    row = client.get(f"/api/v1/meetings/{meeting.pk}/").json()["agenda_items"][0]
    assert (row["case"], row["minutes"]) == (item.case_id, "Vertrouwelijk verslag")
    assert access_log_rows().filter(case_id=item.case_id, detail=f"meeting:{meeting.pk}").count() == before + 1


def _offered(body: str) -> str:
    """The options of the attendance field."""
    start = body.index('<select name="member"')
    return body[start : body.index("</select>", start)]


def _option(user) -> str:
    return f">{user}</option>"


def test_the_chairs_view_logs_the_visible_agenda_cases_in_one_batch_and_the_chain_holds(region, login_verified, client):
    meeting = _meeting(region)
    first = agenda_add(actor=region.coordinator, meeting=meeting, case=open_case(region, family_name="Gezin A"))
    hidden = open_case(region, family_name="Gezin B", with_partners=False)  # VT does not take part
    agenda_add(actor=region.coordinator, meeting=meeting, case=hidden)
    third = agenda_add(actor=region.coordinator, meeting=meeting, case=open_case(region, family_name="Gezin C"))
    login_verified(client, region.vt_user)
    before = access_log_rows().order_by("-id").values_list("id", flat=True).first() or 0

    assert client.get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})).status_code == 200

    rows = list(access_log_rows().filter(id__gt=before, detail=f"meeting:{meeting.pk}").order_by("id"))
    assert [row.case_id for row in rows] == [first.case_id, third.case_id]
    assert {(row.action, row.outcome, row.user_id) for row in rows} == {("read", "allowed", region.vt_user.pk)}
    assert rows[1].prev_hash == rows[0].hash
    assert access_log_verify().findings == []


def test_the_attendance_list_offers_the_agenda_partners_and_lists_any_organisation_on_request(
    region, login_verified, client
):
    meeting = _meeting(region)
    _agenda(region, meeting, 1)  # VT and the GI take part in the case
    vt_colleague = MembershipFactory(team=region.team, organisation=region.vt).user
    login_verified(client, region.coordinator)
    url = reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})

    offered = _offered(client.get(url).content.decode())
    assert f'<optgroup label="{region.vt.name}">' in offered and f'<optgroup label="{region.gi.name}">' in offered
    assert all(_option(user) in offered for user in (region.vt_user, region.gi_user, region.coordinator))
    assert _option(vt_colleague) not in offered

    offered = _offered(client.get(url, {"organisation": region.vt.pk}).content.decode())
    assert _option(vt_colleague) in offered and _option(region.vt_user) in offered
    assert _option(region.gi_user) not in offered and _option(region.coordinator) not in offered

    # Anyone of the team can be recorded, offered by default or not.
    member = Membership.objects.get(user=vt_colleague, team=region.team)
    response = client.post(reverse("meeting-attendance-add", kwargs={"meeting_id": meeting.pk}), {"member": member.pk})
    assert response.status_code == 302
    assert list(meeting.attendances.values_list("user_id", flat=True)) == [vt_colleague.pk]
    assert _option(vt_colleague) not in _offered(client.get(url, {"organisation": region.vt.pk}).content.decode())


def test_stale_minutes_come_back_as_stored_with_ones_own_text_beside_them(region, login_verified, client):
    from django.test import Client

    meeting = _meeting(region)
    (item,) = _agenda(region, meeting, 1)
    url = reverse("meeting-item", kwargs={"meeting_id": meeting.pk, "item_id": item.pk})
    other_tab = Client()
    login_verified(other_tab, region.coordinator)
    login_verified(client, region.coordinator)
    loaded = form_data(client.get(url).content.decode(), with_field="minutes-version")
    saved = {**form_data(other_tab.get(url).content.decode(), with_field="minutes-version"), "kind": "minutes"}
    assert other_tab.post(url, {**saved, "minutes-minutes": "Zorgen besproken"}).status_code == 302

    stale = client.post(url, {**loaded, "kind": "minutes", "minutes-minutes": "Plan afgesproken"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert re.search(
        r"Verslag <span class=\"tag\">gewijzigd door een collega</span></th>\s*<td>Zorgen besproken</td>"
        r"\s*<td>Plan afgesproken</td>",
        body,
    )
    item.refresh_from_db()
    reshown = form_data(body, with_field="minutes-version")
    assert (reshown["minutes-minutes"], reshown["minutes-version"]) == ("Zorgen besproken", str(item.version))
    without_version = {**reshown, "kind": "minutes", "minutes-minutes": "x", "minutes-version": ""}
    assert client.post(url, without_version).status_code == 400
    item.refresh_from_db()
    assert item.minutes == "Zorgen besproken"
