"""Writes on the veiligheidsplan: a new version (never an edit in place) and an akkoord with a version.

Callers pass a case they got through `case_for`. Every rule's message is a constant here; the forms,
the serializers and the import reuse them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.assessments.models import Veiligheidsvoorwaarde
from cases.assessments.services import require_open_case
from cases.exceptions import AlreadyRecorded, AlreadySubmitted, ConcurrentEditError
from cases.idempotency import create_once, lock_row
from cases.interventions.models import Intervention
from cases.models import Case, EventKind, Participant, Person, PersonRole
from cases.safety_plans.models import AgreementWay, NetworkCommitment, PlanAgreement, SafetyPlan, SafetyPlanVersion
from cases.selectors import acting_organisation
from cases.timeline import timeline_record
from partners.models import Organisation

SCALE_RANGE = range(0, 11)
DANGER_STATEMENT_REQUIRED = gettext_lazy("Schrijf ten minste één gevaarsstatement.")
DANGER_STATEMENT_EMPTY = gettext_lazy("Een gevaarsstatement mag niet leeg zijn.")
GOAL_REQUIRED = gettext_lazy("Schrijf ten minste één veiligheidsdoel met een schaal.")
GOAL_EMPTY = gettext_lazy("Een veiligheidsdoel mag niet leeg zijn.")
SCALE_OUT_OF_RANGE = gettext_lazy("De veiligheidsschaal moet een geheel getal van 0 tot en met 10 zijn.")
WARNING_SIGN_INCOMPLETE = gettext_lazy("Schrijf bij elk waarschuwingssignaal ook wat er dan gebeurt.")
NETWORK_REQUIRED = gettext_lazy("Noem ten minste één persoon uit het netwerk en wat die doet.")
NETWORK_PERSON_NOT_IN_CASE = gettext_lazy(
    "Kies een ouder, verzorger of netwerklid van dit gezin (personen met de rol netwerk, ouder of verzorger)."
)
COMMITMENT_EMPTY = gettext_lazy("Schrijf wat deze persoon doet als het nodig is.")
MONITORING_REQUIRED = gettext_lazy("Beschrijf hoe het plan in de gaten wordt gehouden.")
EVALUATION_BEFORE_RECORDING = gettext_lazy("De evaluatiedatum kan niet vóór vandaag liggen.")
LINK_NOT_IN_CASE = gettext_lazy("Kies alleen veiligheidsvoorwaarden en inzet van deze casus.")
CHANGE_REASON_REQUIRED = gettext_lazy("Schrijf wat er in deze versie is veranderd.")
PLAN_CHANGES_NOTHING = gettext_lazy("Deze versie is gelijk aan het plan zoals het nu is; er is niets vastgelegd.")
PLAN_ALREADY_RECORDED = gettext_lazy("Deze versie was al verstuurd en is één keer vastgelegd.")
AGREEMENT_ONE_PARTY = gettext_lazy("Kies één persoon of één organisatie die akkoord gaat.")
AGREEMENT_PERSON_NOT_IN_CASE = gettext_lazy("Kies een persoon van dit gezin.")
AGREEMENT_ORGANISATION_NOT_IN_CASE = gettext_lazy("Deze organisatie is niet betrokken bij de casus.")
AGREEMENT_WAY_INVALID = gettext_lazy("Kies hoe het akkoord is gegeven: in een overleg of op papier.")
AGREEMENT_DATE_INVALID = gettext_lazy("De datum van het akkoord ligt vóór deze versie of in de toekomst.")
AGREEMENT_OLD_VERSION = gettext_lazy("Er is een nieuwere versie van het plan. Geef akkoord op de nieuwste versie.")
AGREEMENT_ALREADY_RECORDED = gettext_lazy("Dit akkoord is al vastgelegd voor deze versie.")

# Who can commit to the plan and sign it as the family: not the children's professionals.
NETWORK_ROLES = (PersonRole.OUDER, PersonRole.VERZORGER, PersonRole.NETWERK)
MAX_ITEMS = 30


@dataclass(frozen=True)
class Commitment:
    person: Person
    commitment: str


def _texts(values: Iterable, *, field: str, required, empty) -> list[str]:
    texts = [str(value).strip() for value in values]
    if not texts:
        raise ValidationError({field: required})
    if any(not text for text in texts):
        raise ValidationError({field: empty})
    return texts


def check_scale(value, *, field: str = "safety_goals") -> int:
    """A safety scale: a whole number 0-10 (an int, never a bool, a fraction or a Unicode digit)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE_RANGE:
        raise ValidationError({field: SCALE_OUT_OF_RANGE})
    return value


