"""Amendments: a joint judgement is amended by a new version (its recorder or a coordinator, with a
reason), a partner contribution corrected by its author; the earlier versions stay and are shown.
Never an edit in place (design §5). Callers pass an object of a case they got through `case_for`."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.assessments.confidential import judgement_as_read_by, judgements_shown
from cases.assessments.models import (
    CONTRIBUTION_CONTENT_FIELDS,
    JUDGEMENT_CONTENT_FIELDS,
    Classification,
    JointJudgement,
    JointJudgementVersion,
    PartnerContribution,
    PartnerContributionVersion,
    RiskLevel,
)
from cases.assessments.services import (
    check_score,
    contribution_version_add,
    judgement_event_data,
    judgement_version_add,
    require_open_episode,
    summary_if_shared,
)
from cases.confidentiality import check_class
from cases.exceptions import AlreadySubmitted, ConcurrentEditError
from cases.models import EventKind
from cases.selectors import acting_organisation, working_for
from cases.timeline import timeline_record
from cases.versioning import changed_since, versioned_update
from partners.selectors import user_coordinates_team

# A joint judgement is the record of a decision: amended by a new version, never rewritten (design §5).
AMEND_ONLY_RECORDER_OR_COORDINATOR = gettext_lazy(
    "Alleen wie het gezamenlijk oordeel heeft vastgelegd of een coördinator van het team kan het wijzigen. "
    "Bent u het er niet mee eens? Leg dan een afwijkend standpunt van uw organisatie vast."
)
AMENDMENT_REASON_REQUIRED = gettext_lazy("Geef de reden van de wijziging.")
AMENDMENT_CHANGES_NOTHING = gettext_lazy(
    "Deze wijziging is gelijk aan het oordeel zoals het nu is; er is niets vastgelegd."
)
AMENDMENT_ALREADY_RECORDED = gettext_lazy("Deze wijziging was al verstuurd en is één keer vastgelegd.")
# A contribution is corrected by its author only; the original stays beside the correction.
CONTRIBUTION_EPISODE_CLOSED = gettext_lazy(
    "Deze bijdrage hoort bij een afgesloten episode en kan niet meer veranderen."
)
CORRECT_ONLY_AUTHOR = gettext_lazy("Alleen wie de bijdrage heeft geschreven kan haar corrigeren.")
CORRECTION_REASON_REQUIRED = gettext_lazy("Geef aan wat u corrigeert en waarom.")
CORRECTION_CHANGES_NOTHING = gettext_lazy(
    "Deze correctie is gelijk aan de bijdrage zoals die nu is; er is niets vastgelegd."
)
CORRECTION_ALREADY_RECORDED = gettext_lazy("Deze correctie was al verstuurd en is één keer vastgelegd.")
# Amending rewrites the texts: whoever may not read them (their class) cannot amend them.
AMEND_TEXTS_NOT_READABLE = gettext_lazy(
    "U kunt dit gezamenlijk oordeel niet wijzigen: de teksten zijn vertrouwelijk voor de organisatie die het vastlegde."
)
# The fields an amendment may give; the organisation is always the amender's.
AMENDABLE_JUDGEMENT_FIELDS = tuple(name for name in JUDGEMENT_CONTENT_FIELDS if name != "organisation")


def check_contribution_content(fields: dict) -> None:
    unknown = set(fields) - set(CONTRIBUTION_CONTENT_FIELDS)
    if unknown:
        raise ValidationError(_("Deze velden kunnen hier niet worden gewijzigd: %s") % ", ".join(sorted(unknown)))
    if "safety_score" in fields:
        check_score(fields["safety_score"], field="safety_score")
    if "classification" in fields and fields["classification"] not in Classification.values:
        raise ValidationError({"classification": _("Kies acute, structurele of geen onveiligheid.")})
    if fields.get("risk_level") and fields["risk_level"] not in RiskLevel.values:
        raise ValidationError({"risk_level": _("Kies laag, middel of hoog.")})


def contribution_is_closed(contribution: PartnerContribution) -> bool:
    """A contribution of an episode that has ended is read-only, as the judgement of its round."""
    case = contribution.assessment.case
    return case.is_closed or contribution.assessment.episode != case.episode


@transaction.atomic
def contribution_correct(
    *,
    actor,
    contribution: PartnerContribution,
    expected_version: int | None,
    reason: str,
    occurred_at: datetime | None = None,
    **fields,
) -> PartnerContributionVersion:
    """Correct a contribution: a new version beside the original, which stays in the history and is
    shown as corrected. Only its author may, with a reason, while its episode runs. A stale
    `expected_version` is a conflict; the same correction sent twice is recorded once."""
    if contribution_is_closed(contribution):
        raise ValidationError(CONTRIBUTION_EPISODE_CLOSED)
    case = contribution.assessment.case
    acting_organisation(actor, case)  # the author must still work on the case
    organisation = contribution.organisation
    if actor.pk != contribution.author_id:
        raise PermissionDenied(CORRECT_ONLY_AUTHOR)
    check_contribution_content(fields)
    fields, reason = strip_texts(fields), reason.strip()
    if not reason:
        raise ValidationError({"reason": CORRECTION_REASON_REQUIRED})
    if "confidentiality" in fields:
        check_class(
            actor=actor, case=case, confidentiality=fields["confidentiality"], organisation=contribution.organisation
        )
    locked = PartnerContribution.objects.select_for_update().get(pk=contribution.pk)
    if expected_version is not None and locked.version != expected_version:
        newest = locked.versions.order_by("-number").first()
        if (
            newest is not None
            and newest.number == expected_version + 1
            and newest.reason == reason
            and all(getattr(newest, name) == value for name, value in fields.items())
        ):
            raise AlreadySubmitted(CORRECTION_ALREADY_RECORDED, existing=locked)
        raise ConcurrentEditError(current=locked, changed_fields=changed_since(locked, expected_version))
    if all(getattr(locked, name) == value for name, value in fields.items()):
        raise ValidationError(CORRECTION_CHANGES_NOTHING)
    changes = versioned_update(contribution, actor=actor, expected_version=expected_version, fields=fields)
    for name in CONTRIBUTION_CONTENT_FIELDS:  # the caller's copy now holds the version in force in full
        setattr(contribution, name, fields.get(name, getattr(locked, name)))
    version = contribution_version_add(
        contribution, actor=actor, recorded_at=occurred_at or timezone.now(), reason=reason
    )
    timeline_record(
        case=case,
        kind=EventKind.CONTRIBUTION_CORRECTED,
        actor=actor,
        organisation=organisation,
        occurred_at=version.recorded_at,
        summary=summary_if_shared(reason, contribution.confidentiality),
        data={
            "assessment_id": contribution.assessment_id,
            "contribution_id": contribution.pk,
            "version": version.number,
            "score": contribution.safety_score,
            "classification": contribution.classification,
            "organisation_kind": organisation.kind,
            "confidentiality": contribution.confidentiality,
            "fields": sorted(changes),
        },
    )
    return version


def recorder_or_coordinator(user, judgement: JointJudgement) -> bool:
    """Who may amend a judgement: the one who recorded it, or a coordinator of the case's team."""
    return user.pk == judgement.recorded_by_id or user_coordinates_team(user, judgement.assessment.case.team_id)


