"""The request desk's pages: register, refuse without a ground (400, nothing saved), decide; the
list's query count does not grow with the requests."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.requests.models import FamilyRequest
from cases.requests.services import REQUEST_REFUSAL_NEEDS_GROUND
from cases.services import person_add
from tests.world import open_case


def _register(client, case, person, **extra):
    return client.post(
        f"/zaken/{case.pk}/verzoeken/",
        {
            "kind": "afschrift",
            "person": person.pk,
            "requester_name": "",
            "relation": "ouder",
            "identity_check": "digid",
            "received_on": timezone.localdate().isoformat(),
            **extra,
        },
    )


def test_a_participant_registers_and_decides_a_request_on_the_page(region, client, login_verified):
    case = open_case(region)
    parent = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Pien Paginaverzoek")
    login_verified(client, region.cvc_user)
    assert _register(client, case, parent).status_code == 302
    item = FamilyRequest.objects.get(case=case)
    assert item.requester_name == "Pien Paginaverzoek" and item.identity_check == "digid"
    page = client.get(f"/zaken/{case.pk}/verzoeken/{item.pk}/")
    assert page.status_code == 200 and "Pien Paginaverzoek" in page.content.decode()

    refused = client.post(
        f"/zaken/{case.pk}/verzoeken/{item.pk}/",
        {
            "action": "decide",
            "decide-version": item.version,
            "decide-decision": "afgewezen",
            "decide-decision_reason": "Nee",
        },
    )
    assert refused.status_code == 400
    assert str(REQUEST_REFUSAL_NEEDS_GROUND) in refused.content.decode()
    assert FamilyRequest.objects.get(pk=item.pk).decision == ""

    decided = client.post(
        f"/zaken/{case.pk}/verzoeken/{item.pk}/",
        {
            "action": "decide",
            "decide-version": item.version,
            "decide-decision": "afgewezen",
            "decide-refusal_ground": "wettelijke_plicht",
            "decide-decision_reason": "De bewaarplicht van de Jeugdwet gaat voor.",
        },
    )
    assert decided.status_code == 302
    assert FamilyRequest.objects.get(pk=item.pk).refusal_ground == "wettelijke_plicht"


def test_an_outsider_gets_404_and_registers_nothing(region, client, login_verified):
    case = open_case(region)
    parent = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Pien Buitenstaander")
    login_verified(client, region.outsider)
    assert _register(client, case, parent).status_code == 404
    assert not FamilyRequest.objects.exists()


def test_the_request_list_query_count_does_not_grow_with_the_requests(region, client, login_verified):
    case = open_case(region)
    parent = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Pien Telverzoek")
    login_verified(client, region.cvc_user)
    _register(client, case, parent)
    url = f"/zaken/{case.pk}/verzoeken/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        _register(client, case, parent, kind="inzage")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_same_form_sent_twice_registers_one_request(region, client, login_verified):
    import uuid

    case = open_case(region)
    parent = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Pien Dubbelklik")
    login_verified(client, region.cvc_user)
    key = str(uuid.uuid4())
    first = _register(client, case, parent, submission_key=key)
    second = _register(client, case, parent, submission_key=key)
    assert first.status_code == 302 and second.status_code == 302
    assert FamilyRequest.objects.filter(case=case).count() == 1
