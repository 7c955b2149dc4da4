"""Only evaluators (and superusers) reach the metrics; evaluators reach nothing else of a case."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.access_log.models import AccessAction
from cases.access_log.services import access_log_rows
from cases.selectors import cases_visible_to
from metrics.models import ExportJob
from partners.models import Role
from tests import factories
from tests.metrics import scenario

RANGE = {"date_from": "2025-01-01", "date_to": "2025-06-30", "granularity": "month"}


def test_the_dashboard_shows_suppressed_tables_charts_and_definitions_to_an_evaluator(
    scenario_region, client, login_verified
):
    login_verified(client, scenario_region.evaluator)
    response = client.get(reverse("metrics-dashboard"), RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<table" in html and "Doorlooptijden" in html and "Een overdracht is" in html
    assert ">x<" in html  # 3 cases: the small counts are suppressed on the page too
    for secret in scenario.SECRET_STRINGS:
        assert secret not in html
    assert "<script>" not in html and "cdn" not in html.lower()


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.COORDINATOR, Role.FUNCTIONAL_ADMIN, Role.PRIVACY_OFFICER])
def test_everyone_else_gets_not_found(scenario_region, client, login_verified, role):
    user = factories.MembershipFactory(team=scenario_region.team, role=role).user
    login_verified(client, user)
    for name in ("metrics-dashboard", "metrics-exports"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get("/api/v1/metrics/", RANGE).status_code == 404
    assert client.get("/api/v1/exports/").status_code == 404


def test_a_superuser_may_open_the_dashboard(scenario_region, client, login_verified):
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    login_verified(client, admin)
    assert client.get(reverse("metrics-dashboard"), RANGE).status_code == 200


def test_the_menu_shows_evaluatie_to_evaluators_only(scenario_region, client, login_verified):
    login_verified(client, scenario_region.evaluator)
    assert "Evaluatie" in client.get(reverse("home")).content.decode()
    client.logout()
    login_verified(client, scenario_region.users["p1"])
    assert "Evaluatie" not in client.get(reverse("home")).content.decode()


def test_the_case_menu_items_are_for_professionals_and_coordinators_only(scenario_region, client, login_verified):
    names = ("my-cases", "team-cases", "meeting-list", "deadline-dashboard")
    case_items = [f'href="{reverse(name)}"' for name in names]
    login_verified(client, scenario_region.evaluator)
    menu = client.get(reverse("home")).content.decode()
    assert not [item for item in case_items if item in menu]
    client.logout()
    login_verified(client, scenario_region.users["p1"])
    menu = client.get(reverse("home")).content.decode()
    # A professional's menu has every case item but "Teamzaken", which is the coordinator's.
    assert [item for item in case_items if item not in menu] == [f'href="{reverse("team-cases")}"']


def test_an_evaluator_reaches_no_case_person_or_note(scenario_region, client, login_verified):
    login_verified(client, scenario_region.evaluator)
    assert not cases_visible_to(scenario_region.evaluator).exists()
    case = scenario_region.cases["VT-A"]
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("note-add", args=[case.pk])).status_code == 404
    person = case.persons.first()
    assert client.get(reverse("person-edit", args=[person.pk])).status_code == 404


def test_the_metrics_api_answers_suppressed_json_and_logs_it(scenario_region, client, login_verified):
    login_verified(client, scenario_region.evaluator)
    response = client.get("/api/v1/metrics/", RANGE)
    assert response.status_code == 200
    tables = response.json()["tables"]
    assert tables["cases_by_status"]["total"] is None and tables["cases_by_status"]["suppressed_cells"] > 0
    entry = access_log_rows().filter(action=AccessAction.EXPORT).order_by("-id").first()
    assert entry.user_id == scenario_region.evaluator.pk and "api-aggregates" in entry.detail


def test_the_exports_api_creates_and_lists_only_own_jobs(scenario_region, client, login_verified):
    other = factories.MembershipFactory(team=scenario_region.team, role=Role.EVALUATOR).user
    ExportJob.objects.create(requester=other, kind="events", format="csv", expires_at="2100-01-01T00:00Z")
    login_verified(client, scenario_region.evaluator)
    created = client.post("/api/v1/exports/", {**RANGE, "kind": "aggregates", "format": "json"})
    assert created.status_code == 201 and created.json()["status"] == "queued"
    listed = client.get("/api/v1/exports/").json()["results"]
    assert [job["id"] for job in listed] == [created.json()["id"]]
    foreign = ExportJob.objects.get(requester=other)
    assert client.get(f"/api/v1/exports/{foreign.pk}/").status_code == 404
    assert client.get(f"/api/v1/exports/{created.json()['id']}/").json()["progress"] == 0


def test_without_postgresql_an_export_is_refused_with_the_reason_on_the_page_and_in_the_api(
    scenario_region, client, login_verified, monkeypatch
):
    # The SQLite quick start: the extract's SQL is PostgreSQL's, so no job is queued to fail later.
    monkeypatch.setattr("metrics.services.computable", lambda: False)
    monkeypatch.setattr("metrics.views.computable", lambda: False)
    login_verified(client, scenario_region.evaluator)
    reason = "worden berekend in PostgreSQL"
    assert reason in client.get(reverse("metrics-exports")).content.decode()
    page = client.post(reverse("metrics-exports"), {**RANGE, "kind": "events", "format": "csv"})
    api = client.post("/api/v1/exports/", {**RANGE, "kind": "aggregates", "format": "json"})
    assert (page.status_code, api.status_code) == (400, 400)
    assert reason in page.content.decode() and reason in str(api.json())
    assert not ExportJob.objects.exists()


def test_dashboard_query_count_does_not_grow_with_the_data(scenario_region, client, login_verified):
    login_verified(client, scenario_region.evaluator)
    client.get(reverse("metrics-dashboard"), RANGE)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("metrics-dashboard"), RANGE).status_code == 200
    scenario.build_more(scenario_region, cases=12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("metrics-dashboard"), RANGE).status_code == 200
    assert len(small) == len(large)
    # session, user, device, memberships (read once for every role check), savepoints, the two filter
    # lists, one query per metric table (or group of tables), the stock and the statutory rules for the
    # norms; no session save (at most once a minute). The safety plans' two tables are one query.
    assert len(large) == 24
