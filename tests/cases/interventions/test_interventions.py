import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.interventions.models import Intervention
from cases.interventions.services import (
    intervention_agree,
    intervention_complete,
    intervention_start,
    intervention_stop,
)
from cases.models import EventKind
from cases.versioning import VERSION_REQUIRED
from tests.factories import MembershipFactory, OrganisationFactory
from tests.html_forms import form_data
from tests.world import in_days, judge, make_region, open_case


@pytest.fixture
def case(region):
    return open_case(region)


def _agree(region, case, **kwargs):
    values = dict(
        kind="vt_onderzoek",
        responsible_organisation=region.vt,
        responsible_professional=region.vt_user,
        start_date=in_days(0),
        due_date=in_days(70),
    )
    values.update(kwargs)
    return intervention_agree(actor=region.cvc_user, case=case, **values)


def test_no_intervention_without_a_completed_joint_judgement(region, case):
    with pytest.raises(ValidationError, match="gezamenlijk oordeel van deze episode"):
        _agree(region, case)
    assert not Intervention.objects.exists()


def test_an_agreed_intervention_records_who_agreed_and_when(region, case):
    judge(region, case)
    intervention = _agree(region, case, agreed_by=[region.cvc, region.vt, region.gi])
    assert set(intervention.agreed_by.all()) == {region.cvc, region.vt, region.gi}
    assert intervention.agreed_at is not None and intervention.episode == case.episode
    event = case.timeline.get(kind=EventKind.INTERVENTION_AGREED)
    assert event.data["intervention_id"] == intervention.pk


def test_a_due_date_before_the_start_is_refused_and_nothing_saved(region, case):
    judge(region, case)
    with pytest.raises(ValidationError) as refusal:
        _agree(region, case, start_date=in_days(10), due_date=in_days(9))
    assert refusal.value.message_dict == {"due_date": ["De einddatum kan niet vóór de startdatum liggen."]}
    assert not Intervention.objects.exists()
    assert not case.timeline.filter(kind=EventKind.INTERVENTION_AGREED).exists()


def test_a_responsible_organisation_that_is_not_on_the_case_is_refused(region, case):
    judge(region, case)
    rvdk = OrganisationFactory(kind="rvdk")
    rvdk_user = MembershipFactory(team=region.team, organisation=rvdk).user
    with pytest.raises(ValidationError) as refusal:
        _agree(
            region,
            case,
            kind="verzoek_tot_onderzoek",
            responsible_organisation=rvdk,
            responsible_professional=rvdk_user,
        )
    message = "Deze organisatie is niet betrokken bij de casus."
    assert refusal.value.message_dict == {"responsible_organisation": [message]}
    assert not Intervention.objects.exists()


def test_the_responsible_professional_must_act_for_the_responsible_organisation(region, case):
    judge(region, case)
    with pytest.raises(ValidationError) as refusal:
        _agree(region, case, responsible_organisation=region.vt, responsible_professional=region.gi_user)
    assert "responsible_professional" in refusal.value.message_dict


def test_partners_that_agreed_must_take_part_in_the_case(region, case):
    judge(region, case)
    with pytest.raises(ValidationError) as refusal:
        _agree(region, case, agreed_by=[region.vt, OrganisationFactory()])
    assert "agreed_by" in refusal.value.message_dict


def test_start_and_complete_record_their_events_with_the_intervention(region, case):
    judge(region, case)
    intervention = _agree(region, case)
    intervention_start(actor=region.vt_user, intervention=intervention, expected_version=intervention.version)
    intervention_complete(
        actor=region.vt_user,
        intervention=intervention,
        result="Onderzoek afgerond",
        expected_version=intervention.version,
    )
    intervention.refresh_from_db()
    assert intervention.status == "afgerond" and intervention.result == "Onderzoek afgerond"
    started = case.timeline.get(kind=EventKind.INTERVENTION_STARTED)
    ended = case.timeline.get(kind=EventKind.INTERVENTION_ENDED)
    assert started.data["intervention_id"] == ended.data["intervention_id"] == intervention.pk
    assert (started.data["status"], ended.data["status"]) == ("lopend", "afgerond")
    history_users = list(intervention.history.order_by("history_id").values_list("history_user", flat=True))
    # agreed by the CVC (a second row records who agreed), started and completed by VT
    assert history_users[0] == region.cvc_user.pk and history_users[-2:] == [region.vt_user.pk, region.vt_user.pk]