def _goals(goals: Iterable[dict]) -> list[dict]:
    cleaned = []
    for goal in goals:
        text = str(goal.get("text", "")).strip()
        if not text:
            raise ValidationError({"safety_goals": GOAL_EMPTY})
        cleaned.append({"text": text, "scale": check_scale(goal.get("scale"))})
    if not cleaned:
        raise ValidationError({"safety_goals": GOAL_REQUIRED})
    return cleaned


def _signs(signs: Iterable[dict]) -> list[dict]:
    cleaned = []
    for sign in signs:
        text, action = str(sign.get("sign", "")).strip(), str(sign.get("action", "")).strip()
        if not text or not action:
            raise ValidationError({"warning_signs": WARNING_SIGN_INCOMPLETE})
        cleaned.append({"sign": text, "action": action})
    return cleaned


def _commitments(case: Case, commitments: Iterable[Commitment]) -> list[Commitment]:
    cleaned = []
    for item in commitments:
        person = item.person
        if person.case_id != case.pk or person.removed_at is not None or person.role not in NETWORK_ROLES:
            raise ValidationError({"commitments": NETWORK_PERSON_NOT_IN_CASE})
        if not item.commitment.strip():
            raise ValidationError({"commitments": COMMITMENT_EMPTY})
        cleaned.append(Commitment(person, item.commitment.strip()))
    if not cleaned:
        raise ValidationError({"commitments": NETWORK_REQUIRED})
    return cleaned


def version_content(version: SafetyPlanVersion) -> dict:
    """What a version says, comparable between versions (the meeting's 'what changed' and double sends)."""
    return {
        "danger_statements": list(version.danger_statements),
        "safety_goals": list(version.safety_goals),
        "warning_signs": list(version.warning_signs),
        "monitoring": version.monitoring,
        "evaluation_on": version.evaluation_on,
        "commitments": [(c.person_id, c.commitment) for c in version.commitments.all()],
        "conditions": sorted(c.pk for c in version.conditions.all()),
        "interventions": sorted(i.pk for i in version.interventions.all()),
    }


def plan_for_episode(case: Case) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(case=case, episode=case.episode).first()


@transaction.atomic
def plan_version_record(
    *,
    actor,
    case: Case,
    expected_version: int,
    danger_statements: Iterable[str],
    safety_goals: Iterable[dict],
    commitments: Iterable[Commitment],
    monitoring: str,
    evaluation_on: date,
    warning_signs: Iterable[dict] = (),
    conditions: Iterable[Veiligheidsvoorwaarde] = (),
    interventions: Iterable[Intervention] = (),
    reason: str = "",
    occurred_at: datetime | None = None,
) -> SafetyPlanVersion:
    """Record the next version of the case's plan for this episode (the first makes the plan).
    `expected_version` is the number of the newest version the editor saw (0 for none): a stale one
    is a conflict, the same version sent twice is recorded once. From version 2 on, say what changed."""
    require_open_case(case)
    organisation = acting_organisation(actor, case)  # PermissionDenied for anyone not working on the case
    recorded_at = occurred_at or timezone.now()
    statements = _texts(
        danger_statements, field="danger_statements", required=DANGER_STATEMENT_REQUIRED, empty=DANGER_STATEMENT_EMPTY
    )
    goals, signs, monitoring = _goals(safety_goals), _signs(warning_signs), monitoring.strip()
    content: dict[str, object] = {
        "danger_statements": statements,
        "safety_goals": goals,
        "warning_signs": signs,
        "monitoring": monitoring,
        "evaluation_on": evaluation_on,
    }
    if not monitoring:
        raise ValidationError({"monitoring": MONITORING_REQUIRED})
    if evaluation_on < timezone.localdate(recorded_at):
        raise ValidationError({"evaluation_on": EVALUATION_BEFORE_RECORDING})
    commitments = _commitments(case, commitments)
    conditions, interventions = list(conditions), list(interventions)
    linked_cases = {c.case_id for c in conditions} | {i.case_id for i in interventions}
    if linked_cases - {case.pk}:
        raise ValidationError({"conditions": LINK_NOT_IN_CASE})
    if any(len(items) > MAX_ITEMS for items in (statements, goals, signs)):
        raise ValidationError({"danger_statements": gettext_lazy("Hoogstens 30 regels per onderdeel.")})
    content["commitments"] = [(c.person.pk, c.commitment) for c in commitments]
    content["conditions"] = sorted(c.pk for c in conditions)
    content["interventions"] = sorted(i.pk for i in interventions)
    reason = reason.strip()

    lock_row(case)  # two first versions at once: the second waits and then sees the plan
    plan, _created = SafetyPlan.objects.get_or_create(case=case, episode=case.episode)
    plan = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
    newest = plan.versions.order_by("-number").first()
    if plan.version != expected_version:
        if (
            newest is not None
            and newest.number == expected_version + 1
            and newest.recorded_by_id == actor.pk
            and version_content(newest) == content
        ):
            raise AlreadySubmitted(PLAN_ALREADY_RECORDED, existing=newest)
        raise ConcurrentEditError(current=plan, changed_fields={"version": (expected_version, plan.version)})
    if newest is not None:
        if version_content(newest) == content:
            raise ValidationError(PLAN_CHANGES_NOTHING)
        if not reason:
            raise ValidationError({"reason": CHANGE_REASON_REQUIRED})
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=plan.version + 1,
        danger_statements=statements,
        safety_goals=goals,
        warning_signs=signs,
        monitoring=monitoring,
        evaluation_on=evaluation_on,
        reason=reason,
        recorded_by=actor,
        organisation=organisation,
        recorded_at=recorded_at,
    )
    version.conditions.set(conditions)
    version.interventions.set(interventions)
    NetworkCommitment.objects.bulk_create(
        NetworkCommitment(version=version, person=c.person, commitment=c.commitment, position=i)
        for i, c in enumerate(commitments)
    )
    plan.version, plan.evaluation_on = version.number, evaluation_on
    plan.save(update_fields=["version", "evaluation_on"])
    data = {"safety_plan_id": plan.pk, "version": version.number, "evaluation_on": evaluation_on.isoformat()}
    # The recorded version closes the previous evaluation's deadline; the planned one opens the next.
    timeline_record(
        case=case,
        kind=EventKind.SAFETY_PLAN_RECORDED,
        actor=actor,
        organisation=organisation,
        occurred_at=recorded_at,
        summary=reason,
        data=data,
    )
    timeline_record(
        case=case,
        kind=EventKind.PLAN_EVALUATION_PLANNED,
        actor=actor,
        organisation=organisation,
        occurred_at=recorded_at,
        data=data,
    )
    return version


