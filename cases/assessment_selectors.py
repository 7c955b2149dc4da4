"""Reads on assessments, veiligheidsvoorwaarden and interventions.

Every function takes a case the caller obtained through `cases.selectors.case_for` (or a user,
scoped with `cases_visible_to`): there is no other way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cases.models import (
    OPEN_INTERVENTION_STATUSES,
    Assessment,
    Case,
    Classification,
    ConditionStatus,
    Intervention,
    JointJudgement,
    Participant,
    Veiligheidsvoorwaarde,
)
from cases.selectors import cases_visible_to
from partners.selectors import organisations_of


def assessments_of(case: Case) -> QuerySet[Assessment]:
    """All assessment rounds of the case, oldest first, with contributions, judgement and dissent."""
    return (
        Assessment.objects.filter(case=case)
        .select_related("judgement", "judgement__recorded_by", "created_by")
        .prefetch_related("contributions__organisation", "contributions__author", "judgement__dissents__organisation")
        .order_by("started_at", "id")
    )


def completed_judgement_exists(case: Case) -> bool:
    """A joint judgement completes an assessment round; only the current episode counts."""
    return JointJudgement.objects.filter(assessment__case=case, assessment__episode=case.episode).exists()


def latest_judgement(case: Case) -> JointJudgement | None:
    """The joint judgement of the case's latest assessment round in its current episode."""
    return (
        JointJudgement.objects.filter(assessment__case=case, assessment__episode=case.episode)
        .select_related("assessment")
        .order_by("-assessment__started_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class ScorePoint:
    on: date
    score: int
    classification: str
    episode: int

    @property
    def classification_label(self) -> str:
        return Classification(self.classification).label


def score_trajectory(case: Case) -> list[ScorePoint]:
    """The joint score of every completed assessment round, in time order (one query)."""
    rows = (
        JointJudgement.objects.filter(assessment__case=case)
        .order_by("assessment__started_at", "id")
        .values_list("assessment__started_at", "joint_score", "classification", "assessment__episode")
    )
    return [ScorePoint(timezone.localdate(started), score, kind, episode) for started, score, kind, episode in rows]


def open_interventions(case: Case) -> QuerySet[Intervention]:
    return case.interventions.filter(status__in=OPEN_INTERVENTION_STATUSES).select_related(
        "responsible_organisation", "responsible_professional"
    )


def open_conditions(case: Case) -> QuerySet[Veiligheidsvoorwaarde]:
    return case.veiligheidsvoorwaarden.filter(status=ConditionStatus.OPEN).select_related("owner_organisation", "owner")


def interventions_of(case: Case) -> QuerySet[Intervention]:
    return case.interventions.select_related("responsible_organisation", "responsible_professional").prefetch_related(
        "agreed_by"
    )


def conditions_of(case: Case) -> QuerySet[Veiligheidsvoorwaarde]:
    return case.veiligheidsvoorwaarden.select_related("owner_organisation", "owner")


def active_participants(case: Case) -> QuerySet[Participant]:
    """Who takes part now: the organisations and professionals that may own actions."""
    return Participant.objects.active().filter(case=case).select_related("organisation", "professional")


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
            owner_organisation_id__in=organisation_ids, status=ConditionStatus.OPEN, case__in=visible
        )
        .select_related("case", "owner_organisation", "owner")
        .order_by("check_date", "id")
    )
    for item in interventions:
        item.is_overdue = item.due_date < today
    for item in conditions:
        item.is_overdue = item.check_date < today
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
            queryset=Veiligheidsvoorwaarde.objects.filter(status=ConditionStatus.OPEN)
            .select_related("owner_organisation", "owner")
            .order_by("check_date", "id"),
            to_attr="open_conditions",
        ),
        Prefetch(
            f"{prefix}assessments",
            queryset=Assessment.objects.filter(judgement__isnull=False)
            .select_related("judgement")
            .order_by("-started_at", "-id"),
            to_attr="judged_assessments",
        ),
    ]
