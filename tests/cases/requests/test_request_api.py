"""The family's requests over the API: registered and decided through the services; a refusal
without ground is a 400 naming the field; a stale version a 409; an outsider gets 404."""

from __future__ import annotations

from django.utils import timezone
from rest_framework.test import APIClient

from cases.requests.models import FamilyRequest
from cases.services import person_add
from tests.world import open_case


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_register_list_and_decide_over_the_api(region):
    case = open_case(region)
    parent = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Anna Apiverzoek")
    api = api_for(region.cvc_user)
    created = api.post(
        f"/api/v1/cases/{case.pk}/requests/",
        {
            "kind": "correctie",
            "person_id": parent.pk,
            "relation": "ouder",
            "identity_check": "document",
            "received_on": timezone.localdate().isoformat(),
            "text": "Mijn geboortedatum klopt niet",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    assert created.json()["requester_name"] == "Anna Apiverzoek"
    assert api.get(f"/api/v1/cases/{case.pk}/requests/").json()["count"] == 1
    url = f"/api/v1/cases/{case.pk}/requests/{request_id}/decision/"
    no_ground = api.post(url, {"version": 1, "decision": "afgewezen", "decision_reason": "Nee"}, format="json")
    assert no_ground.status_code == 400 and "refusal_ground" in no_ground.json()
    stale = api.post(url, {"version": 7, "decision": "toegewezen", "decision_reason": "Aangepast"}, format="json")
    assert stale.status_code == 409
    done = api.post(url, {"version": 1, "decision": "toegewezen", "decision_reason": "Aangepast"}, format="json")
    assert done.status_code == 200 and done.json()["decision"] == "toegewezen"
    assert FamilyRequest.objects.get(pk=request_id).decided_by == region.cvc_user


def test_an_outsider_gets_404_before_any_input_is_read(region):
    case = open_case(region)
    response = api_for(region.outsider).post(f"/api/v1/cases/{case.pk}/requests/", {}, format="json")
    assert response.status_code == 404
