"""Every input a 4xx, never a 5xx: digits are ASCII digits, JSON is bounded in size and depth before it is
parsed, bodies have the shape their endpoint expects, and dates lie from 1900 to 2200. Each test here
was a 500 (or a silently stored value) before."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.forms import PersonForm
from cases.interventions.models import Intervention
from cases.interventions.services import intervention_agree
from cases.models import Person
from cases.validators import DATE_OUT_OF_RANGE, bsn_is_valid, validate_bsn
from exchange.importer import import_cases
from exchange.jobs import import_job_run
from exchange.models import ImportJob
from security.digits import parse_id
from security.json_input import JSONInputError, loads_bounded
from security.models import UserSession
from tests.exchange.world import make_world, minimal_document
from tests.security.api_world import make_api_world, write_endpoints
from workflows.deadlines.models import Notification
from workflows.deadlines.reminder_offsets import parse_offsets

SUPERSCRIPT_BSN = "¹²³⁴⁵⁶⁷⁸²"  # "123456782" (a valid BSN) in superscript digits
ARABIC_INDIC_BSN = "١٢٣٤٥٦٧٨٢"  # the same in Arabic-Indic digits
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def w(db):
    return make_api_world()


@pytest.fixture
def api(w, client, login_verified):
    login_verified(client, w.region.cvc_user)
    return client


def _post_json(client, url, body, method="post"):
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return getattr(client, method)(url, text, content_type="application/json")


# --- digits are ASCII digits


@pytest.mark.parametrize("bsn", [SUPERSCRIPT_BSN, ARABIC_INDIC_BSN, "12345678²", "1234 5678"])
def test_a_bsn_in_other_digits_than_0_to_9_is_not_a_bsn(bsn):
    assert not bsn_is_valid(bsn)
    with pytest.raises(Exception, match="geen geldig BSN"):
        validate_bsn(bsn)
    assert bsn_is_valid("123456782")


@pytest.mark.parametrize("value", ["²", "١٢", "1_0", " 12", "+12", "-1", "0", "", str(2**63), "9" * 400, True, 1.0])
def test_an_id_is_ascii_digits_within_bigint_only(value):
    assert parse_id(value) is None


def test_an_id_in_ascii_digits_or_an_int_is_read():
    assert parse_id("12") == 12
    assert parse_id(12) == 12
    assert parse_id(str(2**63 - 1)) == 2**63 - 1


def test_the_api_refuses_a_bsn_in_other_digits_and_stores_nothing(w, api):
    before = Person.objects.count()
    for bsn in (SUPERSCRIPT_BSN, ARABIC_INDIC_BSN):
        url = f"/api/v1/cases/{w.case.pk}/persons/"
        response = _post_json(api, url, {"role": "ouder", "full_name": "Jo", "bsn": bsn})
        assert response.status_code == 400
        assert "bsn" in response.json()
    assert Person.objects.count() == before


@pytest.mark.parametrize("bsn", [SUPERSCRIPT_BSN, ARABIC_INDIC_BSN])
def test_the_person_form_refuses_a_bsn_in_other_digits(bsn):
    form = PersonForm({"role": "ouder", "full_name": "Jo", "bsn": bsn})
    assert not form.is_valid()
    assert "bsn" in form.errors


def test_the_import_refuses_a_bsn_in_other_digits(db):
    world = make_world()
    lines = []
    for line, bsn in enumerate((SUPERSCRIPT_BSN, ARABIC_INDIC_BSN), start=1):
        document = minimal_document(world, f"BSN-{line}")
        document["persons"][0]["bsn"] = bsn
        lines.append((line, json.dumps(document, ensure_ascii=False)))
    report = import_cases(lines)
    assert [(e.line, e.pointer) for e in report.errors] == [(1, "/persons/0/bsn"), (2, "/persons/0/bsn")]
    assert report.created == 0


IMPOSSIBLE_MOMENTS = [
    "2026-13-01T00:00:00",  # month 13
    "2026-02-30T00:00:00",
    "2026-01-01T00:00:00+99:00",  # an offset of more than a day
    "9999-12-31T23:59:59-01:00",  # year 10000 in UTC
    "0001-01-01T00:00:00+01:00",  # year 0 in UTC
    "0000-01-01T00:00",
    "²026-01-01T00:00",
    "2026-01-01T00:00:00+٠١:00",  # Arabic-Indic digits in the offset
    "1899-12-31T12:00:00+01:00",
    "2201-01-01T00:00:00Z",
]


def test_the_deadlines_case_filter_takes_ascii_digits_only(api):
    for query in ["case=²", "case=١", "case=1_0", "case=99999999999999999999999", "case="]:
        response = api.get(f"/api/v1/deadlines/?{query}")
        assert response.status_code == 400, query
        assert "case" in response.json()


def test_the_deadlines_state_filter_takes_a_known_state_only(api):
    for query in ["state=", "state=verlopen", "state=OPEN"]:
        response = api.get(f"/api/v1/deadlines/?{query}")
        assert response.status_code == 400, query
        assert response.json()["state"] == ["Onbekende status."]


def test_the_deadlines_date_filters_refuse_impossible_and_extreme_moments(api):
    for name in ("due_from", "due_to"):
        for moment in IMPOSSIBLE_MOMENTS:
            response = api.get("/api/v1/deadlines/", {name: moment})
            assert response.status_code == 400, (name, moment)
            assert name in response.json()


def test_the_deadlines_filters_still_filter(w, api):
    listed = api.get(
        "/api/v1/deadlines/",
        {"case": w.case.pk, "state": "open", "due_from": "2000-01-01T00:00:00Z", "due_to": "2200-12-31T00:00:00+01:00"},
    )
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert rows and {row["case"] for row in rows} == {w.case.pk}
    assert api.get("/api/v1/deadlines/", {"due_to": "2000-01-01T00:00:00"}).json()["count"] == 0


def test_a_page_number_in_other_digits_is_not_found(api):
    for query in ["page=²", "page=١", "page=1_0", "page=-1", "page="]:
        assert api.get(f"/api/v1/cases/?{query}").status_code == 404, query
    assert api.get("/api/v1/cases/?page=1").status_code == 200


def test_a_number_field_takes_a_number_or_ascii_digits_only(w, api):
    for value in ["١", "²", True, 1.5, {"n": 1}, [1]]:
        response = _post_json(
            api, f"/api/v1/cases/{w.case.pk}/conditions/{w.condition.pk}/check/", {"met": True, "version": value}
        )
        assert response.status_code == 400, value
        assert "version" in response.json()


def test_an_id_field_takes_an_id_only(w, api):
    for value in ["١", "²", True, 1.5, [1], {"id": 1}, 0, -1, 2**64]:
        response = _post_json(
            api,
            f"/api/v1/cases/{w.case.pk}/participants/",
            {"organisation": value, "professional": w.region.gi_user.pk, "role": "betrokken"},
        )
        assert response.status_code == 400, value
        assert "organisation" in response.json()


def test_a_list_of_ids_is_a_short_list(w, api):
    body = {**write_endpoints(w)[11].body, "agreed_by": list(range(1, 1002))}
    response = _post_json(api, f"/api/v1/cases/{w.case.pk}/interventions/", body)
    assert response.status_code == 400 and "agreed_by" in response.json()
    as_object = _post_json(
        api, f"/api/v1/cases/{w.case.pk}/interventions/", {**body, "agreed_by": {str(w.region.cvc.pk): 1}}
    )
    assert as_object.status_code == 400 and "agreed_by" in as_object.json()


def test_the_web_mark_read_ignores_ids_in_other_digits(w, client, login_verified):
    login_verified(client, w.region.cvc_user)
    note = Notification.objects.create(user=w.region.cvc_user, title="Termijn", body="", url="/")
    response = client.post(reverse("notifications-mark-read"), {"id": ["²", "١", str(2**70), str(note.pk)]})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None


def test_ending_a_session_by_a_malformed_id_is_not_found(w, client, login_verified):
    login_verified(client, w.region.cvc_user)
    before = UserSession.objects.count()
    for session in ["x", "²", "١", str(2**70)]:
        assert client.post(reverse("security:account"), {"session": session}).status_code == 404, session
    assert UserSession.objects.count() == before


@pytest.mark.parametrize("offsets", ["١d", "²d", "1d, ٢wd"])
def test_reminder_offsets_take_ascii_digits_only(offsets):
    with pytest.raises(Exception, match="Onbekende herinnering"):
        parse_offsets(offsets)


# --- JSON bounded before parsing


def test_json_nested_deeper_than_the_limit_is_refused_without_recursing(settings):
    settings.API_MAX_JSON_DEPTH = 32
    assert loads_bounded("[" * 32 + "]" * 32) == json.loads("[" * 32 + "]" * 32)
    for text in ("[" * 33 + "]" * 33, DEEP, '{"a":' * 100_000 + "1" + "}" * 100_000, "[" * 100_000):
        with pytest.raises(JSONInputError, match="te diep genest: hoogstens 32 niveaus"):
            loads_bounded(text)


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"a": "[" * 1000, "b": '\\"[{' * 100, "c": ["]" * 50]})
    assert loads_bounded(text)["a"] == "[" * 1000


def test_json_larger_than_the_limit_is_refused_before_parsing():
    with pytest.raises(JSONInputError, match="te groot"):
        loads_bounded('"' + "é" * 600 + '"', max_bytes=1000)  # 1202 bytes in UTF-8
    assert loads_bounded('"' + "é" * 400 + '"', max_bytes=1000) == "é" * 400


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}', "{", "", "1" * 5000])
def test_what_is_not_json_is_refused_with_a_message(text):
    with pytest.raises(JSONInputError, match="Geen geldige JSON"):
        loads_bounded(text)


def test_a_deeply_nested_body_is_a_400_on_every_write_endpoint(w, api):
    for endpoint in write_endpoints(w):
        if not endpoint.body:
            continue  # an endpoint that takes no body does not read one
        response = _post_json(api, endpoint.url, DEEP, method=endpoint.method)
        assert response.status_code == 400, endpoint.name
        assert "te diep genest" in json.dumps(response.json(), ensure_ascii=False)


def test_a_body_larger_than_the_limit_is_a_413(w, api, settings):
    settings.API_MAX_BODY_BYTES = 10_000
    big = {"text": "x" * 10_001}
    response = _post_json(api, f"/api/v1/cases/{w.case.pk}/notes/", big)
    assert response.status_code == 413
    assert "te groot" in response.json()["detail"]
    assert w.case.notes.count() == 0
    form_encoded = api.post(
        f"/api/v1/cases/{w.case.pk}/notes/", "text=" + "x" * 10_001, content_type="application/x-www-form-urlencoded"
    )
    assert form_encoded.status_code == 413
    assert _post_json(api, f"/api/v1/cases/{w.case.pk}/notes/", {"text": "x" * 9_000}).status_code == 201


def test_the_default_body_limit_is_one_megabyte(settings):
    assert settings.API_MAX_BODY_BYTES == 1024 * 1024
    assert settings.API_MAX_JSON_DEPTH == 32


def test_the_import_reports_a_deep_or_oversized_line_and_imports_the_rest(db, settings):
    world = make_world()
    good = json.dumps(minimal_document(world, "DIEP-1"))
    settings.API_MAX_BODY_BYTES = len(good) + 10
    lines = [(1, "[" * 100 + "]" * 100), (2, good), (3, json.dumps({"pad": "x" * (len(good) + 10)}))]
    report = import_cases(lines)
    assert report.created == 1
    assert [(e.line, e.pointer) for e in report.errors] == [(1, ""), (3, "")]
    assert "te diep genest" in report.errors[0].message and "te groot" in report.errors[1].message


@pytest.mark.parametrize("name", ["zaken.jsonl", "zaken.json"])
def test_the_upload_page_reports_a_deeply_nested_file_instead_of_failing(db, client, login_verified, name):
    world = make_world()
    login_verified(client, world.admin)
    upload = SimpleUploadedFile(name, DEEP.encode(), content_type="application/octet-stream")
    response = client.post(reverse("exchange-import"), {"file": upload})
    assert response.status_code == 302  # to the import job's page
    import_job_run(ImportJob.objects.get().pk)
    page = client.get(response.url)
    assert page.status_code == 200 and "te diep genest" in page.content.decode()


# --- body shapes


def test_a_body_that_is_not_an_object_is_a_400(w, api):
    for endpoint in write_endpoints(w):
        if not endpoint.body:
            continue
        for body in ([], ["a"], "tekst", 12, None, True):
            response = _post_json(api, endpoint.url, json.dumps(body), method=endpoint.method)
            assert response.status_code == 400, (endpoint.name, body, response.content)


def test_an_object_or_list_where_a_value_belongs_is_a_400(w, api):
    for endpoint in write_endpoints(w):
        for field in endpoint.body:
            for value in ({"a": {"b": [1]}}, [[{}]], ["x"]):
                response = _post_json(api, endpoint.url, {**endpoint.body, field: value}, method=endpoint.method)
                assert response.status_code == 400, (endpoint.name, field, value, response.content)


# --- dates from 1900 to 2200


EXTREME_DATES = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "2026-02-30",
    "0000-01-01",
    "1899-12-31",
    "2201-01-01",
    "٢٠٢٦-٠١-٠١",
    "²026-01-01",
]


def test_an_extreme_or_impossible_date_is_a_400_naming_the_field(w, api):
    for endpoint in write_endpoints(w):
        for field in endpoint.date_fields:
            for value in EXTREME_DATES:
                response = _post_json(api, endpoint.url, {**endpoint.body, field: value}, method=endpoint.method)
                assert response.status_code == 400, (endpoint.name, field, value)
                assert field in response.json()


def test_the_range_message_names_the_range(w, api):
    response = _post_json(
        api, f"/api/v1/cases/{w.case.pk}/persons/", {"role": "ouder", "full_name": "Jo", "date_of_birth": "1899-12-31"}
    )
    assert response.json()["date_of_birth"] == [str(DATE_OUT_OF_RANGE)]
    assert (
        _post_json(
            api,
            f"/api/v1/cases/{w.case.pk}/persons/",
            {"role": "ouder", "full_name": "Jo", "date_of_birth": "1900-01-01"},
        ).status_code
        == 201
    )


def test_an_intervention_from_year_one_is_a_400_not_an_overflow(w, api):
    body = {**write_endpoints(w)[11].body, "start_date": "0001-01-01", "due_date": "0001-01-02"}
    response = _post_json(api, f"/api/v1/cases/{w.case.pk}/interventions/", body)
    assert response.status_code == 400
    assert Intervention.objects.filter(case=w.case).count() == 1


def test_the_service_refuses_a_date_out_of_range_whatever_the_caller(w):
    with pytest.raises(ValidationError) as refused:
        intervention_agree(
            actor=w.region.cvc_user,
            case=w.case,
            kind="overig",
            responsible_organisation=w.region.cvc,
            responsible_professional=w.region.cvc_user,
            start_date=date(1899, 12, 31),
            due_date=date(2201, 1, 1),
        )
    assert set(refused.value.message_dict) == {"start_date", "due_date"}


def test_the_import_refuses_dates_and_moments_out_of_range(db):
    world = make_world()
    document = minimal_document(world, "DATUM-1")
    document["persons"][0]["date_of_birth"] = "0001-01-01"
    document["participants"][1]["since"] = "0001-01-01T00:00:00+01:00"
    report = import_cases([(1, json.dumps(document))])
    assert {e.pointer for e in report.errors} == {"/persons/0/date_of_birth", "/participants/1/since"}
    assert report.created == 0


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_the_person_form_refuses_a_birth_date_out_of_range(value):
    form = PersonForm({"role": "ouder", "full_name": "Jo", "date_of_birth": value})
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [str(DATE_OUT_OF_RANGE)]