@transaction.atomic
def plan_agreement_record(
    *,
    actor,
    version: SafetyPlanVersion,
    agreed_on: date,
    way: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    occurred_at: datetime | None = None,
) -> PlanAgreement:
    """Record that a named parent or network member (`person`) or a partner (`organisation`) agreed to
    this version, on which day and how (in a meeting, on paper). Only the newest version is agreed to;
    each party once per version."""
    case = version.plan.case
    require_open_case(case)
    acting = acting_organisation(actor, case)
    if (person is None) == (organisation is None):
        raise ValidationError(AGREEMENT_ONE_PARTY)
    if person is not None and (person.case_id != case.pk or person.removed_at is not None):
        raise ValidationError({"person": AGREEMENT_PERSON_NOT_IN_CASE})
    if (
        organisation is not None
        and not Participant.objects.active().filter(case=case, organisation=organisation).exists()
    ):
        raise ValidationError({"organisation": AGREEMENT_ORGANISATION_NOT_IN_CASE})
    if way not in AgreementWay.values:
        raise ValidationError({"way": AGREEMENT_WAY_INVALID})
    recorded_at = occurred_at or timezone.now()
    if agreed_on < timezone.localdate(version.recorded_at) or agreed_on > timezone.localdate(recorded_at):
        raise ValidationError({"agreed_on": AGREEMENT_DATE_INVALID})
    lock_row(version.plan)
    plan = SafetyPlan.objects.get(pk=version.plan_id)
    if plan.version != version.number:
        raise ValidationError(AGREEMENT_OLD_VERSION)
    party = {"person": person} if person is not None else {"organisation": organisation}
    field = next(iter(party))

    def existing():
        return PlanAgreement.objects.filter(version=version, **party).first()

    if existing() is not None:
        raise AlreadyRecorded(AGREEMENT_ALREADY_RECORDED, existing=existing(), field=field)
    agreement = PlanAgreement(
        version=version, agreed_on=agreed_on, way=way, recorded_by=actor, recorded_at=recorded_at, **party
    )
    create_once(agreement, existing=existing, message=AGREEMENT_ALREADY_RECORDED, field=field)
    timeline_record(
        case=case,
        kind=EventKind.SAFETY_PLAN_AGREED,
        actor=actor,
        organisation=acting,
        occurred_at=recorded_at,
        data={
            "safety_plan_id": plan.pk,
            "version": version.number,
            "party": field,
            "way": way,
            "person_role": person.role if person is not None else "",
            "organisation_kind": organisation.kind if organisation is not None else "",
        },
    )
    return agreement