def may_amend_judgement(user, judgement: JointJudgement) -> bool:
    """Its recorder or a coordinator of the case's team, still working on the case."""
    return working_for(user, judgement.assessment.case) is not None and recorder_or_coordinator(user, judgement)


def may_read_judgement_texts(user, judgement: JointJudgement) -> bool:
    """Whether `user` reads the texts of the version in force (decided by the database)."""
    return judgements_shown(user).filter(Q(readable=True), pk=judgement.pk).exists()


def check_judgement_content(fields: dict) -> None:
    unknown = set(fields) - set(AMENDABLE_JUDGEMENT_FIELDS)
    if unknown:
        raise ValidationError(_("Deze velden kunnen hier niet worden gewijzigd: %s") % ", ".join(sorted(unknown)))
    if "joint_score" in fields:
        check_score(fields["joint_score"], field="joint_score")
    if "classification" in fields and fields["classification"] not in Classification.values:
        raise ValidationError({"classification": _("Kies acute, structurele of geen onveiligheid.")})
    if "rationale" in fields and not str(fields["rationale"]).strip():
        raise ValidationError({"rationale": _("Onderbouw het gezamenlijk oordeel.")})


def strip_texts(fields: dict) -> dict:
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


@transaction.atomic
def judgement_amend(
    *,
    actor,
    judgement: JointJudgement,
    expected_version: int | None,
    reason: str,
    occurred_at: datetime | None = None,
    **fields,
) -> JointJudgementVersion:
    """Amend the joint judgement: a new version beside the earlier ones, never an edit in place.
    Only its recorder or a coordinator of the case's team may, with a reason, while its episode
    runs; the partners' standpoints are asked again for the new version. A stale `expected_version`
    is a conflict; the same amendment sent twice is recorded once (AlreadySubmitted)."""
    require_open_episode(judgement)
    case = judgement.assessment.case
    organisation = acting_organisation(actor, case)  # PermissionDenied for anyone not working on the case
    if not recorder_or_coordinator(actor, judgement):
        raise PermissionDenied(AMEND_ONLY_RECORDER_OR_COORDINATOR)
    if not may_read_judgement_texts(actor, judgement):
        raise PermissionDenied(AMEND_TEXTS_NOT_READABLE)
    check_judgement_content(fields)
    fields, reason = strip_texts(fields), reason.strip()
    if not reason:
        raise ValidationError({"reason": AMENDMENT_REASON_REQUIRED})
    confidentiality = fields.get("confidentiality", judgement.confidentiality)
    check_class(actor=actor, case=case, confidentiality=confidentiality, organisation=organisation)
    locked = JointJudgement.objects.select_for_update().get(pk=judgement.pk)
    if expected_version is not None and locked.version != expected_version:
        newest = locked.versions.order_by("-number").first()
        if (
            newest is not None
            and newest.number == expected_version + 1
            and newest.recorded_by_id == actor.pk
            and newest.reason == reason
            and all(getattr(newest, name) == value for name, value in fields.items())
        ):
            raise AlreadySubmitted(AMENDMENT_ALREADY_RECORDED, existing=judgement_as_read_by(actor, locked.pk))
        current = judgement_as_read_by(actor, locked.pk)  # the texts only as the amender may read them now
        raise ConcurrentEditError(current=current, changed_fields=changed_since(locked, expected_version))
    if all(getattr(locked, name) == value for name, value in fields.items()):
        raise ValidationError(AMENDMENT_CHANGES_NOTHING)
    fields["organisation"] = organisation  # the texts are now the amender's organisation's (its class)
    changes = versioned_update(judgement, actor=actor, expected_version=expected_version, fields=fields)
    for name in JUDGEMENT_CONTENT_FIELDS:  # the caller's copy now holds the version in force in full
        setattr(judgement, name, fields.get(name, getattr(locked, name)))
    version = judgement_version_add(judgement, actor=actor, recorded_at=occurred_at or timezone.now(), reason=reason)
    timeline_record(
        case=case,
        kind=EventKind.JUDGEMENT_AMENDED,
        actor=actor,
        organisation=organisation,
        occurred_at=version.recorded_at,
        summary=summary_if_shared(reason, judgement.confidentiality),
        data={**judgement_event_data(judgement), "version": version.number, "fields": sorted(changes)},
    )
    return version
