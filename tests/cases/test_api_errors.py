"""One error contract for the API: a refused input is a 400 with its field named, a stale version is a
409 with {detail, changed_fields, current} on every versioned endpoint, and the schema documents both."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.assessments.services import condition_agree
from cases.interventions.services import intervention_agree, intervention_start
from cases.models import Case
from cases.services import person_add, person_change
from tests.world import in_days, judge, open_case

CONFLICT_KEYS = {"detail", "changed_fields", "current"}


@pytest.fixture
def case(region):
    return open_case(region)


@pytest.fixture
def api(region, client, login_verified):
    login_verified(client, region.cvc_user)
    return client


def _assert_conflict(response, *, changed: str | None, current_version: int) -> dict:
    assert response.status_code == 409
    body = response.json()
    assert set(body) == CONFLICT_KEYS
    assert "Iemand anders heeft dit intussen gewijzigd" in body["detail"]
    assert isinstance(body["changed_fields"], list)
    if changed:
        assert changed in body["changed_fields"]
    assert body["current"]["version"] == current_version
    return body


def test_a_stale_person_edit_is_a_409_with_the_person_as_it_is_now(region, case, api):
    person = person_add(actor=region.cvc_user, case=case, role="jeugdige", full_name="Kim Jansen")
    person_change(actor=region.vt_user, person=person, expected_version=1, full_name="Kimberly Jansen")
    url = f"/api/v1/cases/{case.pk}/persons/{person.pk}/"
    response = api.patch(url, {"full_name": "Kimmy Jansen", "version": 1}, content_type="application/json")
    body = _assert_conflict(response, changed="full_name", current_version=2)
    assert body["current"]["full_name"] == "Kimberly Jansen"
    assert api.get(url).json()["full_name"] == "Kimberly Jansen"  # the colleague's change survives


def test_a_stale_intervention_move_is_a_409_with_the_intervention_as_it_is_now(region, case, api):
    judge(region, case)
    intervention = intervention_agree(
        actor=region.cvc_user,
        case=case,
        kind="vrijwillig_lokaal_team",
        responsible_organisation=region.cvc,
        responsible_professional=region.cvc_user,
        start_date=timezone.localdate(),
        due_date=in_days(30),
    )
    intervention_start(actor=region.cvc_user, intervention=intervention, expected_version=1)
    url = f"/api/v1/cases/{case.pk}/interventions/{intervention.pk}/status/"
    response = api.post(url, {"action": "stop", "result": "x", "version": 1}, content_type="application/json")
    body = _assert_conflict(response, changed="status", current_version=2)
    assert body["current"]["status"] == "lopend"


def test_a_stale_condition_check_is_a_409_with_the_condition_as_it_is_now(region, case, api):
    judgement = judge(region, case)
    condition = condition_agree(
        actor=region.cvc_user,
        judgement=judgement,
        description="Vader woont elders",
        owner_organisation=region.cvc,
        owner=region.cvc_user,
        check_date=in_days(7),
    )
    url = f"/api/v1/cases/{case.pk}/conditions/{condition.pk}/check/"
    # A version the caller cannot have seen (a check raced it): refused, the condition stays open.
    response = api.post(url, {"met": False, "version": 7}, content_type="application/json")
    body = _assert_conflict(response, changed=None, current_version=1)
    assert body["current"]["id"] == condition.pk and body["current"]["status"] == "open"


def test_a_stale_transition_is_a_409_with_the_case_state_as_it_is_now(region, case, api):
    url = f"/api/v1/cases/{case.pk}/transitions/"
    first = api.post(
        url,
        {"step": "to:veiligheidsbeoordeling", "reason": "Start", "version": case.version},
        content_type="application/json",
    )
    assert first.status_code == 200
    stale = api.post(
        url, {"step": "crisis", "reason": "Acuut", "version": case.version}, content_type="application/json"
    )
    body = _assert_conflict(stale, changed="status", current_version=Case.objects.get(pk=case.pk).version)
    assert body["current"]["status"] == "veiligheidsbeoordeling"


def test_a_rule_a_service_refuses_is_a_400_naming_the_field_or_the_whole(region, case, api):
    url = f"/api/v1/cases/{case.pk}/interventions/"
    body = {
        "kind": "ots",
        "responsible_organisation": region.gi.pk,
        "responsible_professional": region.gi_user.pk,
        "start_date": str(timezone.localdate()),
        "due_date": str(in_days(30)),
    }
    refused = api.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [refused.json()["non_field_errors"][0]]}
    assert "gezamenlijk oordeel" in refused.json()["non_field_errors"][0]
    bad = api.post(url, {**body, "due_date": "2020-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and list(bad.json()) == ["due_date"]


def test_the_schema_documents_400_and_409_on_every_versioned_endpoint(api):
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    versioned = [
        ("/api/v1/cases/{case_id}/persons/{person_id}/", "patch"),
        ("/api/v1/cases/{case_id}/persons/{person_id}/", "put"),
        ("/api/v1/cases/{case_id}/interventions/{intervention_id}/status/", "post"),
        ("/api/v1/cases/{case_id}/conditions/{condition_id}/check/", "post"),
        ("/api/v1/cases/{case_id}/transitions/", "post"),
    ]
    for path, method in versioned:
        responses = paths[path][method]["responses"]
        assert {"400", "409"} <= set(responses), (path, method)
        schema = responses["409"]["content"]["application/json"]["schema"]["$ref"]
        assert schema.endswith("/Conflict"), (path, schema)
