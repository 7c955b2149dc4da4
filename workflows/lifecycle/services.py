"""The case lifecycle (DESIGN.md §4): which status may follow which, and on what condition.

One table of allowed moves with their guards; every move is a compare-and-set on the case row
(locked, status and version checked, version bumped) and a STATUS_CHANGED event with who and why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.assessments.models import ConditionStatus, PartnerContribution, Veiligheidsvoorwaarde
from cases.assessments.selectors import completed_judgement_exists
from cases.exceptions import ConcurrentEditError
from cases.interventions.models import OPEN_INTERVENTION_STATUSES, Intervention
from cases.models import CLOSED_STATUSES, Case, CaseStatus, EventKind
from cases.selectors import working_for
from cases.timeline import timeline_record
from cases.versioning import changed_since, history_author
from partners.models import Organisation, User
from partners.selectors import user_coordinates_team

S = CaseStatus


@dataclass(frozen=True)
class Attempt:
    """What a guard looks at: the locked case, who moves it and the coordinator's override."""

    case: Case
    actor: User
    override_reason: str


# A guard returns None when the move may happen, else the refusal (in the user's language).
Guard = Callable[[Attempt], str | None]


def has_contribution(attempt: Attempt) -> str | None:
    episode = attempt.case.episode
    if PartnerContribution.objects.filter(assessment__case=attempt.case, assessment__episode=episode).exists():
        return None
    return _("Er is nog geen bijdrage van een partner aan de veiligheidsbeoordeling.")


def has_joint_judgement(attempt: Attempt) -> str | None:
    if completed_judgement_exists(attempt.case):
        return None
    return _("Eerst moet het gezamenlijk oordeel van deze episode zijn vastgelegd.")


def has_agreed_intervention(attempt: Attempt) -> str | None:
    if Intervention.objects.filter(case=attempt.case, episode=attempt.case.episode).exists():
        return None
    return _("Er is in deze episode nog geen inzet afgesproken.")


def no_crisis(attempt: Attempt) -> str | None:
    if not attempt.case.crisis:
        return None
    return _("De casus staat op het crisispad (acute onveiligheid). Hef dat eerst op.")


def nothing_open_or_overridden(attempt: Attempt) -> str | None:
    """No closure with open interventions or unmet veiligheidsvoorwaarden, unless a coordinator of
    the team records why."""
    case = attempt.case
    open_interventions = Intervention.objects.filter(case=case, status__in=OPEN_INTERVENTION_STATUSES).count()
    unmet = Veiligheidsvoorwaarde.objects.filter(
        case=case, status__in=[ConditionStatus.OPEN, ConditionStatus.NOT_MET]
    ).count()
    if not open_interventions and not unmet:
        return None
    if not attempt.override_reason.strip():
        return _(
            "De casus heeft nog %(interventions)d openstaande inzet en %(conditions)d niet-nagekomen "
            "veiligheidsvoorwaarden. Alleen een coördinator kan toch afsluiten, met een reden."
        ) % {"interventions": open_interventions, "conditions": unmet}
    if not user_coordinates_team(attempt.actor, case.team_id):
        return _("Alleen een coördinator van het team kan afsluiten terwijl er nog inzet of voorwaarden openstaan.")
    return None


CLOSING_GUARDS: tuple[Guard, ...] = (no_crisis, nothing_open_or_overridden)

# (from, to) -> guards. Anything not in this table is refused.
TRANSITIONS: dict[tuple[str, str], tuple[Guard, ...]] = {
    (S.AANGEMELD, S.VEILIGHEIDSBEOORDELING): (),
    (S.VEILIGHEIDSBEOORDELING, S.GEZAMENLIJKE_ANALYSE): (has_contribution,),
    (S.GEZAMENLIJKE_ANALYSE, S.INZET_AFGESPROKEN): (has_joint_judgement, has_agreed_intervention),
    (S.INZET_AFGESPROKEN, S.MONITORING): (),
    # A new assessment round when monitoring shows things changed.
    (S.INZET_AFGESPROKEN, S.GEZAMENLIJKE_ANALYSE): (),
    (S.MONITORING, S.GEZAMENLIJKE_ANALYSE): (),
    # Closing: handed back to the local team (afgeschaald) or closed; early closure when the
    # assessment finds no unsafety goes through the same guards.
    (S.MONITORING, S.AFGESCHAALD): CLOSING_GUARDS,
    (S.MONITORING, S.AFGESLOTEN): CLOSING_GUARDS,
    (S.GEZAMENLIJKE_ANALYSE, S.AFGESCHAALD): (*CLOSING_GUARDS, has_joint_judgement),
    (S.GEZAMENLIJKE_ANALYSE, S.AFGESLOTEN): (*CLOSING_GUARDS, has_joint_judgement),
    (S.VEILIGHEIDSBEOORDELING, S.AFGESCHAALD): CLOSING_GUARDS,
    (S.AANGEMELD, S.AFGESLOTEN): CLOSING_GUARDS,
}


def allowed_targets(case: Case) -> list[str]:
    """The statuses the table allows from the case's status (guards not yet checked)."""
    return [to for (frm, to) in TRANSITIONS if frm == case.status]


def _lock(case: Case, *, expected_version: int, expected_status: str | None = None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked, changed_fields=changed_since(locked, expected_version))
    if expected_status is not None and locked.status != expected_status:
        raise ValidationError({"status": _("De status van de casus is intussen gewijzigd.")})
    return locked


def _save(locked: Case, case: Case, *, actor, fields: list[str]) -> None:
    locked.version += 1
    history_author(locked, actor)
    locked.save(update_fields=[*fields, "version"])
    for name in (*fields, "version"):
        setattr(case, name, getattr(locked, name))


