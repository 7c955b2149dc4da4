"""Registering and deciding the family's requests (`cases.requests.models`).

Each step is one timeline event carrying the request's id (never its content), from which the
deadline engine opens, extends and closes the request's term (workflows: "verzoek-gezin", one month
extendable by two; a destruction request keeps the three-month "vernietigingsverzoek" rule and the
checks of `destruction_request_register`).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.assessments.services import acting_organisation
from cases.idempotency import submission_claim, submission_done
from cases.investigations.services import destruction_request_allowed, event_moment
from cases.models import Case, EventKind, Person
from cases.requests.models import FamilyRequest, RequestDecision, RequestKind
from cases.timeline import timeline_record
from cases.versioning import versioned_update

REQUEST_ALREADY_SUBMITTED = gettext_lazy("Dit formulier was al verstuurd: het verzoek is één keer geregistreerd.")
REQUEST_PERSON_NOT_OF_CASE = gettext_lazy("Kies een persoon van deze casus.")
REQUEST_PERSON_REQUIRED = gettext_lazy("Kies wie om vernietiging vraagt.")
REQUEST_NAME_REQUIRED = gettext_lazy("Geef de naam van wie het verzoek doet.")
REQUEST_DATE_IN_FUTURE = gettext_lazy("Deze datum ligt in de toekomst.")
REQUEST_ALREADY_DECIDED = gettext_lazy("Op dit verzoek is al besloten.")
REQUEST_REFUSAL_NEEDS_GROUND = gettext_lazy(
    "Een afwijzing heeft een grond: een zwaarwegend belang van een ander of een wettelijke plicht."
)
REQUEST_DECISION_NEEDS_REASON = gettext_lazy("Geef de motivering van het besluit.")
REQUEST_GROUND_ONLY_ON_REFUSAL = gettext_lazy("Een grond van afwijzing hoort alleen bij een afwijzing.")
REQUEST_EXTENSION_NEEDS_REASON = gettext_lazy("Geef de reden om de termijn te verlengen.")
REQUEST_ALREADY_EXTENDED = gettext_lazy("De termijn van dit verzoek is al verlengd.")
REQUEST_DESTRUCTION_NOT_EXTENDED = gettext_lazy("De termijn van drie maanden voor vernietiging wordt niet verlengd.")


@transaction.atomic
def family_request_register(
    *,
    actor,
    case: Case,
    kind: str,
    requester_name: str,
    relation: str,
    identity_check: str,
    received_on: date,
    person: Person | None = None,
    text: str = "",
    submission_key: UUID | None = None,
) -> FamilyRequest:
    """Register a request of the family; opens its term. Also on a closed case (the file is theirs).
    `submission_key`: the form's one-time key (a double click registers one request)."""
    organisation = acting_organisation(actor, case)  # refuses whoever does not work on the case
    claim = submission_claim(
        actor=actor, key=submission_key, model=FamilyRequest, case=case, message=REQUEST_ALREADY_SUBMITTED
    )
    if person is not None and person.case_id != case.pk:
        raise ValidationError({"person": str(REQUEST_PERSON_NOT_OF_CASE)})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": str(REQUEST_DATE_IN_FUTURE)})
    requester_name = (requester_name or (person.full_name if person else "")).strip()
    if not requester_name:
        raise ValidationError({"requester_name": str(REQUEST_NAME_REQUIRED)})
    if kind == RequestKind.VERNIETIGING:
        if person is None:
            raise ValidationError({"person": str(REQUEST_PERSON_REQUIRED)})
        refusal = destruction_request_allowed(person, on=received_on)
        if refusal:
            raise ValidationError({"person": refusal})
    request = FamilyRequest(
        case=case,
        kind=kind,
        person=person,
        requester_name=requester_name,
        relation=relation,
        identity_check=identity_check,
        received_on=received_on,
        text=text,
        registered_by=actor,
        organisation=organisation,
    )
    request.full_clean()
    request.save()
    event_kind = (
        EventKind.DESTRUCTION_REQUESTED if kind == RequestKind.VERNIETIGING else EventKind.FAMILY_REQUEST_RECEIVED
    )
    data: dict[str, object] = {"request_id": request.pk, "kind": kind, "on": received_on.isoformat()}
    if person is not None:
        data.update(person_id=person.pk, role=person.role)
    timeline_record(
        case=case,
        kind=event_kind,
        actor=actor,
        organisation=organisation,
        occurred_at=event_moment(received_on),
        # Free text for the case page's timeline; emptied when the case is destroyed.
        summary=requester_name
        if kind == RequestKind.VERNIETIGING
        else f"{request.get_kind_display()}: {requester_name}",
        data=data,
    )
    submission_done(claim, created=request, case=case)
    return request


