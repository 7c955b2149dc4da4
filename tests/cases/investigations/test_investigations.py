"""The onderzoek of Veilig Thuis and of the Raad, and a destruction request, recorded on the case:
who may record them, with which dates, through the services, the pages and the API."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.access_log.services import access_log_rows
from cases.investigations.selectors import destruction_requests_of, onderzoeken_of
from cases.investigations.services import (
    DESTRUCTION_ROLE,
    DESTRUCTION_TOO_YOUNG,
    ONDERZOEK_NOT_OF_ORGANISATION,
    destruction_request_register,
    onderzoek_end,
    onderzoek_start,
)
from cases.models import CaseStatus, EventKind, TimelineEvent
from cases.services import participant_add, person_add
from tests.cases.conftest import member, open_case
from tests.factories import MunicipalityFactory, OrganisationFactory, SafetyTeamFactory
from tests.world import basis


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def w(db):
    """A team with CVC, Veilig Thuis and the Raad; a case on a verzoek tot onderzoek of 20 days ago in
    which VT and the Raad take part; a parent, a child of 8 and a child of 14."""
    team = SafetyTeamFactory(municipalities=[MunicipalityFactory()])
    cvc, vt, rvdk = (OrganisationFactory(kind=kind) for kind in ("cvc", "veilig_thuis", "rvdk"))
    team.organisations.add(cvc, vt, rvdk)
    w = SimpleNamespace(team=team, cvc=cvc, vt=vt, rvdk=rvdk)
    w.cvc_user, w.vt_user, w.rvdk_user = member(team, cvc), member(team, vt), member(team, rvdk)
    w.coordinator = member(team, cvc, role="coordinator")
    w.case = open_case(w.cvc_user, team, intake="verzoek_tot_onderzoek", reported_on=days_ago(20))
    for organisation, user in ((vt, w.vt_user), (rvdk, w.rvdk_user)):
        participant_add(
            actor=w.cvc_user, case=w.case, organisation=organisation, professional=user, role="onderzoeker", **basis()
        )

    def add(role, name, born):
        return person_add(actor=w.cvc_user, case=w.case, role=role, full_name=name, date_of_birth=born)

    w.parent = add("ouder", "Ouder Test", None)
    w.young = add("jeugdige", "Kind Acht", days_ago(8 * 366))
    w.teen = add("jeugdige", "Kind Veertien", days_ago(14 * 366))
    w.network = add("netwerk", "Buurvrouw Test", None)
    return w


def test_only_a_participant_for_veilig_thuis_records_the_vt_onderzoek(w):
    for outsider in (w.cvc_user, w.rvdk_user, w.coordinator):
        with pytest.raises(PermissionDenied, match="namens Veilig Thuis"):
            onderzoek_start(actor=outsider, case=w.case, kind="vt", started_on=days_ago(3))
    assert not TimelineEvent.objects.filter(case=w.case, kind=EventKind.ONDERZOEK_STARTED).exists()

    event = onderzoek_start(actor=w.vt_user, case=w.case, kind="vt", started_on=days_ago(3))

    assert (event.kind, event.organisation, event.actor) == (EventKind.ONDERZOEK_STARTED, w.vt, w.vt_user)
    assert event.data == {"onderzoek": "vt", "on": days_ago(3).isoformat()}
    # Registered later than it happened: the event keeps its day (at its end), after the participation.
    assert timezone.localdate(event.occurred_at) == days_ago(3)


def test_only_a_participant_for_the_raad_records_the_raads_onderzoek(w):
    with pytest.raises(PermissionDenied, match="namens Raad voor de Kinderbescherming"):
        onderzoek_start(actor=w.vt_user, case=w.case, kind="rvdk", started_on=days_ago(2))
    event = onderzoek_start(actor=w.rvdk_user, case=w.case, kind="rvdk", started_on=timezone.localdate())
    assert event.organisation == w.rvdk
    assert timezone.now() - event.occurred_at < timedelta(minutes=1)  # today: now


def test_an_onderzoek_runs_once_ends_after_it_began_and_never_in_the_future(w):
    with pytest.raises(ValidationError, match="geen onderzoek van Veilig Thuis"):
        onderzoek_end(actor=w.vt_user, case=w.case, kind="vt", ended_on=days_ago(1))
    with pytest.raises(ValidationError, match="toekomst") as refused:
        onderzoek_start(actor=w.vt_user, case=w.case, kind="vt", started_on=timezone.localdate() + timedelta(days=1))
    assert "started_on" in refused.value.message_dict
    with pytest.raises(ValidationError, match="vóór de melding of het verzoek"):
        onderzoek_start(actor=w.vt_user, case=w.case, kind="vt", started_on=days_ago(21))
    onderzoek_start(actor=w.vt_user, case=w.case, kind="vt", started_on=days_ago(10))
    with pytest.raises(ValidationError, match="loopt al sinds"):
        onderzoek_start(actor=w.vt_user, case=w.case, kind="vt", started_on=days_ago(9))
    with pytest.raises(ValidationError, match="vóór het begon") as refused:
        onderzoek_end(actor=w.vt_user, case=w.case, kind="vt", ended_on=days_ago(11))
    assert "ended_on" in refused.value.message_dict

    onderzoek_end(actor=w.vt_user, case=w.case, kind="vt", ended_on=days_ago(2))

    [onderzoek] = onderzoeken_of(w.case)
    assert (onderzoek.kind, onderzoek.started_on, onderzoek.ended_on, onderzoek.running) == (
        "vt",
        days_ago(10),
        days_ago(2),
        False,
    )
    # A new onderzoek may follow the finished one.
    onderzoek_start(actor=w.vt_user, case=w.case, kind="vt", started_on=days_ago(1))
    assert [o.running for o in onderzoeken_of(w.case)] == [False, True]


def test_no_onderzoek_is_recorded_on_a_closed_case(w):
    w.case.status = CaseStatus.AFGESLOTEN
    w.case.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="gesloten"):
        onderzoek_start(actor=w.vt_user, case=w.case, kind="vt", started_on=days_ago(1))


def test_a_destruction_request_comes_from_a_parent_or_carer_or_a_child_of_12_or_older(w):
    for person, message in ((w.young, DESTRUCTION_TOO_YOUNG), (w.network, DESTRUCTION_ROLE)):
        with pytest.raises(ValidationError) as refused:
            destruction_request_register(actor=w.cvc_user, case=w.case, requested_on=days_ago(1), requested_by=person)
        assert refused.value.message_dict["requested_by"] == [str(message) % {"age": 12}]
    other = open_case(w.cvc_user, w.team, family_name="gezin Ander")
    stranger = person_add(actor=w.cvc_user, case=other, role="ouder", full_name="Ouder Ander")
    with pytest.raises(ValidationError, match="persoon van deze casus"):
        destruction_request_register(actor=w.cvc_user, case=w.case, requested_on=days_ago(1), requested_by=stranger)

    destruction_request_register(actor=w.cvc_user, case=w.case, requested_on=days_ago(2), requested_by=w.parent)
    destruction_request_register(actor=w.vt_user, case=w.case, requested_on=days_ago(1), requested_by=w.teen)

    requests = destruction_requests_of(w.case)
    assert [(r.requested_on, r.person_id) for r in requests] == [(days_ago(2), w.parent.pk), (days_ago(1), w.teen.pk)]
    assert requests[1].event.organisation == w.vt


def test_a_destruction_request_is_registered_on_a_closed_case_too_but_not_by_an_outsider(w):
    w.case.status = CaseStatus.AFGESLOTEN
    w.case.save(update_fields=["status"])
    outsider = member(SafetyTeamFactory(), OrganisationFactory())
    with pytest.raises(PermissionDenied):
        destruction_request_register(actor=outsider, case=w.case, requested_on=days_ago(1), requested_by=w.parent)
    event = destruction_request_register(
        actor=w.coordinator, case=w.case, requested_on=days_ago(1), requested_by=w.parent
    )
    assert event.kind == EventKind.DESTRUCTION_REQUESTED and event.data["person_id"] == w.parent.pk


# --- the pages ---


def _page(w):
    return f"/zaken/{w.case.pk}/onderzoek/"


def test_the_page_lets_veilig_thuis_record_its_start_and_logs_a_change(w, client, login_verified):
    login_verified(client, w.vt_user)
    page = client.get(_page(w))
    assert page.status_code == 200 and b"Start vastleggen" in page.content
    before = access_log_rows().count()

    response = client.post(_page(w), {"action": "start", "start-kind": "vt", "start-started_on": days_ago(4)})

    assert response.status_code == 302
    [onderzoek] = onderzoeken_of(w.case)
    assert (onderzoek.kind, onderzoek.started_on) == ("vt", days_ago(4))
    [row] = access_log_rows().order_by("id")[before:]
    assert (row.action, row.outcome, row.case_id, row.detail) == ("change", "allowed", w.case.pk, "investigations")


def test_the_page_refuses_someone_else_s_onderzoek_with_the_rule_and_writes_nothing(w, client, login_verified):
    login_verified(client, w.cvc_user)
    page = client.get(_page(w))
    assert page.status_code == 200 and b"Start vastleggen" not in page.content

    response = client.post(_page(w), {"action": "start", "start-kind": "vt", "start-started_on": days_ago(4)})

    assert response.status_code == 400
    assert (str(ONDERZOEK_NOT_OF_ORGANISATION) % {"organisation": "Veilig Thuis"}).encode() in response.content
    assert onderzoeken_of(w.case) == []


def test_the_page_ends_the_onderzoek_and_names_a_wrong_date_on_its_field(w, client, login_verified):
    login_verified(client, w.vt_user)
    client.post(_page(w), {"action": "start", "start-kind": "vt", "start-started_on": days_ago(4)})

    wrong = client.post(_page(w), {"action": "end", "end-kind": "vt", "end-ended_on": days_ago(5)})
    assert wrong.status_code == 400 and "ended_on" in wrong.context["end_form"].errors
    done = client.post(_page(w), {"action": "end", "end-kind": "vt", "end-ended_on": days_ago(1)})

    assert done.status_code == 302
    assert [o.ended_on for o in onderzoeken_of(w.case)] == [days_ago(1)]
    assert client.post(_page(w), {"action": "stop"}).status_code == 400


def test_the_destruction_request_page_registers_a_request_of_a_parent(w, client, login_verified):
    login_verified(client, w.cvc_user)
    url = f"/zaken/{w.case.pk}/vernietigingsverzoeken/"
    assert client.get(url).status_code == 200
    young = client.post(url, {"requested_by": w.young.pk, "requested_on": days_ago(1)})
    assert young.status_code == 400 and "requested_by" in young.context["form"].errors

    response = client.post(url, {"requested_by": w.parent.pk, "requested_on": days_ago(1)})

    assert response.status_code == 302
    assert [r.person_id for r in destruction_requests_of(w.case)] == [w.parent.pk]
    assert b"Ouder Test" in client.get(url).content


# --- the API ---


def test_the_api_starts_and_ends_an_onderzoek_of_the_raad(w, client, login_verified):
    login_verified(client, w.rvdk_user)
    url = f"/api/v1/cases/{w.case.pk}/investigations/"

    started = client.post(
        url, {"kind": "rvdk", "action": "start", "started_on": days_ago(5)}, content_type="application/json"
    )
    assert started.status_code == 201, started.json()
    assert started.json() == {
        "kind": "rvdk",
        "organisation": w.rvdk.name,
        "started_on": days_ago(5).isoformat(),
        "started_by": w.rvdk_user.username,
        "ended_on": None,
        "ended_by": None,
        "running": True,
    }
    ended = client.post(
        url, {"kind": "rvdk", "action": "end", "ended_on": days_ago(1)}, content_type="application/json"
    )
    assert ended.status_code == 201 and ended.json()["ended_by"] == w.rvdk_user.username
    assert [o["running"] for o in client.get(url).json()] == [False]


def test_the_api_answers_a_refusal_with_400_and_the_field(w, client, login_verified):
    login_verified(client, w.vt_user)
    url = f"/api/v1/cases/{w.case.pk}/investigations/"
    post = lambda body: client.post(url, body, content_type="application/json")  # noqa: E731

    assert post({"kind": "gi", "action": "start", "started_on": days_ago(1)}).json().keys() == {"kind"}
    assert post({"kind": "vt", "action": "start"}).json().keys() == {"started_on"}
    refused = post({"kind": "rvdk", "action": "start", "started_on": days_ago(1)})
    assert refused.status_code == 400 and "Raad voor de Kinderbescherming" in str(refused.json())
    future = post({"kind": "vt", "action": "start", "started_on": timezone.localdate() + timedelta(days=2)})
    assert future.status_code == 400 and "started_on" in future.json()
    assert onderzoeken_of(w.case) == []


def test_the_api_registers_a_destruction_request_of_a_person_of_the_case_only(w, client, login_verified):
    login_verified(client, w.cvc_user)
    url = f"/api/v1/cases/{w.case.pk}/destruction-requests/"
    other = open_case(w.cvc_user, w.team, family_name="gezin Ander")
    stranger = person_add(actor=w.cvc_user, case=other, role="ouder", full_name="Ouder Ander")

    foreign = client.post(
        url, {"requested_by": stranger.pk, "requested_on": days_ago(1)}, content_type="application/json"
    )
    assert foreign.status_code == 400 and foreign.json().keys() == {"requested_by"}
    created = client.post(
        url, {"requested_by": w.teen.pk, "requested_on": days_ago(1)}, content_type="application/json"
    )

    assert created.status_code == 201
    assert created.json() == {
        "requested_by": w.teen.pk,
        "requested_on": days_ago(1).isoformat(),
        "registered_by": w.cvc_user.username,
    }
    assert len(client.get(url).json()) == 1
