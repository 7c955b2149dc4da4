"""Reads on the veiligheidsplan. Every function takes a case obtained through `case_for` (or a plan
or version of such a case)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Person, PersonRole
from cases.record_reads import persons_shown
from cases.safety_plans.models import NetworkCommitment, PlanAgreement, SafetyPlan, SafetyPlanVersion

# A version is agreed when at least one parent or carer and at least one partner have given their akkoord.
FAMILY_SIGNERS = (PersonRole.OUDER, PersonRole.VERZORGER)


def plan_of(case: Case) -> SafetyPlan | None:
    """The plan of the case's current episode, or None."""
    return SafetyPlan.objects.filter(case=case, episode=case.episode).first()


def versions_of(plan: SafetyPlan, user=None) -> QuerySet[SafetyPlanVersion]:
    """The plan's versions, newest first, with what they say and who agreed (a fixed number of queries).
    With `user`, the persons named come through their class (cases.record_reads.persons_shown:
    `readable`, `shown_full_name`); without, whole (the family's summary, which shows gedeeld only)."""
    if user is None:
        people = [
            Prefetch("commitments", queryset=NetworkCommitment.objects.select_related("person")),
            Prefetch("agreements", queryset=PlanAgreement.objects.select_related("person", "organisation")),
        ]
    else:
        shown = persons_shown(user, Person.objects.all())
        people = [
            Prefetch("commitments", queryset=NetworkCommitment.objects.all()),
            Prefetch("commitments__person", queryset=shown),
            Prefetch("agreements", queryset=PlanAgreement.objects.select_related("organisation")),
            Prefetch("agreements__person", queryset=shown),
        ]
    return (
        plan.versions.select_related("recorded_by", "organisation")
        .prefetch_related(
            *people,
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


def changed_parts(old: SafetyPlanVersion | None, new: SafetyPlanVersion) -> list[str]:
    """The parts of the plan (codes of CHANGE_LABELS) that differ between two versions; all of them
    when there was none before."""
    if old is None:
        return list(CHANGE_LABELS)
    before, after = _content(old), _content(new)
    return [name for name in CHANGE_LABELS if before[name] != after[name]]


def change_labels(codes: list[str]) -> list[str]:
    """The parts' names in the reader's language (a code a later version no longer knows: as stored)."""
    return [str(CHANGE_LABELS.get(code, code)) for code in codes]


def plan_states(
    cases: list[Case], *, since: Callable[[list[int]], dict[int, tuple[int, int] | None]]
) -> dict[int, dict]:
    """{case id: the plan as a meeting sees it} for the cases with a plan in their current episode:
    its version now, whether it is agreed, its evaluation date, and which parts changed after the
    (plan id, version) that `since(case ids with a plan)` gives per case (none, or another episode's
    plan: everything is new). Plain JSON values; one query without plans, a fixed number with."""
    episodes = {case.pk: case.episode for case in cases}
    plans = [
        plan
        for plan in SafetyPlan.objects.filter(case_id__in=list(episodes), version__gt=0)
        if plan.episode == episodes[plan.case_id]
    ]
    wanted = Q(pk__in=[])
    if not plans:
        return {}
    seen_before = since([plan.case_id for plan in plans])
    seen: dict[int, int | None] = {}
    for plan in plans:
        earlier = seen_before.get(plan.case_id)
        seen[plan.case_id] = earlier[1] if earlier and earlier[0] == plan.pk else None
        wanted |= Q(plan=plan, number__in={plan.version, seen[plan.case_id] or plan.version})
    rows = SafetyPlanVersion.objects.filter(wanted).prefetch_related(
        "commitments",
        Prefetch("agreements", queryset=PlanAgreement.objects.select_related("person")),
        "conditions",
        "interventions",
    )
    versions = {(row.plan_id, row.number): row for row in rows}
    states = {}
    for plan in plans:
        current = versions[(plan.pk, plan.version)]
        before = seen[plan.case_id]
        previous = versions.get((plan.pk, before)) if before else None
        states[plan.case_id] = {
            "plan_id": plan.pk,
            "version": current.number,
            "agreed": is_agreed(current),
            "evaluation_on": current.evaluation_on.isoformat(),
            "since_version": before,
            "changed": [] if before == current.number else changed_parts(previous, current),
        }
    return states