@transaction.atomic
def family_request_extend(*, actor, request: FamilyRequest, reason: str, expected_version: int | None) -> FamilyRequest:
    """Extend the term by two months, once, with a reason (AVG art. 12 lid 3)."""
    organisation = acting_organisation(actor, request.case)
    if request.kind == RequestKind.VERNIETIGING:
        raise ValidationError(REQUEST_DESTRUCTION_NOT_EXTENDED)
    if request.decision:
        raise ValidationError(REQUEST_ALREADY_DECIDED)
    if request.extended_at is not None:
        raise ValidationError(REQUEST_ALREADY_EXTENDED)
    if not reason.strip():
        raise ValidationError({"reason": str(REQUEST_EXTENSION_NEEDS_REASON)})
    versioned_update(
        request,
        actor=actor,
        expected_version=expected_version,
        fields={"extension_reason": reason.strip(), "extended_at": timezone.now()},
    )
    timeline_record(
        case=request.case,
        kind=EventKind.FAMILY_REQUEST_EXTENDED,
        actor=actor,
        organisation=organisation,
        data={"request_id": request.pk, "kind": request.kind},
    )
    return request


def check_decision(*, decision: str, refusal_ground: str, reason: str) -> None:
    """The decision's rules: a reasoning always; a refusal names its ground, only a refusal does."""
    if decision not in RequestDecision.values:
        raise ValidationError({"decision": str(REQUEST_DECISION_NEEDS_REASON)})
    if decision == RequestDecision.REFUSED and not refusal_ground:
        raise ValidationError({"refusal_ground": str(REQUEST_REFUSAL_NEEDS_GROUND)})
    if decision != RequestDecision.REFUSED and refusal_ground:
        raise ValidationError({"refusal_ground": str(REQUEST_GROUND_ONLY_ON_REFUSAL)})
    if not reason.strip():
        raise ValidationError({"decision_reason": str(REQUEST_DECISION_NEEDS_REASON)})


@transaction.atomic
def family_request_decide(
    *,
    actor,
    request: FamilyRequest,
    decision: str,
    decision_reason: str,
    expected_version: int | None,
    refusal_ground: str = "",
) -> FamilyRequest:
    """Decide the request with its reasoning; closes its term."""
    organisation = acting_organisation(actor, request.case)
    if request.decision:
        raise ValidationError(REQUEST_ALREADY_DECIDED)
    check_decision(decision=decision, refusal_ground=refusal_ground, reason=decision_reason)
    versioned_update(
        request,
        actor=actor,
        expected_version=expected_version,
        fields={
            "decision": decision,
            "refusal_ground": refusal_ground,
            "decision_reason": decision_reason.strip(),
            "decided_at": timezone.now(),
            "decided_by": actor,
        },
    )
    kind = (
        EventKind.DESTRUCTION_DECIDED if request.kind == RequestKind.VERNIETIGING else EventKind.FAMILY_REQUEST_DECIDED
    )
    timeline_record(
        case=request.case,
        kind=kind,
        actor=actor,
        organisation=organisation,
        data={"request_id": request.pk, "kind": request.kind, "decision": decision},
    )
    return request
