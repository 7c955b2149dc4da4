"""The family's requests: registered with who asks and how they were identified, a term in the
deadline engine (one month, extended by two with a reason), and a decision with its reasoning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.requests.models import FamilyRequest
from cases.requests.services import (
    REQUEST_DECISION_NEEDS_REASON,
    REQUEST_EXTENSION_NEEDS_REASON,
    REQUEST_REFUSAL_NEEDS_GROUND,
    family_request_decide,
    family_request_extend,
    family_request_register,
)
from cases.services import person_add
from tests.world import open_case
from workflows.deadlines.calendar import add_months
from workflows.deadlines.models import Deadline, DeadlineState


@pytest.fixture
def family(region):
    case = open_case(region)
    parent = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Fenna Verzoeker")
    return case, parent


def register(region, case, parent, *, kind="inzage", days_ago=20):
    return family_request_register(
        actor=region.cvc_user,
        case=case,
        kind=kind,
        person=parent,
        requester_name="",
        relation="ouder",
        identity_check="document",
        received_on=timezone.localdate() - timedelta(days=days_ago),
    )


def deadline_of(request: FamilyRequest) -> Deadline:
    return Deadline.objects.get(case=request.case, subject=f"request:{request.pk}")


def test_a_request_opens_a_term_of_one_month_named_for_the_request_not_the_family(region, family):
    case, parent = family
    request = register(region, case, parent)
    assert request.requester_name == "Fenna Verzoeker"  # taken from the chosen person
    deadline = deadline_of(request)
    assert deadline.rule.code == "verzoek-gezin" and deadline.state == DeadlineState.OPEN
    received = request.received_on
    assert timezone.localdate(deadline.due_at) >= add_months(received, 1)
    assert timezone.localdate(deadline.due_at) < add_months(received, 1) + timedelta(days=5)  # Atw: next working day


def test_extending_needs_a_reason_and_runs_the_term_to_three_months_once(region, family):
    case, parent = family
    request = register(region, case, parent)
    with pytest.raises(ValidationError) as refused:
        family_request_extend(actor=region.cvc_user, request=request, reason="  ", expected_version=request.version)
    assert str(REQUEST_EXTENSION_NEEDS_REASON) in refused.value.messages
    family_request_extend(
        actor=region.cvc_user,
        request=request,
        reason="Veel stukken van drie partners",
        expected_version=request.version,
    )
    deadline = deadline_of(request)
    assert timezone.localdate(deadline.due_at) >= add_months(request.received_on, 3)
    with pytest.raises(ValidationError):
        family_request_extend(
            actor=region.cvc_user, request=request, reason="Nog eens", expected_version=request.version
        )


def test_a_refusal_without_ground_or_reasoning_is_refused_and_a_decision_closes_the_term(region, family):
    case, parent = family
    request = register(region, case, parent)
    with pytest.raises(ValidationError) as no_ground:
        family_request_decide(
            actor=region.cvc_user, request=request, decision="afgewezen", decision_reason="Nee", expected_version=1
        )
    assert str(REQUEST_REFUSAL_NEEDS_GROUND) in no_ground.value.messages
    with pytest.raises(ValidationError) as no_reason:
        family_request_decide(
            actor=region.cvc_user,
            request=request,
            decision="afgewezen",
            refusal_ground="belang_ander",
            decision_reason=" ",
            expected_version=1,
        )
    assert str(REQUEST_DECISION_NEEDS_REASON) in no_reason.value.messages
    assert deadline_of(request).state == DeadlineState.OPEN
    family_request_decide(
        actor=region.cvc_user,
        request=request,
        decision="afgewezen",
        refusal_ground="belang_ander",
        decision_reason="Het verslag noemt de grootmoeder, die daar een zwaarwegend belang bij heeft.",
        expected_version=1,
    )
    assert deadline_of(request).state == DeadlineState.MET
    assert FamilyRequest.objects.get(pk=request.pk).decided_by == region.cvc_user


def test_a_destruction_request_runs_three_months_and_its_decision_closes_it(region, family):
    case, parent = family
    request = register(region, case, parent, kind="vernietiging", days_ago=3)
    deadline = deadline_of(request)
    assert deadline.rule.code == "vernietigingsverzoek"
    assert timezone.localdate(deadline.due_at) >= add_months(request.received_on, 3)
    family_request_decide(
        actor=region.cvc_user,
        request=request,
        decision="toegewezen",
        decision_reason="Geen bewaarplicht.",
        expected_version=1,
    )
    assert deadline_of(request).state == DeadlineState.MET


def test_a_young_child_cannot_ask_for_destruction_and_an_outsider_registers_nothing(region, family):
    case, _parent = family
    young = person_add(
        actor=region.cvc_user, case=case, role="jeugdige", full_name="Kleintje", date_of_birth=date(2020, 1, 1)
    )
    with pytest.raises(ValidationError):
        register(region, case, young, kind="vernietiging")
    with pytest.raises(PermissionDenied):
        family_request_register(
            actor=region.outsider,
            case=case,
            kind="inzage",
            requester_name="Iemand",
            relation="ouder",
            identity_check="document",
            received_on=timezone.localdate(),
        )
    assert not FamilyRequest.objects.filter(case=case).exists()


def test_the_requests_term_shows_on_the_coordinators_deadline_dashboard(region, family, client, login_verified):
    case, parent = family
    request = register(region, case, parent, days_ago=20)
    deadline = deadline_of(request)
    login_verified(client, region.coordinator)
    body = client.get("/termijnen/").content.decode()
    assert f'href="/termijnen/{deadline.pk}/"' in body
    assert "Verzoek van het gezin afhandelen" in body
