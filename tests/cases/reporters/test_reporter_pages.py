"""The melder on the pages and the API: Veilig Thuis sees and edits it; everyone else on the case sees
that it exists ("dat, niet wat"), and the invented name and phone number appear in nothing they can
reach — case page, timeline, API, melder routes, deadlines, notifications, search, export, metrics."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from django.contrib import admin
from django.utils import timezone

from cases.access_log.services import access_log_rows
from cases.reporters.models import Reporter
from exchange.exporter import ExportRefused, export_case
from metrics.definitions import MONTH, Filters, period_end
from metrics.exports import write_export
from tests.cases.reporters.conftest import NAME, PHONE, client_for, leaked
from tests.cases.test_case_lists import DETAIL_QUERIES
from workflows.deadlines.models import Deadline, DeadlineState

# The case page's budget before the melder section (tests/cases/test_case_lists.py), plus its one query.


def _urls(w) -> list[str]:
    case, rid = w.case.pk, w.reporter.pk
    return [
        f"/zaken/{case}/",
        f"/zaken/{case}/melder/",
        f"/zaken/{case}/melder/{rid}/wijzigen/",
        f"/zaken/{case}/melder/{rid}/terugkoppeling/",
        f"/api/v1/cases/{case}/",
        f"/api/v1/cases/{case}/timeline/",
        f"/api/v1/cases/{case}/reporters/",
        f"/api/v1/cases/{case}/reporters/{rid}/",
        f"/api/v1/cases/{case}/reporters/{rid}/feedback/",
        f"/inzage/zaken/{case}/",
        f"/inzage/zaken/{case}/csv/",
        "/termijnen/",
        "/termijnen/mijn/",
        "/meldingen/",
        "/evaluatie/",
        f"/mijn-zaken/?q={NAME.split()[1]}",
        f"/teamzaken/?q={NAME.split()[1]}",
        "/api/v1/deadlines/",
        "/api/v1/notifications/",
        *(f"/termijnen/{pk}/" for pk in Deadline.objects.filter(case=w.case).values_list("pk", flat=True)),
    ]


def test_veilig_thuis_sees_the_melder_and_the_promise_of_anonymity_clearly(mw):
    client = client_for(mw.vt_professional)
    page = client.get(f"/zaken/{mw.case.pk}/melder/").content.decode()
    assert NAME in page and PHONE in page
    assert "Anonimiteit toegezegd." in page and "Naam niet noemen tegenover de ouders." in page
    case_page = client.get(f"/zaken/{mw.case.pk}/").content.decode()
    assert "Anonimiteit toegezegd aan de melder." in case_page
    assert NAME not in case_page  # the content lives on the melder page, whose reads are logged as such
    api = client.get(f"/api/v1/cases/{mw.case.pk}/reporters/").json()
    assert api[0]["full_name"] == NAME and api[0]["anonymity_promised"] is True
    details = set(
        access_log_rows().filter(case_id=mw.case.pk, user_id=mw.vt_professional.pk).values_list("detail", flat=True)
    )
    assert {"reporter", "case"} <= details


@pytest.mark.parametrize(
    "who",
    [
        "CVC participant",
        "RvdK participant",
        "GI participant",
        "coordinator",
        "evaluator",
        "functional admin",
        "privacy officer",
    ],
)
def test_nobody_else_gets_the_content_from_anything_they_can_reach(mw, who, settings):
    settings.REMINDER_DISPATCH = False
    user = mw.non_vt[who]
    client = client_for(user)
    reached = []
    for url in _urls(mw):
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content
        if response.status_code == 200:
            reached.append(url)
        assert not leaked(body), f"{who} read the melder at {url}"
    for url in (
        f"/zaken/{mw.case.pk}/melder/{mw.reporter.pk}/wijzigen/",
        f"/api/v1/cases/{mw.case.pk}/reporters/{mw.reporter.pk}/",
    ):
        assert client.get(url).status_code == 404
    if f"/zaken/{mw.case.pk}/" in reached:
        # "Dat, niet wat": that a melder is on record, by whom and when.
        page = client.get(f"/zaken/{mw.case.pk}/melder/").content.decode()
        assert "Melder vastgelegd door" in page and mw.vt.name in page
        [trace] = client.get(f"/api/v1/cases/{mw.case.pk}/reporters/").json()
        assert set(trace) == {"id", "episode", "recorded_by", "organisation", "recorded_at", "feedback_recorded_at"}
        assert client.post(f"/zaken/{mw.case.pk}/melder/", {"relation": "x", "kind": "prive"}).status_code == 404
    try:
        document = export_case(user, mw.case.reference)
    except ExportRefused:
        pass
    else:
        assert not leaked(json.dumps(document, default=str))


def test_the_privacy_officer_sees_that_the_melder_was_read_not_what(mw):
    client_for(mw.vt_professional).get(f"/zaken/{mw.case.pk}/melder/")
    report = client_for(mw.privacy_officer).get(f"/inzage/zaken/{mw.case.pk}/")
    assert report.status_code == 200
    body = report.content.decode()
    assert "reporter" in body and not leaked(body)


def test_the_export_leaves_the_melder_out_also_for_veilig_thuis(mw):
    document = json.dumps(export_case(mw.vt_professional, mw.case.reference), default=str)
    assert not leaked(document)


def test_metrics_events_carry_no_melder(mw, tmp_path):
    out = tmp_path / "events.csv"
    today = timezone.localdate()
    write_export(
        out, kind="events", fmt="csv", filters=Filters(date_from=date(2020, 1, 1), date_to=period_end(today, MONTH))
    )
    assert not leaked(out.read_text())


def test_the_melder_is_not_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    assert "cases.Reporter" not in registered and "cases.HistoricalReporter" not in registered


def test_search_never_finds_a_case_by_its_melder(mw):
    for user in (mw.vt_professional, mw.professional):
        body = client_for(user).get("/mijn-zaken/", {"q": "Fictiefstra"}).content.decode()
        assert mw.case.reference not in body


def test_the_case_page_costs_the_same_queries_for_veilig_thuis_and_for_the_others(mw, django_assert_num_queries):
    for user in (mw.vt_professional, mw.professional, mw.gi_professional):
        client = client_for(user)
        client.get(f"/zaken/{mw.case.pk}/")  # warm the session
        with django_assert_num_queries(DETAIL_QUERIES):
            assert client.get(f"/zaken/{mw.case.pk}/").status_code == 200


def _form(**extra) -> dict:
    return {"relation": "leerkracht", "kind": "professional", "profession": "leerkracht", "full_name": NAME, **extra}


def test_veilig_thuis_records_on_the_page_once_however_often_the_form_is_sent(world):
    client = client_for(world.vt_professional)
    data = _form(submission_key=str(uuid.uuid4()), phone=PHONE)
    url = f"/zaken/{world.case.pk}/melder/"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click: redirected, saved once
    assert Reporter.objects.filter(case=world.case).count() == 1
    refused = client.post(url, _form())
    assert refused.status_code == 409  # the episode has its melder already
    empty = client_for(world.vt_professional).get(url).content.decode()
    assert NAME in empty


def test_a_bad_form_answers_400_in_dutch(world):
    response = client_for(world.vt_professional).post(
        f"/zaken/{world.case.pk}/melder/", {"relation": "huisarts", "kind": "professional", "anonymity_promised": "on"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Beschrijf wat aan de melder is toegezegd." in body
    assert "Geef bij een beroepskracht het beroep of de organisatie." in body


def test_a_stale_edit_on_the_page_shows_the_conflict(mw):
    client = client_for(mw.vt_professional)
    url = f"/zaken/{mw.case.pk}/melder/{mw.reporter.pk}/wijzigen/"
    form = {
        "full_name": NAME,
        "relation": "buurvrouw",
        "kind": "prive",
        "anonymity_promised": "on",
        "promise": "Naam niet noemen tegenover de ouders.",
        "version": 1,
    }
    assert client.post(url, {**form, "phone": "010-1111111"}).status_code == 302
    stale = client.post(url, {**form, "phone": "010-2222222"})
    assert stale.status_code == 409
    mw.reporter.refresh_from_db()
    assert mw.reporter.phone == "010-1111111"


def test_feedback_on_the_page_closes_the_deadline(mw):
    client = client_for(mw.vt_professional)
    url = f"/zaken/{mw.case.pk}/melder/{mw.reporter.pk}/terugkoppeling/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"outcome": "niet_bereikbaar", "given_on": timezone.localdate().isoformat(), "version": 1}
    )
    assert response.status_code == 302
    assert Deadline.objects.get(case=mw.case, rule__code="vt-terugkoppeling-melder").state == DeadlineState.MET


def test_the_api_records_edits_with_a_version_and_records_feedback(world):
    client = client_for(world.vt_professional)
    base = f"/api/v1/cases/{world.case.pk}/reporters/"
    key = str(uuid.uuid4())
    created = client.post(base, _form(), content_type="application/json", headers={"Idempotency-Key": key})
    assert created.status_code == 201, created.content
    again = client.post(base, _form(), content_type="application/json", headers={"Idempotency-Key": key})
    assert again.status_code == 409 and again.json()["existing"]["id"] == created.json()["id"]
    detail = f"{base}{created.json()['id']}/"
    no_version = client.patch(detail, {"phone": PHONE}, content_type="application/json")
    assert no_version.status_code == 400 and "version" in no_version.json()
    assert client.patch(detail, {"phone": PHONE, "version": 1}, content_type="application/json").status_code == 200
    stale = client.patch(detail, {"phone": "1", "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current"]["phone"] == PHONE
    feedback = client.post(
        f"{detail}feedback/",
        {
            "outcome": "teruggekoppeld",
            "given_on": timezone.localdate().isoformat(),
            "how": "telefonisch",
            "summary": "Er is hulp.",
            "version": 2,
        },
        content_type="application/json",
    )
    assert feedback.status_code == 200 and feedback.json()["feedback_outcome"] == "teruggekoppeld"


def test_the_api_refuses_others_to_record(world):
    response = client_for(world.professional).post(
        f"/api/v1/cases/{world.case.pk}/reporters/", _form(), content_type="application/json"
    )
    assert response.status_code == 400
    assert not Reporter.objects.exists()


def test_the_case_page_budget_does_not_grow_with_melders_of_earlier_episodes(mw, django_assert_num_queries):
    # Test setup only: melders of later episodes without walking through closing and reopening the case.
    Reporter.objects.bulk_create(
        Reporter(
            case=mw.case,
            episode=episode,
            relation="buurman",
            kind="prive",
            recorded_by=mw.vt_professional,
            organisation=mw.vt,
        )
        for episode in range(2, 12)
    )
    for user in (mw.vt_professional, mw.professional):
        client = client_for(user)
        client.get(f"/zaken/{mw.case.pk}/")
        with django_assert_num_queries(DETAIL_QUERIES):
            body = client.get(f"/zaken/{mw.case.pk}/").content.decode()
        assert body.count("Melder vastgelegd door") == 11 and not leaked(body)
