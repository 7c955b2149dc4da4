"""Termijnen: the coordinator's dashboard, Mijn termijnen, the API and the notifications, within need-to-know."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.access_log.services import access_log_rows
from tests.world import at
from workflows.deadlines import selectors as deadline_selectors
from workflows.deadlines.models import Deadline, Notification
from workflows.deadlines.reminders import reminders_sweep


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def test_the_coordinator_sees_the_teams_overdue_deadlines_with_the_family_and_links(region, client, login_verified):
    case = region.open_case(opened_at=at(2026, 5, 13, 10))  # overdue by now
    login_verified(client, region.coordinator)
    response = client.get("/termijnen/")
    body = response.content.decode()
    assert response.status_code == 200
    deadline = Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling")
    row = re.search(rf'<tr[^>]*>\s*<td><a href="/zaken/{case.pk}/">{case.reference}</a></td>(.*?)</tr>', body, re.S)
    assert row, "the row links the case page by its reference"
    assert "<td>Gezin Testfamilie</td>" in row[1] and f'<a href="/termijnen/{deadline.pk}/">' in row[1]


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
    before = access_log_rows().count()
    assert client.get(f"/termijnen/{deadline.pk}/").status_code == 404
    refused = list(access_log_rows().order_by("id")[before:].values_list("case_id", "outcome", "username"))
    assert refused == [(case.pk, "denied", region.outsider.username)]  # the attempt is logged
    assert client.get("/api/v1/deadlines/").json()["count"] == 0
    login_verified(client, region.cvc_user)
    assert client.get(f"/termijnen/{deadline.pk}/").status_code == 200
    assert case.reference in client.get("/termijnen/mijn/").content.decode()


def test_the_api_filters_deadlines_by_case_state_and_due_range_in_fixed_queries(
    region, client, login_verified, django_assert_max_num_queries
):
    first = region.open_case(opened_at=at(2026, 5, 13, 10))
    region.open_case(opened_at=at(2027, 6, 7, 10))
    login_verified(client, region.cvc_user)
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
    login_verified(client, region.cvc_user)
    assert 'class="badge">1<' in client.get("/meldingen/").content.decode()
    assert client.get("/api/v1/notifications/").json()["count"] == 1
    client.post("/meldingen/gelezen/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'class="badge"' not in client.get("/meldingen/").content.decode()


def test_each_section_shows_its_first_rows_with_its_count_and_pages_through_all_of_them(
    region, client, login_verified, monkeypatch
):
    monkeypatch.setattr(deadline_selectors, "SECTION_PREVIEW", 2)
    monkeypatch.setattr(deadline_selectors, "SECTION_PAGE_SIZE", 2)
    for _ in range(3):
        region.open_case(opened_at=at(2026, 5, 13, 10))  # overdue by now
    overdue = list(
        Deadline.objects.filter(state="open", due_at__lt=timezone.now())
        .order_by("due_at", "id")
        .values_list("pk", flat=True)
    )
    assert len(overdue) >= 3
    login_verified(client, region.coordinator)

    body = client.get("/termijnen/").content.decode()
    assert f"Verlopen ({len(overdue)})" in body
    assert [pk for pk in overdue if f'/termijnen/{pk}/"' in body] == overdue[:2]
    assert f'<a href="?section=overdue" aria-describedby="section-overdue">Alle {len(overdue)} tonen</a>' in body

    pages, seen = -(-len(overdue) // 2), []
    for page in range(1, pages + 1):
        body = client.get("/termijnen/", {"section": "overdue", "page": page}).content.decode()
        assert f"Verlopen ({len(overdue)})" in body and f"Pagina {page} van {pages}" in body
        assert "Per organisatie" not in body
        seen += [pk for pk in overdue if f'/termijnen/{pk}/"' in body]
    assert seen == overdue


def test_the_dashboard_counts_and_tallies_cover_every_open_deadline_of_the_week_not_only_those_shown(
    region, monkeypatch
):
    monkeypatch.setattr(deadline_selectors, "SECTION_PREVIEW", 1)
    for _ in range(8):  # one open deadline each
        region.open_case(opened_at=at(2026, 5, 13, 10))
    now = at(2026, 11, 16, 9)  # a Monday
    due = [
        at(2026, 11, 13, 9),
        at(2026, 11, 16, 8),
        at(2026, 11, 16, 17),
        at(2026, 11, 16, 18),
        at(2026, 11, 19, 12),
        at(2026, 11, 22, 23),
        at(2026, 11, 23, 1),
    ]
    open_ids = list(Deadline.objects.filter(state="open").order_by("id").values_list("pk", flat=True))
    assert len(open_ids) > len(due)
    for pk, due_at in zip(open_ids, due, strict=False):
        Deadline.objects.filter(pk=pk).update(due_at=due_at)
    Deadline.objects.filter(pk__in=open_ids[len(due) :]).update(due_at=at(2026, 12, 1, 9))  # after this week
    Deadline.objects.filter(pk=open_ids[0]).update(state="met")  # closed: not on the dashboard

    data = deadline_selectors.team_dashboard(region.coordinator, now=now)

    assert data["counts"] == {"overdue": 1, "today": 2, "week": 2, "next": 1, "later": 1}
    sections = data["sections"]
    assert [(s.count, len(s.rows), s.more) for s in sections.values()] == [
        (1, 1, False),
        (2, 1, True),
        (2, 1, True),
        (1, 1, False),
        (1, 1, False),
    ]
    assert [d.pk for d in sections["today"].rows] == [open_ids[2]]
    assert sum(row["overdue"] for row in data["per_organisation"]) == 1
    assert sum(row["total"] for row in data["per_organisation"]) == sum(row["total"] for row in data["per_rule"]) == 5


def test_the_case_lists_filter_on_cases_with_an_overdue_deadline(region, client, login_verified):
    late = region.open_case(opened_at=at(2026, 5, 13, 10))  # its joint assessment fell due in May 2026
    on_time = region.open_case(opened_at=timezone.now())
    login_verified(client, region.coordinator)
    everything = client.get("/teamzaken/").content.decode()
    overdue = client.get("/teamzaken/", {"overdue": "on"}).content.decode()
    assert 'name="overdue"' in everything  # the filter is offered
    assert late.reference in everything and on_time.reference in everything
    assert late.reference in overdue and on_time.reference not in overdue


def test_the_dashboard_shows_next_week_and_the_weeks_after_grouped_by_iso_week(region, client, login_verified):
    for _ in range(6):
        region.open_case(opened_at=at(2026, 5, 13, 10))
    now = at(2026, 11, 16, 9)  # Monday of week 47
    due = [
        at(2026, 11, 23, 0, 30),  # Monday of week 48: next week
        at(2026, 11, 29, 23, 59),  # its Sunday, late in the evening
        at(2026, 11, 30, 0, 1),  # week 49
        at(2026, 12, 11, 12),  # week 50
        at(2026, 12, 20, 23, 59),  # week 51, the last of "over 2–4 weken"
        at(2026, 12, 21, 9),  # week 52: beyond the dashboard
    ]
    open_ids = list(Deadline.objects.filter(state="open").order_by("id").values_list("pk", flat=True))
    Deadline.objects.filter(pk__in=open_ids).update(due_at=at(2027, 3, 1, 9))
    for pk, due_at in zip(open_ids, due, strict=False):
        Deadline.objects.filter(pk=pk).update(due_at=due_at)

    data = deadline_selectors.team_dashboard(region.coordinator, now=now)

    assert (data["counts"]["next"], data["counts"]["later"]) == (2, 3)
    assert [d.pk for d in data["sections"]["next"].rows] == open_ids[:2]
    weeks = [(week.label, [d.pk for d in week.rows]) for week in data["sections"]["later"].weeks]
    assert weeks == [
        ("week 49: 30 november t/m 6 december 2026", [open_ids[2]]),
        ("week 50: 7 t/m 13 december 2026", [open_ids[3]]),
        ("week 51: 14 t/m 20 december 2026", [open_ids[4]]),
    ]
    assert data["next_week"] == "week 48: 23 t/m 29 november 2026"
    assert data["per_rule"] == []  # the tallies stay this week's

    login_verified(client, region.coordinator)
    body = client.get("/termijnen/").content.decode()  # today: every one of these is overdue
    assert "Volgende week (" in body and "Over 2–4 weken (" in body


def test_a_week_across_the_new_year_is_labelled_with_both_years():
    from datetime import date

    assert deadline_selectors.week_label(date(2027, 1, 1)) == "week 53: 28 december 2026 t/m 3 januari 2027"
