"""Writes on the joint safety assessment: rounds, partner contributions, the joint judgement,
dissent and veiligheidsvoorwaarden. One transaction each; callers pass a case (or an object of a
case) they obtained through `cases.selectors.case_for`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.assessments.models import (
    Assessment,
    Classification,
    ConditionStatus,
    Dissent,
    JointJudgement,
    PartnerContribution,
    RiskLevel,
    Veiligheidsvoorwaarde,
)
from cases.exceptions import AlreadyRecorded
from cases.idempotency import create_once, lock_row, submission_claim, submission_done
from cases.model_validation import full_clean_held
from cases.models import Case, EventKind, Participant
from cases.selectors import acting_organisation
from cases.timeline import timeline_record
from cases.versioning import history_author, versioned_update
from partners.models import Organisation

JUDGEMENT_EDITABLE_FIELDS = (
    "classification",
    "joint_score",
    "rationale",
    "parents_view",
    "children_view",
    "parents_present",
    "children_present",
)

# What happens once: one open round per episode, one contribution per organisation per round, one
# joint judgement per round, one dissent per organisation per judgement. A second attempt is
# answered with these and the existing row (AlreadyRecorded).
ROUND_ALREADY_OPEN = gettext_lazy(
    "Er loopt al een beoordelingsronde in deze episode. Rond die eerst af met een gezamenlijk oordeel."
)
CONTRIBUTION_ALREADY_RECORDED = gettext_lazy("Uw organisatie heeft al bijgedragen aan deze beoordelingsronde.")
JUDGEMENT_ALREADY_RECORDED = gettext_lazy("Het gezamenlijk oordeel van deze ronde is al vastgelegd.")
DISSENT_ALREADY_RECORDED = gettext_lazy("Het afwijkende standpunt van %(organisation)s is al vastgelegd.")
CONDITION_ALREADY_CHECKED = gettext_lazy("Deze veiligheidsvoorwaarde is al gecontroleerd.")
CONTRIBUTION_ALREADY_GIVEN = gettext_lazy("%(organisation)s heeft al bijgedragen aan deze beoordelingsronde.")
# The same form sent twice (a double click).
CONDITION_ALREADY_AGREED = gettext_lazy(
    "Dit formulier was al verstuurd: de veiligheidsvoorwaarde is één keer vastgelegd."
)


# The Signs of Safety scale: 0 = the child cannot stay, 10 = safe enough to close. Forms, serializers
# and the import reuse the range and its message.
SCORE_RANGE = range(0, 11)
SCORE_OUT_OF_RANGE = gettext_lazy("De veiligheidsscore moet een geheel getal van 0 tot en met 10 zijn.")


def require_open_case(case: Case) -> None:
    if case.is_closed:
        raise ValidationError(_("De casus is gesloten. Heropen de casus eerst."))


def check_score(value, *, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORE_RANGE:
        raise ValidationError({field: SCORE_OUT_OF_RANGE})


def check_owner_on_case(case: Case, *, organisation: Organisation, professional, org_field: str, person_field: str):
    """An action's owner must take part in the case: an active participant of that organisation."""
    participating = Participant.objects.active().filter(case=case, organisation=organisation)
    if not participating.exists():
        raise ValidationError({org_field: _("Deze organisatie is niet betrokken bij de casus.")})
    if not participating.filter(professional=professional).exists():
        raise ValidationError(
            {person_field: _("Deze professional is niet namens deze organisatie betrokken bij de casus.")}
        )


def check_participating_organisations(case: Case, organisations, *, field: str) -> None:
    wanted = {organisation.pk for organisation in organisations}
    present = set(
        Participant.objects.active()
        .filter(case=case, organisation_id__in=wanted)
        .values_list("organisation_id", flat=True)
    )
    if wanted - present:
        raise ValidationError({field: _("Alleen organisaties die bij de casus betrokken zijn kunnen hier staan.")})


@transaction.atomic
def assessment_start(*, actor, case: Case, occurred_at: datetime | None = None) -> Assessment:
    """Start a new round of the joint safety assessment in the case's current episode.
    `occurred_at` (here and below) dates a replayed past event (exchange import); default now.
    While a round of the episode is open (no joint judgement yet), that round is the one to work in."""
    require_open_case(case)
    lock_row(case)  # a second, simultaneous start waits here and then finds this round open
    open_round = open_round_of(case)
    if open_round is not None:
        raise AlreadyRecorded(ROUND_ALREADY_OPEN, existing=open_round)
    assessment = Assessment.objects.create(
        case=case, episode=case.episode, created_by=actor, started_at=occurred_at or timezone.now()
    )
    return assessment


