"""Reads on interventions and on each organisation's open actions (interventions and
veiligheidsvoorwaarden it owns). Every function takes a case obtained through `case_for`, or a user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from cases.assessments.confidential import without_judgement_texts
from cases.assessments.models import Assessment, ConditionStatus, Veiligheidsvoorwaarde
from cases.assessments.selectors import ACTIONABLE_CONDITION_STATUSES
from cases.interventions.models import OPEN_INTERVENTION_STATUSES, Intervention
from cases.models import Case
from cases.selectors import cases_visible_to
from partners.selectors import organisations_of


def open_interventions(case: Case) -> QuerySet[Intervention]:
    return case.interventions.filter(status__in=OPEN_INTERVENTION_STATUSES).select_related(
        "responsible_organisation", "responsible_professional"
    )


def interventions_of(case: Case) -> QuerySet[Intervention]:
    return case.interventions.select_related("responsible_organisation", "responsible_professional").prefetch_related(
        "agreed_by"
    )


@dataclass(frozen=True)
class OrganisationActions:
    interventions: list[Intervention]
    conditions: list[Veiligheidsvoorwaarde]


def actions_of_my_organisations(user, *, today: date) -> OrganisationActions:
    """Open interventions and veiligheidsvoorwaarden owned by the user's organisations, on cases
    the user may see. Three queries, whatever the data size."""
    organisation_ids = list(organisations_of(user).values_list("pk", flat=True))
    visible = cases_visible_to(user).values("pk")
    interventions = list(
        Intervention.objects.filter(
            responsible_organisation_id__in=organisation_ids, status__in=OPEN_INTERVENTION_STATUSES, case__in=visible
        )
        .select_related("case", "responsible_organisation", "responsible_professional")
        .order_by("due_date", "id")
    )
    conditions = list(
        Veiligheidsvoorwaarde.objects.filter(
            owner_organisation_id__in=organisation_ids, status__in=ACTIONABLE_CONDITION_STATUSES, case__in=visible
        )
        .select_related("case", "owner_organisation", "owner")
        .order_by("check_date", "id")
    )
    for intervention in interventions:
        intervention.is_overdue = intervention.due_date < today  # type: ignore[attr-defined]
    for condition in conditions:
        condition.is_overdue = condition.status == ConditionStatus.OPEN and condition.check_date < today  # type: ignore[attr-defined]
    return OrganisationActions(interventions, conditions)


def open_items_prefetches(prefix: str = "") -> list[Prefetch]:
    """Prefetches for many cases at once (the meeting view): open interventions and conditions,
    and the judged assessment rounds (latest first). `prefix` reaches the case from another model."""
    return [
        Prefetch(
            f"{prefix}interventions",
            queryset=Intervention.objects.filter(status__in=OPEN_INTERVENTION_STATUSES)
            .select_related("responsible_organisation", "responsible_professional")
            .order_by("due_date", "id"),
            to_attr="open_interventions",
        ),
        Prefetch(
            f"{prefix}veiligheidsvoorwaarden",
            queryset=Veiligheidsvoorwaarde.objects.filter(status__in=ACTIONABLE_CONDITION_STATUSES)
            .select_related("owner_organisation", "owner")
            .order_by("check_date", "id"),
            to_attr="open_conditions",
        ),
        Prefetch(
            f"{prefix}assessments",
            queryset=Assessment.objects.filter(judgement__isnull=False)
            .select_related("judgement")
            .defer(*without_judgement_texts())  # the meeting view shows the decision, never the texts
            .order_by("-started_at", "-id"),
            to_attr="judged_assessments",
        ),
    ]