def _acting_organisation(actor, case: Case) -> Organisation | None:
    # The timeline names the organisation; a step by someone outside the case (an import) names none.
    working = working_for(actor, case)
    return working[0] if working else None


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden voor deze stap.")})
    return reason.strip()


@transaction.atomic
def case_transition(
    *,
    actor,
    case: Case,
    to: str,
    reason: str,
    expected_version: int,
    override_reason: str = "",
    occurred_at: datetime | None = None,
) -> Case:
    """Move the case to status `to` if the table allows it from its status and every guard agrees;
    otherwise a ValidationError that says why, and nothing changes. `occurred_at` (here and below)
    dates a replayed past event (exchange import); default now."""
    reason = _require_reason(reason)
    locked = _lock(case, expected_version=expected_version, expected_status=case.status)
    frm = locked.status
    if (frm, to) not in TRANSITIONS:
        raise ValidationError(
            {
                "to": _("Van '%(from)s' kan de casus niet naar '%(to)s'.")
                % {"from": S(frm).label, "to": S(to).label if to in S.values else to}
            }
        )
    attempt = Attempt(case=locked, actor=actor, override_reason=override_reason)
    refusals = [message for guard in TRANSITIONS[(frm, to)] if (message := guard(attempt))]
    if refusals:
        raise ValidationError(refusals)
    locked.status = to
    fields = ["status"]
    if to in CLOSED_STATUSES:
        locked.closed_at = occurred_at or timezone.now()
        fields.append("closed_at")
    _save(locked, case, actor=actor, fields=fields)
    data: dict[str, object] = {"from": frm, "to": to}
    summary = reason
    if (
        override_reason.strip()
        and to in CLOSED_STATUSES
        and nothing_open_or_overridden(Attempt(case=locked, actor=actor, override_reason=""))
    ):
        data["override"] = True
        summary = f"{reason} — {_('afgesloten met openstaande punten')}: {override_reason.strip()}"
    timeline_record(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        occurred_at=occurred_at,
        organisation=_acting_organisation(actor, case),
        summary=summary,
        data=data,
    )
    return case


@transaction.atomic
def case_flag_crisis(
    *, actor, case: Case, reason: str, expected_version: int, occurred_at: datetime | None = None
) -> Case:
    """Acute onveiligheid: puts an open case on the crisis path, whatever its status."""
    reason = _require_reason(reason)
    locked = _lock(case, expected_version=expected_version)
    if locked.status in CLOSED_STATUSES:
        raise ValidationError(_("Een gesloten casus kan niet op het crisispad. Heropen de casus eerst."))
    if locked.crisis:
        raise ValidationError(_("De casus staat al op het crisispad."))
    locked.crisis = True
    _save(locked, case, actor=actor, fields=["crisis"])
    timeline_record(
        case=case,
        kind=EventKind.CRISIS_FLAGGED,
        actor=actor,
        occurred_at=occurred_at,
        organisation=_acting_organisation(actor, case),
        summary=reason,
        data={"status": locked.status},
    )
    return case


@transaction.atomic
def case_resolve_crisis(
    *, actor, case: Case, reason: str, expected_version: int, occurred_at: datetime | None = None
) -> Case:
    """The acute unsafety is over; the case continues on its normal path."""
    reason = _require_reason(reason)
    locked = _lock(case, expected_version=expected_version)
    if not locked.crisis:
        raise ValidationError(_("De casus staat niet op het crisispad."))
    locked.crisis = False
    _save(locked, case, actor=actor, fields=["crisis"])
    timeline_record(
        case=case,
        kind=EventKind.CRISIS_RESOLVED,
        actor=actor,
        occurred_at=occurred_at,
        organisation=_acting_organisation(actor, case),
        summary=reason,
        data={"status": locked.status},
    )
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str, expected_version: int, occurred_at: datetime | None = None) -> Case:
    """Reopen a closed case as a new episode (a re-report): back to aangemeld. One CASE_REOPENED event
    with the move (from, to) and the reason; no separate STATUS_CHANGED."""
    reason = _require_reason(reason)
    locked = _lock(case, expected_version=expected_version, expected_status=case.status)
    frm = locked.status
    if frm not in CLOSED_STATUSES:
        raise ValidationError({"to": _("Alleen een gesloten casus kan worden heropend.")})
    locked.status = S.AANGEMELD
    locked.episode += 1
    locked.closed_at = None
    locked.crisis = False
    _save(locked, case, actor=actor, fields=["status", "episode", "closed_at", "crisis"])
    # One entry for the one step: the new episode and the move back to aangemeld together.
    timeline_record(
        case=case,
        kind=EventKind.CASE_REOPENED,
        actor=actor,
        organisation=_acting_organisation(actor, case),
        summary=reason,
        occurred_at=occurred_at,
        data={"episode": case.episode, "from": frm, "to": S.AANGEMELD},
    )
    return case


def case_step(
    *,
    actor,
    case: Case,
    step: str,
    reason: str,
    expected_version: int,
    override_reason: str = "",
) -> Case:
    """One of the status page's and the API's steps by name: "to:<status>", "crisis", "resolve_crisis"
    or "reopen"."""
    common = {"actor": actor, "case": case, "reason": reason, "expected_version": expected_version}
    if step.startswith("to:"):
        return case_transition(to=step[3:], override_reason=override_reason, **common)
    services = {"crisis": case_flag_crisis, "resolve_crisis": case_resolve_crisis, "reopen": case_reopen}
    return services[step](**common)