def open_round_of(case: Case) -> Assessment | None:
    """The round of the case's current episode that has no joint judgement yet (call under the case's lock)."""
    return Assessment.objects.filter(case=case, episode=case.episode, judgement__isnull=True).order_by("-id").first()


@transaction.atomic
def contribution_add(
    *,
    actor,
    assessment: Assessment,
    safety_score: int,
    classification: str,
    worries: str = "",
    strengths: str = "",
    must_happen: str = "",
    arij_outcome: str = "",
    risk_level: str = "",
    lirik_outcome: str = "",
    occurred_at: datetime | None = None,
) -> PartnerContribution:
    """Record the actor's organisation's contribution to a round: one per organisation per round."""
    case = assessment.case
    require_open_case(case)
    check_score(safety_score, field="safety_score")
    if classification not in Classification.values:
        raise ValidationError({"classification": _("Kies acute, structurele of geen onveiligheid.")})
    if risk_level and risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": _("Kies laag, middel of hoog.")})
    if assessment.episode != case.episode:
        raise ValidationError(_("Deze beoordelingsronde hoort bij een eerdere episode."))
    lock_row(assessment)  # waits for a simultaneous contribution or judgement of this round
    if JointJudgement.objects.filter(assessment=assessment).exists():
        raise ValidationError(_("Het gezamenlijk oordeel van deze ronde is al vastgelegd; start een nieuwe ronde."))
    organisation = acting_organisation(actor, case)

    def existing():
        return PartnerContribution.objects.filter(assessment=assessment, organisation=organisation).first()

    first = existing()
    if first is not None:
        raise AlreadyRecorded(CONTRIBUTION_ALREADY_RECORDED, existing=first)
    contribution = PartnerContribution(
        assessment=assessment,
        organisation=organisation,
        author=actor,
        worries=worries.strip(),
        strengths=strengths.strip(),
        must_happen=must_happen.strip(),
        safety_score=safety_score,
        classification=classification,
        arij_outcome=arij_outcome.strip(),
        risk_level=risk_level,
        lirik_outcome=lirik_outcome.strip(),
        recorded_at=occurred_at or timezone.now(),
    )
    full_clean_held(contribution)
    history_author(contribution, actor)
    create_once(contribution, existing=existing, message=CONTRIBUTION_ALREADY_RECORDED)
    timeline_record(
        case=case,
        kind=EventKind.CONTRIBUTION_ADDED,
        actor=actor,
        organisation=organisation,
        occurred_at=contribution.recorded_at,
        data={
            "assessment_id": assessment.pk,
            "contribution_id": contribution.pk,
            "score": safety_score,
            "classification": classification,
            "organisation_kind": organisation.kind,
        },
    )
    return contribution


def _judgement_data(judgement: JointJudgement) -> dict:
    return {
        "assessment_id": judgement.assessment_id,
        "judgement_id": judgement.pk,
        "joint_score": judgement.joint_score,
        "classification": judgement.classification,
    }


