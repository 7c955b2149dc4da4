"""Frozen releases: a quarter published once keeps its bytes whatever happens to its cases later; a
correction is a new version with a changelog; publishing twice makes one release."""

import hashlib
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.access_log.models import AccessAction
from cases.access_log.services import access_log_rows
from cases.documents.models import ChildMeasure
from cases.interventions.models import Intervention
from cases.models import CaseStatus, EventKind
from cases.timeline import timeline_record
from metrics.models import MetricsRelease
from partners.models import Role
from tests import factories
from tests.metrics import scenario

PUBLISH = {"year": "2025", "quarter": "1", "changelog": ""}
API = "/api/v1/metrics/releases/"


def download(client, release, fmt="csv") -> bytes:
    response = client.get(reverse("metrics-release-download", args=[release.pk, fmt]))
    assert response.status_code == 200
    assert response["ETag"] == f'"{getattr(release, f"{fmt}_sha256")}"'
    return response.content


def correct_the_quarter(s) -> None:
    """Later edits of the quarter's cases: a status change, an OTS recorded for February afterwards, and
    the judge's OTS of case A's children recorded as lifted in February."""
    b = s.cases["VT-B"]
    b.status = CaseStatus.AFGESLOTEN
    b.save(update_fields=["status"])
    ots = Intervention.objects.create(
        case=b,
        kind="ots",
        responsible_organisation=s.orgs["gi"],
        responsible_professional=s.users["p4"],
        start_date=date(2025, 2, 20),
        due_date=date(2026, 2, 20),
        agreed_at=scenario.at(2025, 2, 20),
    )
    timeline_record(
        case=b,
        kind=EventKind.INTERVENTION_AGREED,
        occurred_at=scenario.at(2025, 2, 20),
        data={"intervention_id": ots.pk},
    )
    ChildMeasure.objects.filter(measure="ots").update(ended_on=date(2025, 2, 27), end_reason="opgeheven")


@pytest.fixture
def evaluator_client(scenario_region, client, login_verified):
    login_verified(client, scenario_region.evaluator)
    return client


def test_a_release_downloads_byte_identically_before_and_after_later_edits_of_its_cases(
    scenario_region, evaluator_client
):
    client = evaluator_client
    assert client.post(reverse("metrics-releases"), PUBLISH).status_code == 302
    release = MetricsRelease.objects.get()
    assert (release.version, release.label, release.changelog) == (1, "2025-K1", "")
    before_csv, before_json = download(client, release), download(client, release, "json")
    assert hashlib.sha256(before_csv).hexdigest() == release.csv_sha256
    text = before_csv.decode()
    assert "\r\nstock,2025-03-31," in text and "\r\nmeasures_ended," in text and "\r\ncases_with_measure," in text
    assert "Voorraad op de peildatum" in before_json.decode()
    for secret in scenario.SECRET_STRINGS:
        assert secret not in text

    correct_the_quarter(scenario_region)

    again = MetricsRelease.objects.get(pk=release.pk)
    assert download(client, again) == before_csv
    assert download(client, again, "json") == before_json


def test_a_correction_is_a_new_version_with_a_required_changelog_and_the_old_one_stays(
    scenario_region, evaluator_client
):
    client = evaluator_client
    client.post(reverse("metrics-releases"), PUBLISH)
    first = MetricsRelease.objects.get()
    original = download(client, first)
    correct_the_quarter(scenario_region)

    refused = client.post(reverse("metrics-releases"), PUBLISH)
    assert refused.status_code == 400
    assert "Beschrijf wat er is gecorrigeerd; de correctie wordt versie 2." in refused.content.decode()
    assert MetricsRelease.objects.count() == 1

    fixed = {**PUBLISH, "changelog": "Een OTS van februari was niet vastgelegd."}
    assert client.post(reverse("metrics-releases"), fixed).status_code == 302
    second = MetricsRelease.objects.get(version=2)
    assert second.changelog == "Een OTS van februari was niet vastgelegd."
    corrected = download(client, second)
    assert corrected != original and second.csv_sha256 != first.csv_sha256
    assert download(client, first) == original
    page = client.get(reverse("metrics-releases")).content.decode()
    assert "Een OTS van februari was niet vastgelegd." in page and "2025-K1" in page