def test_an_intervention_can_be_stopped_with_a_reason_but_not_completed_before_it_starts(region, case):
    judge(region, case)
    intervention = _agree(region, case)
    with pytest.raises(ValidationError, match="kan niet naar"):
        intervention_complete(
            actor=region.vt_user, intervention=intervention, result="x", expected_version=intervention.version
        )
    with pytest.raises(ValidationError) as refusal:
        intervention_stop(
            actor=region.vt_user, intervention=intervention, result=" ", expected_version=intervention.version
        )
    assert "result" in refusal.value.message_dict
    intervention_stop(
        actor=region.vt_user, intervention=intervention, result="Gezin verhuisd", expected_version=intervention.version
    )
    assert Intervention.objects.get(pk=intervention.pk).status == "gestopt"
    assert case.timeline.get(kind=EventKind.INTERVENTION_ENDED).data["status"] == "gestopt"


def test_a_stale_status_change_is_refused(region, case):
    judge(region, case)
    intervention = _agree(region, case)
    stale = intervention.version
    intervention_start(actor=region.vt_user, intervention=intervention, expected_version=stale)
    with pytest.raises(ValidationError, match="intussen gewijzigd"):
        intervention_stop(actor=region.cvc_user, intervention=intervention, result="x", expected_version=stale)
    assert Intervention.objects.get(pk=intervention.pk).status == "lopend"


def test_the_intervention_page_agrees_and_starts_an_intervention(region, case, login_verified, client):
    judge(region, case)
    login_verified(client, region.cvc_user)
    url = reverse("intervention-list", kwargs={"case_id": case.pk})
    data = {
        "kind": "veiligheidsplan",
        "responsible_organisation": region.cvc.pk,
        "responsible_professional": region.cvc_user.pk,
        "start_date": in_days(0).isoformat(),
        "due_date": in_days(-1).isoformat(),
        "agreed_by": [region.cvc.pk, region.vt.pk],
    }
    response = client.post(url, data)
    assert (
        response.status_code == 400 and "De einddatum kan niet vóór de startdatum liggen." in response.content.decode()
    )
    assert not Intervention.objects.exists()
    assert client.post(url, {**data, "due_date": in_days(20).isoformat()}).status_code == 302
    intervention = Intervention.objects.get()
    assert set(intervention.agreed_by.all()) == {region.cvc, region.vt}
    detail = reverse("intervention-detail", kwargs={"case_id": case.pk, "intervention_id": intervention.pk})
    assert client.post(detail, {"action": "start", "version": intervention.version}).status_code == 302
    assert Intervention.objects.get().status == "lopend"


