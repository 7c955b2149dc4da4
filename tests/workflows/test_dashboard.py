"""Termijnen: the coordinator's dashboard, Mijn termijnen, the API and the notifications, within need-to-know."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workflows.conftest import at
from workflows.models import Deadline, Notification
from workflows.reminders import reminders_sweep


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def test_the_coordinator_sees_the_teams_overdue_deadlines_with_links(region, client, login_verified):
    case = region.open_case(opened_at=at(2026, 5, 13, 10))  # overdue by now
    login_verified(client, region.coordinator)
    response = client.get("/termijnen/")
    body = response.content.decode()
    assert response.status_code == 200
    deadline = Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling")
    assert f"/termijnen/{deadline.pk}/" in body and case.reference in body
    assert "Testfamilie" not in body


def test_the_dashboard_query_count_does_not_grow_with_the_data(region, client, login_verified):
    login_verified(client, region.coordinator)
    region.open_case(opened_at=at(2026, 5, 13, 10))
    client.get("/termijnen/")
    with CaptureQueriesContext(connection) as few:
        client.get("/termijnen/")
    for _ in range(5):
        region.open_case(opened_at=at(2026, 5, 13, 10))
    with CaptureQueriesContext(connection) as many:
        client.get("/termijnen/")
    assert len(many) == len(few)


def test_a_professional_sees_only_deadlines_of_cases_they_may_see(region, client, login_verified):
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    deadline = Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling")
    login_verified(client, region.outsider)
    assert client.get(f"/termijnen/{deadline.pk}/").status_code == 404
    assert client.get("/api/v1/deadlines/").json()["count"] == 0
    login_verified(client, region.cvc)
    assert client.get(f"/termijnen/{deadline.pk}/").status_code == 200
    assert case.reference in client.get("/termijnen/mijn/").content.decode()


def test_the_api_filters_deadlines_by_case_state_and_due_range_in_fixed_queries(
    region, client, login_verified, django_assert_max_num_queries
):
    first = region.open_case(opened_at=at(2026, 5, 13, 10))
    region.open_case(opened_at=at(2027, 6, 7, 10))
    login_verified(client, region.cvc)
    data = client.get("/api/v1/deadlines/", {"state": "overdue"}).json()
    assert {row["case"] for row in data["results"]} == {first.pk}
    data = client.get("/api/v1/deadlines/", {"due_from": "2027-01-01T00:00:00+01:00"}).json()
    assert data["count"] == 1 and data["results"][0]["due_at"].startswith("2027-06-21")
    assert client.get("/api/v1/deadlines/", {"case": first.pk}).json()["count"] == 1
    assert client.get("/api/v1/deadlines/", {"state": "bogus"}).status_code == 400
    for _ in range(5):
        region.open_case(opened_at=at(2027, 6, 7, 10))
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/deadlines/").json()["count"] == 7


def test_the_bell_counts_unread_notifications_and_mark_read_clears_it(region, client, login_verified):
    region.open_case(opened_at=at(2027, 6, 7, 10))
    reminders_sweep(now=at(2027, 6, 17, 8, 0))
    login_verified(client, region.cvc)
    assert 'class="badge">1<' in client.get("/meldingen/").content.decode()
    assert client.get("/api/v1/notifications/").json()["count"] == 1
    client.post("/meldingen/gelezen/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'class="badge"' not in client.get("/meldingen/").content.decode()