def test_publishing_twice_makes_one_release(scenario_region, evaluator_client):
    client = evaluator_client
    first = client.post(reverse("metrics-releases"), PUBLISH)
    second = client.post(reverse("metrics-releases"), PUBLISH, follow=True)
    assert first.status_code == 302
    assert "geen nieuwe versie" in second.content.decode()
    assert MetricsRelease.objects.count() == 1
    api = client.post(API, {"year": 2025, "quarter": "1"}, content_type="application/json")
    assert api.status_code == 200 and api.json()["version"] == 1
    assert MetricsRelease.objects.count() == 1
    logged = [row for row in access_log_rows() if "metrics-release publish" in row.detail]
    assert len(logged) == 1 and logged[0].action == AccessAction.EXPORT


def test_a_release_row_can_be_neither_changed_nor_deleted(scenario_region, evaluator_client):
    evaluator_client.post(reverse("metrics-releases"), PUBLISH)
    release = MetricsRelease.objects.get()
    for change in (
        lambda: MetricsRelease.objects.filter(pk=release.pk).update(csv=b"anders"),
        lambda: MetricsRelease.objects.filter(pk=release.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert bytes(MetricsRelease.objects.get().csv) == bytes(release.csv)


def test_a_quarter_that_is_not_over_and_bad_input_are_a_400_in_dutch(scenario_region, evaluator_client):
    client = evaluator_client
    today = timezone.localdate()
    current = {"year": str(today.year), "quarter": str((today.month - 1) // 3 + 1)}
    response = client.post(API, current, content_type="application/json")
    assert response.status_code == 400 and "pas worden gepubliceerd als het voorbij is" in str(response.json())
    for body in ({"year": "２０２５", "quarter": "1"}, {"year": 1999, "quarter": "1"}, {"year": 2025, "quarter": 5}):
        assert client.post(API, body, content_type="application/json").status_code == 400
    assert client.post(API, [1, 2], content_type="application/json").status_code == 400
    assert not MetricsRelease.objects.exists()


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.COORDINATOR, Role.PRIVACY_OFFICER])
def test_only_evaluators_see_list_download_and_publish_releases(scenario_region, client, login_verified, role):
    login_verified(client, scenario_region.evaluator)
    client.post(reverse("metrics-releases"), PUBLISH)
    release = MetricsRelease.objects.get()
    other = factories.MembershipFactory(team=scenario_region.team, role=role).user
    login_verified(client, other)
    assert client.get(reverse("metrics-releases")).status_code == 404
    assert client.post(reverse("metrics-releases"), PUBLISH).status_code == 404
    assert client.get(reverse("metrics-release-download", args=[release.pk, "csv"])).status_code == 404
    assert client.get(API).status_code == 404


def test_an_unknown_release_or_format_is_a_404(scenario_region, evaluator_client):
    evaluator_client.post(reverse("metrics-releases"), PUBLISH)
    release = MetricsRelease.objects.get()
    assert evaluator_client.get(reverse("metrics-release-download", args=[release.pk + 1, "csv"])).status_code == 404
    assert evaluator_client.get(reverse("metrics-release-download", args=[release.pk, "xlsx"])).status_code == 404


def test_the_api_lists_releases_with_their_hashes(scenario_region, evaluator_client):
    created = evaluator_client.post(API, {"year": 2025, "quarter": 2}, content_type="application/json")
    assert created.status_code == 201
    listed = evaluator_client.get(API).json()
    assert [(r["period"], r["version"]) for r in listed] == [("2025-K2", 1)]
    release = MetricsRelease.objects.get()
    assert listed[0]["csv_sha256"] == release.csv_sha256
    assert evaluator_client.get(listed[0]["json_url"]).content == bytes(release.json)


def test_the_releases_page_runs_the_same_queries_for_one_release_or_many(scenario_region, evaluator_client):
    client = evaluator_client
    client.post(API, {"year": 2025, "quarter": 1}, content_type="application/json")
    client.get(reverse("metrics-releases"))  # warm caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("metrics-releases")).status_code == 200
    for quarter in (2, 3, 4):
        client.post(API, {"year": 2025, "quarter": quarter}, content_type="application/json")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("metrics-releases"))
    assert page.content.decode().count("2025-K") >= 4
    assert len(one) == len(many)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_release_is_computed_on_one_repeatable_read_snapshot(client, login_verified):
    from django.db import connection as conn

    s = scenario.build()
    login_verified(client, s.evaluator)
    with CaptureQueriesContext(conn) as queries:
        assert client.post(reverse("metrics-releases"), PUBLISH).status_code == 302
    assert any("REPEATABLE READ" in q["sql"] for q in queries.captured_queries)
    release = MetricsRelease.objects.get()
    assert download(client, release) == bytes(release.csv)
