"""The veiligheidsplan: versions and akkoorden through the services, the pages and the API; stale and
double sends; bad input in Dutch with nothing saved; the evaluation date as a deadline."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cases.exceptions import ConcurrentEditError
from cases.models import EventKind
from cases.safety_plans import services
from cases.safety_plans.models import NetworkCommitment, PlanAgreement, SafetyPlan, SafetyPlanVersion
from cases.safety_plans.selectors import current_version, is_agreed
from cases.safety_plans.services import Commitment, plan_agreement_record, plan_version_record
from cases.services import person_add
from tests.html_forms import form_data
from tests.world import in_days, open_case
from workflows.deadlines.models import Deadline, DeadlineState


@pytest.fixture
def case(region):
    return open_case(region)


@pytest.fixture
def family(case, region):
    mother = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Sanne Jansen")
    aunt = person_add(actor=region.cvc_user, case=case, role="netwerk", full_name="Tante Ria Jansen")
    return mother, aunt


def record(region, case, family, *, expected_version=0, **changes):
    mother, aunt = family
    values = dict(
        danger_statements=["We zijn bang dat Tim weer geslagen wordt als vader boos is."],
        safety_goals=[{"text": "Tim is thuis veilig, ook als vader boos wordt.", "scale": 4}],
        commitments=[
            Commitment(aunt, "Tante Ria haalt Tim op als moeder belt."),
            Commitment(mother, "Moeder belt tante Ria als vader drinkt."),
        ],
        warning_signs=[{"sign": "Vader drinkt", "action": "Moeder belt tante Ria"}],
        monitoring="Het vaste gezicht belt elke week met moeder.",
        evaluation_on=in_days(28),
    )
    values.update(changes)
    return plan_version_record(actor=region.cvc_user, case=case, expected_version=expected_version, **values)


def test_a_change_is_a_new_version_and_the_earlier_one_stays(region, case, family):
    first = record(region, case, family)
    second = record(region, case, family, expected_version=1, monitoring="Elke twee weken.", reason="Minder vaak")
    assert (first.number, second.number) == (1, 2)
    assert SafetyPlanVersion.objects.get(pk=first.pk).monitoring == "Het vaste gezicht belt elke week met moeder."
    assert SafetyPlan.objects.get(case=case).version == 2
    assert current_version(case).pk == second.pk
    kinds = list(case.timeline.filter(kind__startswith="safety_plan").values_list("kind", flat=True))
    assert kinds == [EventKind.SAFETY_PLAN_RECORDED, EventKind.SAFETY_PLAN_RECORDED]


def test_the_database_refuses_to_change_a_recorded_version(region, case, family):
    version = record(region, case, family)
    with pytest.raises(DatabaseError), transaction.atomic():
        SafetyPlanVersion.objects.filter(pk=version.pk).update(monitoring="stiekem anders")
    with pytest.raises(DatabaseError), transaction.atomic():
        NetworkCommitment.objects.filter(version=version).update(commitment="stiekem anders")


def test_a_new_version_needs_its_reason_and_a_change(region, case, family):
    record(region, case, family)
    with pytest.raises(services.ValidationError) as refusal:
        record(region, case, family, expected_version=1, monitoring="Elke twee weken.")
    assert refusal.value.message_dict == {"reason": [str(services.CHANGE_REASON_REQUIRED)]}
    with pytest.raises(services.ValidationError, match="gelijk aan het plan"):
        record(region, case, family, expected_version=1, reason="Niets")
    assert SafetyPlanVersion.objects.count() == 1


def test_a_stale_version_number_is_a_conflict_and_saves_nothing(region, case, family):
    record(region, case, family)
    record(region, case, family, expected_version=1, monitoring="Elke twee weken.", reason="Minder vaak")
    with pytest.raises(ConcurrentEditError):
        record(region, case, family, expected_version=1, monitoring="Dagelijks.", reason="Vaker")
    assert SafetyPlanVersion.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"danger_statements": ["  "]}, "danger_statements", services.DANGER_STATEMENT_EMPTY),
        ({"danger_statements": []}, "danger_statements", services.DANGER_STATEMENT_REQUIRED),
        ({"safety_goals": [{"text": "Veilig", "scale": 11}]}, "safety_goals", services.SCALE_OUT_OF_RANGE),
        ({"safety_goals": [{"text": "Veilig", "scale": True}]}, "safety_goals", services.SCALE_OUT_OF_RANGE),
        ({"commitments": []}, "commitments", services.NETWORK_REQUIRED),
        ({"monitoring": " "}, "monitoring", services.MONITORING_REQUIRED),
        ({"evaluation_on": in_days(-1)}, "evaluation_on", services.EVALUATION_BEFORE_RECORDING),
    ],
)
def test_bad_plan_input_is_refused_in_dutch_and_nothing_saved(region, case, family, changes, field, message):
    with pytest.raises(services.ValidationError) as refusal:
        record(region, case, family, **changes)
    assert refusal.value.message_dict == {field: [str(message)]}
    assert not SafetyPlanVersion.objects.exists()
    assert not case.timeline.filter(kind=EventKind.SAFETY_PLAN_RECORDED).exists()


def test_a_child_or_a_person_of_another_family_cannot_commit_in_the_network(region, case, family):
    child = person_add(actor=region.cvc_user, case=case, role="jeugdige", full_name="Tim Jansen")
    other_case = open_case(region, family_name="Gezin Pietersen")
    stranger = person_add(actor=region.cvc_user, case=other_case, role="netwerk", full_name="Buurman Piet")
    for person in (child, stranger):
        with pytest.raises(services.ValidationError) as refusal:
            record(region, case, family, commitments=[Commitment(person, "Helpt")])
        assert refusal.value.message_dict == {"commitments": [str(services.NETWORK_PERSON_NOT_IN_CASE)]}
    assert not SafetyPlanVersion.objects.exists()


def test_agreed_means_a_parent_and_a_partner_agreed_to_the_newest_version(region, case, family):
    mother, aunt = family
    version = record(region, case, family)
    today = timezone.localdate()
    plan_agreement_record(actor=region.cvc_user, version=version, person=aunt, agreed_on=today, way="meeting")
    assert not is_agreed(current_version(case))
    plan_agreement_record(actor=region.cvc_user, version=version, person=mother, agreed_on=today, way="paper")
    plan_agreement_record(
        actor=region.cvc_user, version=version, organisation=region.vt, agreed_on=today, way="meeting"
    )
    assert is_agreed(current_version(case))
    with pytest.raises(services.AlreadyRecorded):
        plan_agreement_record(actor=region.cvc_user, version=version, person=mother, agreed_on=today, way="paper")
    second = record(region, case, family, expected_version=1, monitoring="Anders.", reason="Evaluatie")
    assert not is_agreed(current_version(case))  # a new version is agreed again
    with pytest.raises(services.ValidationError, match="nieuwere versie"):
        plan_agreement_record(actor=region.cvc_user, version=version, person=aunt, agreed_on=today, way="paper")
    assert second.agreements.count() == 0 and PlanAgreement.objects.count() == 3


def test_the_evaluation_date_is_a_deadline_that_the_next_version_closes(region, case, family):
    record(region, case, family, evaluation_on=in_days(28))
    deadline = Deadline.objects.get(case=case, rule__code="veiligheidsplan-evaluatie", state=DeadlineState.OPEN)
    assert timezone.localdate(deadline.due_at) >= in_days(28)
    record(region, case, family, expected_version=1, evaluation_on=in_days(56), reason="Geëvalueerd")
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    following = Deadline.objects.get(case=case, rule__code="veiligheidsplan-evaluatie", state=DeadlineState.OPEN)
    assert timezone.localdate(following.due_at) >= in_days(56)


# --- the pages


def _plan_url(case):
    return reverse("safety-plan", kwargs={"case_id": case.pk})


def _page_post(case, family, expected_version=0, **changes):
    mother, aunt = family
    data = {
        "expected_version": str(expected_version),
        "danger_statements": "We zijn bang dat Tim geslagen wordt.\nWe zijn bang dat niemand het merkt.",
        "goal_1": "Tim is thuis veilig",
        "scale_1": "4",
        "person_1": str(aunt.pk),
        "commitment_1": "Tante Ria haalt Tim op als moeder belt.",
        "sign_1": "Vader drinkt",
        "action_1": "Moeder belt tante Ria",
        "monitoring": "Het vaste gezicht belt elke week.",
        "evaluation_on": in_days(28).isoformat(),
    }
    data.update(changes)
    return data


def test_versions_and_agreements_round_trip_through_the_pages(client, login_verified, region, case, family):
    login_verified(client, region.cvc_user)
    response = client.post(_plan_url(case), _page_post(case, family))
    assert response.status_code == 302
    version = current_version(case)
    assert version.danger_statements == ["We zijn bang dat Tim geslagen wordt.", "We zijn bang dat niemand het merkt."]
    assert version.safety_goals == [{"text": "Tim is thuis veilig", "scale": 4}]
    # The next version starts from the page as the browser got it: the version in force, filled in.
    page = client.get(_plan_url(case)).content.decode()
    data = form_data(page, with_field="expected_version")
    assert data["expected_version"] == "1" and data["scale_1"] == "4"
    data.update(scale_1="6", reason="Het gaat beter")
    assert client.post(_plan_url(case), data).status_code == 302
    assert current_version(case).safety_goals == [{"text": "Tim is thuis veilig", "scale": 6}]
    mother, _aunt = family
    agree = reverse("safety-plan-agree", kwargs={"case_id": case.pk})
    day = timezone.localdate().isoformat()
    assert client.post(agree, {"person": mother.pk, "agreed_on": day, "way": "paper"}).status_code == 302
    assert client.post(agree, {"organisation": region.cvc.pk, "agreed_on": day, "way": "meeting"}).status_code == 302
    page = client.get(_plan_url(case)).content.decode()
    assert "Sanne Jansen" in page and "op papier getekend" in page and "Afgesproken" in page
    assert "Het gaat beter" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"danger_statements": ""}, services.DANGER_STATEMENT_REQUIRED),
        ({"scale_1": "11"}, services.SCALE_OUT_OF_RANGE),
        ({"scale_1": "٥"}, services.SCALE_OUT_OF_RANGE),
        ({"commitment_1": ""}, services.COMMITMENT_EMPTY),
        ({"evaluation_on": "٢٠٢٧-٠١-٠١"}, "geldige datum"),
    ],
)
def test_bad_input_on_the_page_is_a_dutch_400_and_saves_nothing(
    client, login_verified, region, case, family, changes, message
):
    login_verified(client, region.cvc_user)
    response = client.post(_plan_url(case), _page_post(case, family, **changes))
    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert not SafetyPlanVersion.objects.exists()


def test_two_clicks_on_the_page_record_one_version(client, login_verified, region, case, family):
    login_verified(client, region.cvc_user)
    data = _page_post(case, family)
    assert client.post(_plan_url(case), data).status_code == 302
    again = client.post(_plan_url(case), data, follow=True)
    assert "één keer vastgelegd" in again.content.decode()
    assert SafetyPlanVersion.objects.count() == 1


def test_a_colleagues_newer_version_on_the_page_is_a_409_and_saves_nothing(
    client, login_verified, region, case, family
):
    login_verified(client, region.cvc_user)
    record(region, case, family)
    record(region, case, family, expected_version=1, monitoring="Door de GI.", reason="Ander toezicht")
    stale = _page_post(case, family, expected_version=1, reason="Mijn wijziging")
    response = client.post(_plan_url(case), stale)
    assert response.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    assert SafetyPlanVersion.objects.count() == 2


# --- the API


def _api_body(family, **changes):
    mother, aunt = family
    body = {
        "expected_version": 0,
        "danger_statements": ["We zijn bang dat Tim geslagen wordt."],
        "safety_goals": [{"text": "Tim is veilig", "scale": 3}],
        "commitments": [{"person": aunt.pk, "commitment": "Tante Ria haalt Tim op."}],
        "warning_signs": [{"sign": "Vader drinkt", "action": "Moeder belt tante Ria"}],
        "monitoring": "Wekelijks contact.",
        "evaluation_on": in_days(30).isoformat(),
    }
    body.update(changes)
    return body


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_versions_and_agreements_round_trip_through_the_api(client, login_verified, region, case, family):
    login_verified(client, region.cvc_user)
    versions = reverse("api-safety-plan-versions", kwargs={"case_id": case.pk})
    created = _post(client, versions, _api_body(family))
    assert created.status_code == 201, created.content
    assert created.json()["number"] == 1
    second = _post(client, versions, _api_body(family, expected_version=1, monitoring="Anders.", reason="Evaluatie"))
    assert second.status_code == 201
    stale = _post(client, versions, _api_body(family, expected_version=1, monitoring="Weer anders.", reason="X"))
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    mother, _aunt = family
    agreements = reverse("api-safety-plan-agreements", kwargs={"case_id": case.pk, "plan_version": 2})
    day = timezone.localdate().isoformat()
    assert _post(client, agreements, {"person": mother.pk, "agreed_on": day, "way": "paper"}).status_code == 201
    assert (
        _post(client, agreements, {"organisation": region.vt.pk, "agreed_on": day, "way": "meeting"}).status_code == 201
    )
    twice = _post(client, agreements, {"person": mother.pk, "agreed_on": day, "way": "paper"})
    assert twice.status_code == 409 and "al vastgelegd" in twice.json()["detail"]
    plan = client.get(reverse("api-safety-plan", kwargs={"case_id": case.pk})).json()
    assert [v["number"] for v in plan["versions"]] == [2, 1]
    assert plan["versions"][0]["agreed"] is True
    assert plan["versions"][0]["monitoring"] == "Anders." and plan["versions"][1]["monitoring"] == "Wekelijks contact."
    assert {a["way"] for a in plan["versions"][0]["agreements"]} == {"paper", "meeting"}


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"danger_statements": [""]}, services.DANGER_STATEMENT_EMPTY),
        ({"danger_statements": []}, services.DANGER_STATEMENT_REQUIRED),
        ({"safety_goals": [{"text": "Veilig", "scale": 11}]}, services.SCALE_OUT_OF_RANGE),
        ({"safety_goals": [{"text": "Veilig", "scale": "٥"}]}, services.SCALE_OUT_OF_RANGE),
        ({"evaluation_on": "٢٠٢٧-٠١-٠١"}, "verkeerde formaat"),
        ({"expected_version": "١"}, "geldig getal"),
    ],
)
def test_bad_input_through_the_api_is_a_dutch_400_and_saves_nothing(
    client, login_verified, region, case, family, changes, needle
):
    login_verified(client, region.cvc_user)
    response = _post(
        client, reverse("api-safety-plan-versions", kwargs={"case_id": case.pk}), _api_body(family, **changes)
    )
    assert response.status_code == 400, response.content
    assert str(needle) in response.content.decode()
    assert not SafetyPlanVersion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_first_versions_sent_at_once_record_one(region, family):
    case = family[0].case
    results: list[object] = []

    def send():
        try:
            results.append(record(region, case, family))
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test compares
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert SafetyPlanVersion.objects.filter(plan__case=case).count() == 1
    assert sum(isinstance(r, SafetyPlanVersion) for r in results) == 1
    assert any(isinstance(r, services.AlreadySubmitted) for r in results)


# --- queries


def test_the_plan_page_costs_the_same_queries_for_one_or_three_versions(
    client, login_verified, region, case, family, django_assert_num_queries
):
    login_verified(client, region.cvc_user)
    record(region, case, family)
    client.get(_plan_url(case))  # warm the session and permission caches
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        assert client.get(_plan_url(case)).status_code == 200
    record(region, case, family, expected_version=1, monitoring="B", reason="B")
    record(region, case, family, expected_version=2, monitoring="C", reason="C", evaluation_on=in_days(40))
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        assert client.get(_plan_url(case)).status_code == 200
    family_url = reverse("safety-plan-family", kwargs={"case_id": case.pk})
    client.get(family_url)
    with django_assert_num_queries(FAMILY_PAGE_QUERIES):
        assert client.get(family_url).status_code == 200


# 23: the persons a version names come through their class (cases.record_reads), one query for all.
PLAN_PAGE_QUERIES = 23
FAMILY_PAGE_QUERIES = 15


def test_destroying_the_case_overwrites_the_plans_texts_though_versions_refuse_every_other_change(region, case, family):
    from cases.retention.erase import TOMBSTONE, erase_content

    version = record(region, case, family)
    erase_content(case.pk)
    version.refresh_from_db()
    assert version.monitoring == TOMBSTONE and version.danger_statements == [] and version.safety_goals == []
    assert set(NetworkCommitment.objects.filter(version=version).values_list("commitment", flat=True)) == {TOMBSTONE}
    assert version.evaluation_on == in_days(28)  # dates stay for the metrics


def test_the_timeline_says_which_version_and_who_agreed(client, login_verified, region, case, family):
    from cases.timeline_display import timeline_lines

    mother, _aunt = family
    version = record(region, case, family)
    plan_agreement_record(
        actor=region.cvc_user, version=version, person=mother, agreed_on=timezone.localdate(), way="paper"
    )
    kinds = [EventKind.SAFETY_PLAN_RECORDED, EventKind.PLAN_EVALUATION_PLANNED, EventKind.SAFETY_PLAN_AGREED]
    lines = timeline_lines(case.timeline.filter(kind__in=kinds).order_by("id"))
    assert [line.text for line in lines] == [
        "versie 1",
        f"versie 1. evaluatie op {in_days(28).day} {date_format(in_days(28), 'F Y')}",
        "versie 1. ouder",
    ]


def test_the_case_page_links_to_the_plan(client, login_verified, region, case):
    login_verified(client, region.cvc_user)
    page = client.get(reverse("case-detail", kwargs={"case_id": case.pk})).content.decode()
    assert f'href="{_plan_url(case)}"' in page


def test_the_api_knows_no_person_condition_or_intervention_of_another_case(
    client, login_verified, region, case, family
):
    other = open_case(region, family_name="Gezin Pietersen")
    stranger = person_add(actor=region.cvc_user, case=other, role="netwerk", full_name="Buurman Piet")
    login_verified(client, region.cvc_user)
    body = _api_body(family, commitments=[{"person": stranger.pk, "commitment": "Helpt"}])
    response = _post(client, reverse("api-safety-plan-versions", kwargs={"case_id": case.pk}), body)
    assert response.status_code == 400 and "Buurman" not in response.content.decode()
    missing = _api_body(family, commitments=[{"person": 999999999, "commitment": "Helpt"}])
    refused = _post(client, reverse("api-safety-plan-versions", kwargs={"case_id": case.pk}), missing)
    # The same answer as for an id that does not exist at all: nothing to learn about the other case.
    assert refused.status_code == 400
    assert response.content.decode().replace(str(stranger.pk), "X") == refused.content.decode().replace(
        "999999999", "X"
    )
    assert not SafetyPlanVersion.objects.exists()


def test_the_api_knows_no_person_whose_details_the_caller_may_not_read(client, login_verified, region, case, family):
    # A network member Veilig Thuis keeps to itself: the CVC professional may not read who it is.
    hidden = person_add(
        actor=region.vt_user,
        case=case,
        role="netwerk",
        full_name="Buurvrouw Eigenorg",
        confidentiality="eigen_organisatie",
    )
    login_verified(client, region.cvc_user)
    versions = reverse("api-safety-plan-versions", kwargs={"case_id": case.pk})
    response = _post(client, versions, _api_body(family, commitments=[{"person": hidden.pk, "commitment": "Helpt"}]))
    missing = _post(client, versions, _api_body(family, commitments=[{"person": 999999999, "commitment": "Helpt"}]))
    assert response.status_code == 400 and "Eigenorg" not in response.content.decode()
    assert response.content.decode().replace(str(hidden.pk), "X") == missing.content.decode().replace("999999999", "X")
    assert not SafetyPlanVersion.objects.exists()
    # The plan itself can be recorded; an akkoord in the hidden person's name is refused the same way.
    assert _post(client, versions, _api_body(family)).status_code == 201
    agreements = reverse("api-safety-plan-agreements", kwargs={"case_id": case.pk, "plan_version": 1})
    body = {"person": hidden.pk, "agreed_on": timezone.localdate().isoformat(), "way": "paper"}
    refused = _post(client, agreements, body)
    assert refused.status_code == 400 and "person" in refused.content.decode()
    assert not PlanAgreement.objects.exists()
    # Veilig Thuis itself may name its own network member in the plan.
    client.logout()
    login_verified(client, region.vt_user)
    body = _api_body(
        family, expected_version=1, reason="Buurvrouw erbij", commitments=[{"person": hidden.pk, "commitment": "Helpt"}]
    )
    assert _post(client, versions, body).status_code == 201