@transaction.atomic
def judgement_record(
    *,
    actor,
    assessment: Assessment,
    classification: str,
    joint_score: int,
    rationale: str,
    parents_view: str = "",
    children_view: str = "",
    parents_present: bool = False,
    children_present: bool = False,
    dissents: Iterable[tuple[Organisation, str]] = (),
    occurred_at: datetime | None = None,
) -> JointJudgement:
    """Record the team's one joint judgement of a round (this completes the round), with the
    family's voice and the dissent of partners who disagree."""
    case = assessment.case
    require_open_case(case)
    check_score(joint_score, field="joint_score")
    if classification not in Classification.values:
        raise ValidationError({"classification": _("Kies acute, structurele of geen onveiligheid.")})
    if not rationale.strip():
        raise ValidationError({"rationale": _("Onderbouw het gezamenlijk oordeel.")})
    if assessment.episode != case.episode:
        raise ValidationError(_("Deze beoordelingsronde hoort bij een eerdere episode."))
    dissenting_ids = [dissenting.pk for dissenting, _reason in dissents]
    if len(set(dissenting_ids)) != len(dissenting_ids):
        raise ValidationError({"dissents": _("Noem elke organisatie met een afwijkend standpunt één keer.")})
    lock_row(assessment)  # a second, simultaneous judgement of this round waits here and then finds this one

    def existing():
        return JointJudgement.objects.filter(assessment=assessment).first()

    first = existing()
    if first is not None:
        raise AlreadyRecorded(JUDGEMENT_ALREADY_RECORDED, existing=first)
    organisation = acting_organisation(actor, case)
    judgement = JointJudgement(
        assessment=assessment,
        classification=classification,
        joint_score=joint_score,
        rationale=rationale.strip(),
        parents_view=parents_view.strip(),
        children_view=children_view.strip(),
        parents_present=parents_present,
        children_present=children_present,
        recorded_by=actor,
        recorded_at=occurred_at or timezone.now(),
    )
    full_clean_held(judgement, exclude=["assessment"])  # its one judgement: checked above, under the lock
    history_author(judgement, actor)
    create_once(judgement, existing=existing, message=JUDGEMENT_ALREADY_RECORDED)
    for dissenting, reason in dissents:
        _dissent_create(
            actor=actor, judgement=judgement, organisation=dissenting, reason=reason, occurred_at=judgement.recorded_at
        )
    timeline_record(
        case=case,
        kind=EventKind.JUDGEMENT_RECORDED,
        actor=actor,
        organisation=organisation,
        occurred_at=judgement.recorded_at,
        data=_judgement_data(judgement),
    )
    return judgement


