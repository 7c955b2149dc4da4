"""Writes on the joint safety assessment: rounds, partner contributions, the joint judgement (its
first version), the partners' standpoints on a version (akkoord or dissent) and veiligheidsvoorwaarden.
Amendments and corrections are in `amendments.py`. One transaction each; callers pass a case (or an
object of a case) they obtained through `cases.selectors.case_for`.
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

from cases.assessments.confidential import judgement_as_read_by
from cases.assessments.models import (
    CONTRIBUTION_CONTENT_FIELDS,
    JUDGEMENT_CONTENT_FIELDS,
    Agreement,
    Assessment,
    Classification,
    ConditionStatus,
    Dissent,
    JointJudgement,
    JointJudgementVersion,
    PartnerContribution,
    PartnerContributionVersion,
    RiskLevel,
    Veiligheidsvoorwaarde,
)
from cases.confidentiality import check_class
from cases.exceptions import AlreadyRecorded, ConcurrentEditError
from cases.idempotency import create_once, lock_row, submission_claim, submission_done
from cases.model_validation import full_clean_held
from cases.models import Case, Confidentiality, EventKind, Participant
from cases.selectors import acting_organisation
from cases.timeline import timeline_record
from cases.versioning import changed_since, history_author, versioned_update
from partners.models import Organisation

# What happens once: one open round per episode, one contribution per organisation per round, one
# joint judgement per round, one standpoint per organisation per judgement version. A second attempt is
# answered with these and the existing row (AlreadyRecorded).
ROUND_ALREADY_OPEN = gettext_lazy(
    "Er loopt al een beoordelingsronde in deze episode. Rond die eerst af met een gezamenlijk oordeel."
)
CONTRIBUTION_ALREADY_RECORDED = gettext_lazy("Uw organisatie heeft al bijgedragen aan deze beoordelingsronde.")
JUDGEMENT_ALREADY_RECORDED = gettext_lazy("Het gezamenlijk oordeel van deze ronde is al vastgelegd.")
DISSENT_ALREADY_RECORDED = gettext_lazy("Het afwijkende standpunt van %(organisation)s is al vastgelegd.")
AGREEMENT_ALREADY_RECORDED = gettext_lazy(
    "%(organisation)s is al akkoord met deze versie van het gezamenlijk oordeel; een standpunt wordt niet overschreven."
)

JUDGEMENT_EPISODE_CLOSED = gettext_lazy(
    "Dit gezamenlijk oordeel hoort bij een afgesloten episode en kan niet meer veranderen."
)
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
    confidentiality: str = Confidentiality.GEDEELD,
    occurred_at: datetime | None = None,
) -> PartnerContribution:
    """Record the actor's organisation's contribution to a round: one per organisation per round,
    readable as its class allows (`cases.confidentiality.check_class`: melder only by Veilig Thuis)."""
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
    check_class(actor=actor, case=case, confidentiality=confidentiality, organisation=organisation)

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
        confidentiality=confidentiality,
        recorded_at=occurred_at or timezone.now(),
    )
    full_clean_held(contribution)
    history_author(contribution, actor)
    create_once(contribution, existing=existing, message=CONTRIBUTION_ALREADY_RECORDED)
    contribution_version_add(contribution, actor=actor, recorded_at=contribution.recorded_at)
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
            "confidentiality": confidentiality,
        },
    )
    return contribution


def contribution_version_add(
    contribution: PartnerContribution, *, actor, recorded_at: datetime, reason: str = ""
) -> PartnerContributionVersion:
    """The version in force of `contribution` (its content and number) as a row of its own."""
    version = PartnerContributionVersion(
        contribution=contribution,
        number=contribution.version,
        **{name: getattr(contribution, name) for name in CONTRIBUTION_CONTENT_FIELDS},
        recorded_by=actor,
        recorded_at=recorded_at,
        reason=reason,
    )
    version.save()
    return version


def judgement_event_data(judgement: JointJudgement) -> dict:
    """The timeline's data of a judgement: the team's decision (score, classification), never its texts."""
    return {
        "assessment_id": judgement.assessment_id,
        "judgement_id": judgement.pk,
        "joint_score": judgement.joint_score,
        "classification": judgement.classification,
        "confidentiality": judgement.confidentiality,
    }


def summary_if_shared(text: str, confidentiality: str) -> str:
    """A reason quoted in the timeline only for gedeeld content: the timeline is read by everyone on the case."""
    return text if confidentiality == Confidentiality.GEDEELD else ""


def judgement_version_add(
    judgement: JointJudgement, *, actor, recorded_at: datetime, reason: str = ""
) -> JointJudgementVersion:
    """The version in force of `judgement` (its content and number) as a row of its own."""
    version = JointJudgementVersion(
        judgement=judgement,
        number=judgement.version,
        **{name: getattr(judgement, name) for name in JUDGEMENT_CONTENT_FIELDS},
        recorded_by=actor,
        recorded_at=recorded_at,
        reason=reason,
    )
    version.save()
    return version


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
    confidentiality: str = Confidentiality.GEDEELD,
    dissents: Iterable[tuple[Organisation, str]] = (),
    occurred_at: datetime | None = None,
) -> JointJudgement:
    """Record the team's one joint judgement of a round (this completes the round): its first
    version, with the family's voice and the dissent of partners who disagree. Its texts are read as
    their class allows; `organisation` is the one the recorder works for (the class's "eigen organisatie")."""
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
        raise AlreadyRecorded(JUDGEMENT_ALREADY_RECORDED, existing=judgement_as_read_by(actor, first.pk))
    organisation = acting_organisation(actor, case)
    check_class(actor=actor, case=case, confidentiality=confidentiality, organisation=organisation)
    judgement = JointJudgement(
        assessment=assessment,
        classification=classification,
        joint_score=joint_score,
        rationale=rationale.strip(),
        parents_view=parents_view.strip(),
        children_view=children_view.strip(),
        parents_present=parents_present,
        children_present=children_present,
        confidentiality=confidentiality,
        organisation=organisation,
        recorded_by=actor,
        recorded_at=occurred_at or timezone.now(),
    )
    full_clean_held(judgement, exclude=["assessment"])  # its one judgement: checked above, under the lock
    history_author(judgement, actor)
    create_once(judgement, existing=existing, message=JUDGEMENT_ALREADY_RECORDED)
    version = judgement_version_add(judgement, actor=actor, recorded_at=judgement.recorded_at)
    timeline_record(
        case=case,
        kind=EventKind.JUDGEMENT_RECORDED,
        actor=actor,
        organisation=organisation,
        occurred_at=judgement.recorded_at,
        data=judgement_event_data(judgement),
    )
    for dissenting, reason in dissents:
        _dissent_create(
            actor=actor, version=version, organisation=dissenting, reason=reason, occurred_at=judgement.recorded_at
        )
    return judgement


def judgement_is_closed(judgement: JointJudgement) -> bool:
    """A judgement of an episode that has ended (the case is closed, or reopened since) is read-only."""
    case = judgement.assessment.case
    return case.is_closed or judgement.assessment.episode != case.episode


def require_open_episode(judgement: JointJudgement) -> None:
    if judgement_is_closed(judgement):
        raise ValidationError(JUDGEMENT_EPISODE_CLOSED)


def current_version(judgement: JointJudgement) -> JointJudgementVersion:
    """The version in force (call under the judgement's lock when a write depends on it)."""
    version = JointJudgementVersion.objects.get(judgement=judgement, number=judgement.version)
    version.judgement = judgement
    return version


def _standpoint_of(version: JointJudgementVersion, organisation: Organisation) -> Agreement | Dissent | None:
    return (
        Agreement.objects.filter(version=version, organisation=organisation).first()
        or Dissent.objects.filter(version=version, organisation=organisation).first()
    )


def _standpoint_check(version: JointJudgementVersion, organisation: Organisation) -> None:
    """One standpoint per organisation per version: akkoord or afwijkend, recorded once, never overwritten."""
    check_participating_organisations(version.judgement.assessment.case, [organisation], field="organisation")
    first = _standpoint_of(version, organisation)
    if first is not None:
        message = (DISSENT_ALREADY_RECORDED if isinstance(first, Dissent) else AGREEMENT_ALREADY_RECORDED) % {
            "organisation": organisation
        }
        raise AlreadyRecorded(message, existing=first, field="organisation")


def _locked_version(actor, judgement: JointJudgement, expected_version: int | None) -> JointJudgementVersion:
    """The version a standpoint is about: the one in force, which must be the one the partner saw
    (`expected_version`; None for the import and the meeting, which take the one in force). A conflict
    shows the judgement as the actor may read it."""
    require_open_episode(judgement)
    locked = JointJudgement.objects.select_for_update().get(pk=judgement.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(
            current=judgement_as_read_by(actor, locked.pk), changed_fields=changed_since(locked, expected_version)
        )
    return current_version(locked)


def _dissent_create(
    *,
    actor,
    version: JointJudgementVersion,
    organisation: Organisation,
    reason: str,
    occurred_at: datetime | None = None,
) -> Dissent:
    judgement = version.judgement
    case = judgement.assessment.case
    if not reason.strip():
        raise ValidationError({"reason": _("Geef de reden van het afwijkende standpunt.")})
    _standpoint_check(version, organisation)
    message = DISSENT_ALREADY_RECORDED % {"organisation": organisation}
    dissent = Dissent(
        judgement=judgement,
        version=version,
        organisation=organisation,
        recorded_by=actor,
        reason=reason.strip(),
        recorded_at=occurred_at or timezone.now(),
    )
    history_author(dissent, actor)
    create_once(
        dissent,
        existing=lambda: Dissent.objects.filter(version=version, organisation=organisation).first(),
        message=message,
        field="organisation",
    )
    # Its own event: the signals of a dissent (notifications) hook on it through cases.timeline.on_event.
    timeline_record(
        case=case,
        kind=EventKind.DISSENT_RECORDED,
        actor=actor,
        organisation=organisation,
        occurred_at=dissent.recorded_at,
        summary=dissent.reason,
        data={
            "assessment_id": judgement.assessment_id,
            "judgement_id": judgement.pk,
            "version": version.number,
            "dissent_id": dissent.pk,
            "organisation_id": organisation.pk,
            "user_id": actor.pk,
        },
    )
    return dissent


@transaction.atomic
def dissent_record(
    *,
    actor,
    judgement: JointJudgement,
    reason: str,
    organisation: Organisation | None = None,
    expected_version: int | None = None,
    occurred_at: datetime | None = None,
) -> Dissent:
    """Record that a partner (by default the actor's own organisation) disagrees with the version of
    the judgement in force, with its reason: once per organisation per version, never overwritten."""
    case = judgement.assessment.case
    organisation = organisation or acting_organisation(actor, case)
    # A second, simultaneous standpoint waits for the judgement's lock and then finds this one.
    version = _locked_version(actor, judgement, expected_version)
    return _dissent_create(
        actor=actor, version=version, organisation=organisation, reason=reason, occurred_at=occurred_at
    )


@transaction.atomic
def agreement_record(
    *,
    actor,
    judgement: JointJudgement,
    organisation: Organisation | None = None,
    expected_version: int | None = None,
    occurred_at: datetime | None = None,
) -> Agreement:
    """Record a partner's (by default the actor's own organisation's) akkoord with the version of the
    judgement in force: once per organisation per version, never overwritten."""
    case = judgement.assessment.case
    organisation = organisation or acting_organisation(actor, case)
    version = _locked_version(actor, judgement, expected_version)
    _standpoint_check(version, organisation)
    agreement = Agreement(
        judgement=judgement,
        version=version,
        organisation=organisation,
        recorded_by=actor,
        recorded_at=occurred_at or timezone.now(),
    )
    create_once(
        agreement,
        existing=lambda: Agreement.objects.filter(version=version, organisation=organisation).first(),
        message=AGREEMENT_ALREADY_RECORDED % {"organisation": organisation},
        field="organisation",
    )
    timeline_record(
        case=case,
        kind=EventKind.AGREEMENT_RECORDED,
        actor=actor,
        organisation=organisation,
        occurred_at=agreement.recorded_at,
        data={
            "assessment_id": judgement.assessment_id,
            "judgement_id": judgement.pk,
            "version": version.number,
            "agreement_id": agreement.pk,
            "organisation_id": organisation.pk,
            "user_id": actor.pk,
        },
    )
    return agreement


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
