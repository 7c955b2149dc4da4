"""The personal .ics feed: secret revocable URL, token stored hashed, reference numbers only."""

from cases.access_log.services import access_log_rows
from tests.world import at
from workflows.deadlines.inbox import calendar_feed_create, calendar_feed_revoke
from workflows.deadlines.models import CalendarFeedToken


def test_the_feed_lists_my_deadlines_by_reference_without_names(region, client):
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    token = calendar_feed_create(user=region.cvc_user)
    before = access_log_rows().count()
    response = client.get(f"/termijnen/agenda/{token}.ics")
    body = response.content.decode()
    [row] = access_log_rows().order_by("id")[before:]
    assert (row.username, row.action, row.detail) == (region.cvc_user.username, "search", "ics feed")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "END:VCALENDAR\r\n" in body
    assert case.reference in body and "DTEND:20270621T215959Z" in body
    assert "Testfamilie" not in body


def test_the_token_is_stored_hashed_and_stops_working_when_revoked_or_replaced(region, client):
    token = calendar_feed_create(user=region.cvc_user)
    assert not CalendarFeedToken.objects.filter(token_hash=token).exists()
    newer = calendar_feed_create(user=region.cvc_user)
    assert client.get(f"/termijnen/agenda/{token}.ics").status_code == 404
    assert client.get(f"/termijnen/agenda/{newer}.ics").status_code == 200
    calendar_feed_revoke(user=region.cvc_user)
    assert client.get(f"/termijnen/agenda/{newer}.ics").status_code == 404