@transaction.atomic
def judgement_change(*, actor, judgement: JointJudgement, expected_version: int | None, **fields) -> JointJudgement:
    """Correct the joint judgement; history keeps every version and who made it. Dissent is
    separate and never touched here."""
    unknown = set(fields) - set(JUDGEMENT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Deze velden kunnen hier niet worden gewijzigd: %s") % ", ".join(sorted(unknown)))
    case = judgement.assessment.case
    require_open_case(case)
    if "joint_score" in fields:
        check_score(fields["joint_score"], field="joint_score")
    if "rationale" in fields and not str(fields["rationale"]).strip():
        raise ValidationError({"rationale": _("Onderbouw het gezamenlijk oordeel.")})
    changes = versioned_update(judgement, actor=actor, expected_version=expected_version, fields=fields)
    if changes:
        timeline_record(
            case=case,
            kind=EventKind.JUDGEMENT_RECORDED,
            actor=actor,
            data={**_judgement_data(judgement), "revision": judgement.version, "fields": sorted(changes)},
        )
    return judgement


def _dissent_create(
    *, actor, judgement: JointJudgement, organisation: Organisation, reason: str, occurred_at: datetime | None = None
) -> Dissent:
    case = judgement.assessment.case
    if not reason.strip():
        raise ValidationError({"reason": _("Geef de reden van het afwijkende standpunt.")})
    check_participating_organisations(case, [organisation], field="organisation")
    message = DISSENT_ALREADY_RECORDED % {"organisation": organisation}

    def existing():
        return Dissent.objects.filter(judgement=judgement, organisation=organisation).first()

    first = existing()
    if first is not None:
        # Recorded, never overwritten: a partner's dissent stays as it was said.
        raise AlreadyRecorded(message, existing=first, field="organisation")
    dissent = Dissent(
        judgement=judgement,
        organisation=organisation,
        recorded_by=actor,
        reason=reason.strip(),
        recorded_at=occurred_at or timezone.now(),
    )
    history_author(dissent, actor)
    create_once(dissent, existing=existing, message=message, field="organisation")
    return dissent


@transaction.atomic
def dissent_record(
    *,
    actor,
    judgement: JointJudgement,
    reason: str,
    organisation: Organisation | None = None,
    occurred_at: datetime | None = None,
) -> Dissent:
    """Record that a partner (by default the actor's own organisation) disagrees with the judgement."""
    case = judgement.assessment.case
    organisation = organisation or acting_organisation(actor, case)
    lock_row(judgement)  # a second, simultaneous dissent waits here and then finds this one
    dissent = _dissent_create(
        actor=actor, judgement=judgement, organisation=organisation, reason=reason, occurred_at=occurred_at
    )
    timeline_record(
        case=case,
        kind=EventKind.CASE_CHANGED,
        actor=actor,
        organisation=organisation,
        occurred_at=dissent.recorded_at,
        data={"fields": ["dissent"], "judgement_id": judgement.pk, "dissent_id": dissent.pk},
    )
    return dissent


@transaction.atomic
def condition_agree(
    *,
    actor,
    judgement: JointJudgement,
    description: str,
    owner_organisation: Organisation,
    owner,
    check_date: date,
    occurred_at: datetime | None = None,
    submission_key: UUID | None = None,
) -> Veiligheidsvoorwaarde:
    """Agree a veiligheidsvoorwaarde in a joint judgement, owned by a participating organisation
    (`submission_key`: the form's one-time key, see cases.idempotency)."""
    case = judgement.assessment.case
    claim = submission_claim(
        actor=actor, key=submission_key, model=Veiligheidsvoorwaarde, case=case, message=CONDITION_ALREADY_AGREED
    )
    require_open_case(case)
    if not description.strip():
        raise ValidationError({"description": _("Beschrijf de veiligheidsvoorwaarde.")})
    agreed_at = occurred_at or timezone.now()
    if check_date < timezone.localdate(agreed_at):
        raise ValidationError({"check_date": _("De controledatum kan niet in het verleden liggen.")})
    check_owner_on_case(
        case, organisation=owner_organisation, professional=owner, org_field="owner_organisation", person_field="owner"
    )
    condition = Veiligheidsvoorwaarde(
        case=case,
        judgement=judgement,
        description=description.strip(),
        owner_organisation=owner_organisation,
        owner=owner,
        check_date=check_date,
        agreed_at=agreed_at,
    )
    full_clean_held(condition)
    history_author(condition, actor)
    condition.save()
    timeline_record(
        case=case,
        kind=EventKind.CONDITION_AGREED,
        actor=actor,
        organisation=owner_organisation,
        occurred_at=agreed_at,
        data={"condition_id": condition.pk, "judgement_id": judgement.pk},
    )
    submission_done(claim, created=condition, case=case)
    return condition


@transaction.atomic
def condition_check(
    *,
    actor,
    condition: Veiligheidsvoorwaarde,
    met: bool,
    expected_version: int | None,
    occurred_at: datetime | None = None,
) -> Veiligheidsvoorwaarde:
    """Record whether an open veiligheidsvoorwaarde was met. One timeline entry with the outcome: a
    condition not met is a breach (`condition_breached`), a safety signal the workflows react to
    (notifications, the next meeting's agenda); a second check of the same condition is refused."""
    if condition.status != ConditionStatus.OPEN:
        raise ValidationError(CONDITION_ALREADY_CHECKED)
    status = ConditionStatus.MET if met else ConditionStatus.NOT_MET
    versioned_update(
        condition,
        actor=actor,
        expected_version=expected_version,
        fields={"status": status, "checked_at": occurred_at or timezone.now()},
    )
    timeline_record(
        case=condition.case,
        kind=EventKind.CONDITION_CHECKED if met else EventKind.CONDITION_BREACHED,
        actor=actor,
        organisation=condition.owner_organisation,
        occurred_at=condition.checked_at,
        data={"condition_id": condition.pk, "status": status},
    )
    return condition


@transaction.atomic
def contribution_request(*, actor, assessment: Assessment, organisation: Organisation) -> None:
    """Ask a participating partner for its contribution to an open round (a timeline entry; its
    professionals on the case are notified). Refused once the partner contributed or the round is judged."""
    case = assessment.case
    require_open_case(case)
    if assessment.episode != case.episode or JointJudgement.objects.filter(assessment=assessment).exists():
        raise ValidationError(_("Deze beoordelingsronde is afgerond; een bijdrage vragen kan niet meer."))
    check_participating_organisations(case, [organisation], field="organisation")
    if PartnerContribution.objects.filter(assessment=assessment, organisation=organisation).exists():
        raise ValidationError({"organisation": CONTRIBUTION_ALREADY_GIVEN % {"organisation": organisation}})
    timeline_record(
        case=case,
        kind=EventKind.CONTRIBUTION_REQUESTED,
        actor=actor,
        organisation=acting_organisation(actor, case),
        summary=str(organisation),
        data={"assessment_id": assessment.pk, "organisation_id": organisation.pk},
    )
