"""The .ics feeds: a secret revocable URL (token stored hashed), all-day items on the due date with a
stable UID, reference numbers only; the coordinator's team feed re-checked at every fetch and logged
per case."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.access_log.services import access_log_rows
from cases.services import case_open
from partners.models import Membership, Role
from partners.services import membership_end, user_deactivate
from tests.factories import MembershipFactory
from tests.world import MEMBERS_SINCE, at
from workflows.deadlines.inbox import calendar_feed_create, calendar_feed_revoke
from workflows.deadlines.models import CalendarFeedToken, Deadline, FeedScope


def _events(body: str) -> list[dict[str, str]]:
    """The VEVENTs of a feed as {property (with its parameters): value}, unfolded (RFC 5545 3.1)."""
    unfolded = body.replace("\r\n ", "")
    events = []
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT\r\n", unfolded, flags=re.S):
        events.append(dict(line.split(":", 1) for line in block.split("\r\n") if line))
    return events


def _new_log_rows(before: int) -> list[tuple]:
    rows = access_log_rows().order_by("id")[before:]
    return list(rows.values_list("username", "action", "outcome", "case_id", "detail"))


def test_the_feed_lists_my_deadlines_by_reference_without_names_each_logged_with_its_case(region, client):
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    token = calendar_feed_create(user=region.cvc_user)
    before = access_log_rows().count()
    response = client.get(f"/termijnen/agenda/{token}.ics")
    body = response.content.decode()
    assert _new_log_rows(before) == [(region.cvc_user.username, "read", "allowed", case.pk, "ics feed:mine")]
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    [event] = _events(body)
    assert case.reference in event["SUMMARY"]
    assert "Testfamilie" not in body and region.cvc_user.get_full_name() not in body


def test_an_item_is_all_day_on_the_local_due_date_with_a_uid_that_stays_the_same(region, client):
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    deadline = Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling")
    # 23:30 in Amsterdam on 21 June is 21:30 UTC: still the 21st on the calendar.
    Deadline.objects.filter(pk=deadline.pk).update(due_at=at(2027, 6, 21, 23, 30))
    token = calendar_feed_create(user=region.cvc_user)
    [first] = _events(client.get(f"/termijnen/agenda/{token}.ics").content.decode())
    assert first["DTSTART;VALUE=DATE"] == "20270621" and first["DTEND;VALUE=DATE"] == "20270622"
    assert "DTSTART" not in first and "DTEND" not in first  # no timed variant beside the dates
    [again] = _events(client.get(f"/termijnen/agenda/{token}.ics").content.decode())
    assert first["UID"] == again["UID"] == f"deadline-{deadline.pk}@testserver"
    # Across the year's end: DTEND is the next calendar day.
    Deadline.objects.filter(pk=deadline.pk).update(due_at=at(2027, 12, 31, 12))
    [late] = _events(client.get(f"/termijnen/agenda/{token}.ics").content.decode())
    assert (late["DTSTART;VALUE=DATE"], late["DTEND;VALUE=DATE"]) == ("20271231", "20280101")


def test_the_token_is_stored_hashed_and_stops_working_when_revoked_or_replaced(region, client):
    token = calendar_feed_create(user=region.cvc_user)
    assert not CalendarFeedToken.objects.filter(token_hash=token).exists()
    newer = calendar_feed_create(user=region.cvc_user)
    assert client.get(f"/termijnen/agenda/{token}.ics").status_code == 404
    assert client.get(f"/termijnen/agenda/{newer}.ics").status_code == 200
    calendar_feed_revoke(user=region.cvc_user)
    assert client.get(f"/termijnen/agenda/{newer}.ics").status_code == 404


def _team_feed_url(region, login_verified) -> str:
    """The coordinator makes the team feed on its page; the address is shown once."""
    browser = Client()
    login_verified(browser, region.coordinator)
    assert "Adres maken" in browser.get("/termijnen/agenda/team/").content.decode()
    body = browser.post("/termijnen/agenda/team/", {"action": "create"}).content.decode()
    [url] = re.findall(r"<code>http://testserver(/termijnen/agenda/[^<]+\.ics)</code>", body)
    assert "Adres maken" not in browser.get("/termijnen/agenda/team/").content.decode()  # shown once only
    return url


def _other_teams_case(region):
    membership = Membership.objects.filter(user=region.outsider).first()
    return case_open(
        actor=region.outsider,
        team=membership.team,
        municipality=membership.team.municipalities.first(),
        family_name="Gezin Elders",
        intake="signaal_lokaal_team",
        reported_on=date(2026, 5, 13),
        opened_at=at(2027, 6, 7, 10),
    )


def test_the_team_feed_works_without_a_session_and_shows_every_open_deadline_of_the_teams_cases(region, login_verified):
    mine = region.open_case(opened_at=at(2027, 6, 7, 10))
    colleagues = region.open_case(opened_at=at(2027, 6, 8, 10), actor=region.vt_user)
    elsewhere = _other_teams_case(region)
    url = _team_feed_url(region, login_verified)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeedToken.objects.get(user=region.coordinator, scope=FeedScope.TEAM).token_hash != token

    before = access_log_rows().count()
    calendar_app = Client()  # no session, no cookies: the token is the key
    response = calendar_app.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "X-WR-CALNAME:Termijnen van het team" in body
    summaries = " ".join(event["SUMMARY"] for event in _events(body))
    assert mine.reference in summaries and colleagues.reference in summaries
    assert elsewhere.reference not in summaries  # another team's case: not the coordinator's to see
    assert "Testfamilie" not in body and "Elders" not in body
    logged = _new_log_rows(before)
    assert {row[3] for row in logged} == {mine.pk, colleagues.pk}  # one row per case in the feed
    assert {row[:3] + row[4:] for row in logged} == {(region.coordinator.username, "read", "allowed", "ics feed:team")}


def test_a_revoked_team_feed_answers_not_found(region, client, login_verified):
    region.open_case(opened_at=at(2027, 6, 7, 10))
    url = _team_feed_url(region, login_verified)
    login_verified(client, region.coordinator)
    client.post("/termijnen/agenda/team/", {"action": "revoke"})
    assert not CalendarFeedToken.objects.filter(user=region.coordinator, scope=FeedScope.TEAM).exists()
    assert Client().get(url).status_code == 404


def test_the_team_feed_ends_with_the_coordinators_membership_and_the_refusal_is_logged(region, login_verified):
    region.open_case(opened_at=at(2027, 6, 7, 10))
    url = _team_feed_url(region, login_verified)
    admin = MembershipFactory(
        team=region.team, organisation=region.cvc, role=Role.FUNCTIONAL_ADMIN, start_date=MEMBERS_SINCE
    ).user
    membership_end(actor=admin, membership=Membership.objects.get(user=region.coordinator, role=Role.COORDINATOR))
    before = access_log_rows().count()
    response = Client().get(url)
    assert response.status_code == 410 and "BEGIN:VCALENDAR" not in response.content.decode()
    assert _new_log_rows(before) == [(region.coordinator.username, "search", "denied", None, "ics feed:team")]


def test_a_deactivated_users_feeds_answer_not_found(region, login_verified):
    url = _team_feed_url(region, login_verified)
    mine = calendar_feed_create(user=region.coordinator)
    admin = MembershipFactory(
        team=region.team, organisation=region.cvc, role=Role.FUNCTIONAL_ADMIN, start_date=MEMBERS_SINCE
    ).user
    user_deactivate(actor=admin, user=region.coordinator)
    assert Client().get(url).status_code == 404
    assert Client().get(f"/termijnen/agenda/{mine}.ics").status_code == 404


def test_only_a_coordinator_can_subscribe_to_the_team_feed(region, client, login_verified):
    with pytest.raises(PermissionDenied):
        calendar_feed_create(user=region.cvc_user, scope=FeedScope.TEAM)
    login_verified(client, region.cvc_user)
    assert client.get("/termijnen/agenda/team/").status_code == 404
    assert client.post("/termijnen/agenda/team/", {"action": "create"}).status_code == 404
    assert not CalendarFeedToken.objects.filter(user=region.cvc_user).exists()
    assert Client().get("/termijnen/agenda/team/").status_code == 302  # the page itself needs a login


def test_the_team_feed_lists_deadlines_in_a_fixed_number_of_queries(region, login_verified):
    region.open_case(opened_at=at(2027, 6, 7, 10))
    url = _team_feed_url(region, login_verified)
    calendar_app = Client()
    calendar_app.get(url)
    with CaptureQueriesContext(connection) as few:
        calendar_app.get(url)
    for _ in range(4):
        region.open_case(opened_at=at(2027, 6, 7, 10))
    with CaptureQueriesContext(connection) as many:
        assert len(_events(calendar_app.get(url).content.decode())) == 5
    assert len(many) == len(few) == 8