def test_the_api_agrees_interventions_only_after_the_joint_judgement_and_answers_409_when_stale(
    region, case, login_verified, client
):
    login_verified(client, region.cvc_user)
    url = f"/api/v1/cases/{case.pk}/interventions/"
    body = {
        "kind": "vt_onderzoek",
        "responsible_organisation": region.vt.pk,
        "responsible_professional": region.vt_user.pk,
        "start_date": in_days(0).isoformat(),
        "due_date": in_days(70).isoformat(),
    }
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400 and "gezamenlijk oordeel" in refused.json()["non_field_errors"][0]
    assessment = client.post(f"/api/v1/cases/{case.pk}/assessments/").json()
    bad_score = client.post(
        f"/api/v1/cases/{case.pk}/assessments/{assessment['id']}/judgement/",
        {"classification": "structureel", "joint_score": 12, "rationale": "x"},
        content_type="application/json",
    )
    assert bad_score.status_code == 400 and "joint_score" in bad_score.json()
    judged = client.post(
        f"/api/v1/cases/{case.pk}/assessments/{assessment['id']}/judgement/",
        {"classification": "structureel", "joint_score": 4, "rationale": "Zorgen"},
        content_type="application/json",
    )
    assert judged.status_code == 201
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.json()
    status_url = f"{url}{created.json()['id']}/status/"
    assert (
        client.post(status_url, {"action": "start", "version": 1}, content_type="application/json").status_code == 200
    )
    stale = client.post(status_url, {"action": "stop", "result": "x", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert client.get(url).json()["results"][0]["status"] == "lopend"


def test_the_api_answers_404_for_a_foreign_case_and_a_foreign_intervention(region, case, login_verified, client):
    judge(region, case)
    intervention = _agree(region, case)
    login_verified(client, make_region().cvc_user)
    assert client.get(f"/api/v1/cases/{case.pk}/interventions/").status_code == 404
    other = open_case(make_region())
    login_verified(client, region.cvc_user)
    assert client.get(f"/api/v1/cases/{other.pk}/interventions/{intervention.pk}/").status_code == 404


def test_the_api_starts_and_completes_an_intervention_and_refuses_a_stale_move(region, case, login_verified, client):
    judge(region, case)
    intervention = _agree(region, case)
    login_verified(client, region.vt_user)
    url = f"/api/v1/cases/{case.pk}/interventions/{intervention.pk}/status/"
    started = client.post(url, {"action": "start", "version": intervention.version})
    assert started.status_code == 200, started.content
    stale = client.post(url, {"action": "stop", "result": "x", "version": intervention.version})
    assert stale.status_code == 409
    done = client.post(url, {"action": "complete", "result": "Onderzoek afgerond", "version": intervention.version + 1})
    assert done.status_code == 200, done.content
    intervention.refresh_from_db()
    assert (intervention.status, intervention.result) == ("afgerond", "Onderzoek afgerond")


def test_a_stale_stop_on_the_page_shows_the_colleagues_start_beside_ones_reason_and_saves_only_when_sent_again(
    region, case, login_verified, client
):
    from django.test import Client

    judge(region, case)
    intervention = _agree(region, case)
    url = reverse("intervention-detail", kwargs={"case_id": case.pk, "intervention_id": intervention.pk})
    colleague = Client()
    login_verified(colleague, region.vt_user)
    login_verified(client, region.cvc_user)
    loaded = form_data(client.get(url).content.decode())
    assert colleague.post(url, {**form_data(colleague.get(url).content.decode()), "action": "start"}).status_code == 302

    stale = client.post(url, {**loaded, "action": "stop", "result": "Gezin verhuisd"})
    assert stale.status_code == 409
    body = stale.content.decode()
    changed = r"Status <span class=\"tag\">gewijzigd door een collega</span></th>\s*<td>lopend</td>\s*<td>—</td>"
    assert re.search(changed, body)
    assert re.search(r"Resultaat of reden</th>\s*<td>—</td>\s*<td>Gezin verhuisd</td>", body)
    reshown = form_data(body)
    assert (reshown["result"], reshown["version"]) == ("", "2")

    # Sent as shown, the stop has no reason: refused, and the colleague's start stands.
    as_shown = client.post(url, {**reshown, "action": "stop"})
    assert as_shown.status_code == 400 and "Geef aan waarom de inzet stopt." in as_shown.content.decode()
    assert Intervention.objects.values_list("status", "version").get() == ("lopend", 2)
    assert client.post(url, {**reshown, "action": "stop", "result": "Gezin verhuisd"}).status_code == 302
    assert Intervention.objects.values_list("status", "result").get() == ("gestopt", "Gezin verhuisd")


def test_an_intervention_move_without_a_version_is_refused_and_nothing_changes(region, case, login_verified, client):
    judge(region, case)
    intervention = _agree(region, case)
    login_verified(client, region.vt_user)
    url = reverse("intervention-detail", kwargs={"case_id": case.pk, "intervention_id": intervention.pk})
    response = client.post(url, {"action": "start"})
    assert response.status_code == 400 and str(VERSION_REQUIRED) in response.content.decode()
    assert Intervention.objects.values_list("status", "version").get() == ("afgesproken", 1)
