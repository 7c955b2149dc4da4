"""Reads on the veiligheidsplan. Every function takes a case obtained through `case_for` (or a plan
or version of such a case)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Case, PersonRole
from cases.safety_plans.models import NetworkCommitment, PlanAgreement, SafetyPlan, SafetyPlanVersion

# A version is agreed when at least one parent or carer and at least one partner have given their akkoord.
FAMILY_SIGNERS = (PersonRole.OUDER, PersonRole.VERZORGER)


def plan_of(case: Case) -> SafetyPlan | None:
    """The plan of the case's current episode, or None."""
    return SafetyPlan.objects.filter(case=case, episode=case.episode).first()


def versions_of(plan: SafetyPlan) -> QuerySet[SafetyPlanVersion]:
    """The plan's versions, newest first, with what they say and who agreed (a fixed number of queries)."""
    return (
        plan.versions.select_related("recorded_by", "organisation")
        .prefetch_related(
            Prefetch("commitments", queryset=NetworkCommitment.objects.select_related("person")),
            Prefetch("agreements", queryset=PlanAgreement.objects.select_related("person", "organisation")),
            "conditions__owner_organisation",
            "conditions__owner",
            "interventions__responsible_organisation",
            "interventions__responsible_professional",
        )
        .order_by("-number")
    )


def current_version(case: Case) -> SafetyPlanVersion | None:
    plan = plan_of(case)
    if plan is None or plan.version == 0:
        return None
    return versions_of(plan).filter(number=plan.version).first()


def is_agreed(version: SafetyPlanVersion) -> bool:
    """A parent or carer and a partner agreed to this version (uses prefetched agreements)."""
    agreements = list(version.agreements.all())
    family = any(a.person is not None and a.person.role in FAMILY_SIGNERS for a in agreements)
    partner = any(a.organisation_id is not None for a in agreements)
    return family and partner


CHANGE_LABELS = {
    "danger_statements": _("gevaarsstatements"),
    "safety_goals": _("veiligheidsdoelen en schalen"),
    "warning_signs": _("waarschuwingssignalen"),
    "monitoring": _("hoe het plan in de gaten wordt gehouden"),
    "evaluation_on": _("evaluatiedatum"),
    "commitments": _("afspraken met het netwerk"),
    "conditions": _("veiligheidsvoorwaarden"),
    "interventions": _("inzet"),
}


def _content(version: SafetyPlanVersion) -> dict:
    from cases.safety_plans.services import version_content

    return version_content(version)


def changes_between(old: SafetyPlanVersion | None, new: SafetyPlanVersion) -> list[str]:
    """The parts of the plan that differ between two versions (labels); all of them when there was none."""
    if old is None:
        return [str(label) for label in CHANGE_LABELS.values()]
    before, after = _content(old), _content(new)
    return [str(label) for name, label in CHANGE_LABELS.items() if before[name] != after[name]]


@dataclass(frozen=True)
class PlanState:
    """The plan as a meeting sees it: its version now and what changed since an earlier version."""

    number: int
    agreed: bool
    evaluation_on: object
    changed: list[str]
    since: int | None


def plan_state(case: Case, *, since_version: int | None) -> PlanState | None:
    """The current version and the parts that changed after `since_version` (None: never seen)."""
    current = current_version(case)
    if current is None:
        return None
    earlier = None
    if since_version:
        earlier = versions_of(current.plan).filter(number=since_version).first()
    changed = [] if earlier is not None and earlier.number == current.number else changes_between(earlier, current)
    return PlanState(current.number, is_agreed(current), current.evaluation_on, changed, since_version)
