"""Reads on assessments, joint judgements and veiligheidsvoorwaarden.

Every function takes a case the caller obtained through `cases.selectors.case_for`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cases.assessments.models import Assessment, Classification, ConditionStatus, JointJudgement, Veiligheidsvoorwaarde
from cases.models import Case, EventKind, Participant, TimelineEvent

# Still to act on: open, or breached ("niet nagekomen"). A breached condition stays listed, marked as such.
ACTIONABLE_CONDITION_STATUSES = (ConditionStatus.OPEN, ConditionStatus.NOT_MET)
# What handles a breach: the team discusses the case in a meeting, or records a joint judgement, after it.
BREACH_HANDLED_BY = (EventKind.DISCUSSED_IN_MEETING, EventKind.JUDGEMENT_RECORDED)


def unhandled_breaches(conditions: QuerySet[Veiligheidsvoorwaarde]) -> QuerySet[Veiligheidsvoorwaarde]:
    """Of these conditions, the breached ones the team has not handled yet (see BREACH_HANDLED_BY)."""
    handled = TimelineEvent.objects.filter(
        case_id=OuterRef("case_id"), kind__in=BREACH_HANDLED_BY, occurred_at__gt=OuterRef("checked_at")
    )
    return conditions.filter(status=ConditionStatus.NOT_MET).exclude(Exists(handled))


def with_breach_flag(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `condition_breached`: the case has a breached veiligheidsvoorwaarde not yet handled.
    A subquery in the list's own query: no query more, whatever the page size."""
    breached = unhandled_breaches(Veiligheidsvoorwaarde.objects.filter(case_id=OuterRef("pk")))
    return cases.annotate(condition_breached=Exists(breached))


def case_has_unhandled_breach(case: Case) -> bool:
    return unhandled_breaches(case.veiligheidsvoorwaarden.all()).exists()


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
        return str(Classification(self.classification).label)


def score_trajectory(case: Case) -> list[ScorePoint]:
    """The joint score of every completed assessment round, in time order (one query)."""
    rows = (
        JointJudgement.objects.filter(assessment__case=case)
        .order_by("assessment__started_at", "id")
        .values_list("assessment__started_at", "joint_score", "classification", "assessment__episode")
    )
    return [ScorePoint(timezone.localdate(started), score, kind, episode) for started, score, kind, episode in rows]


def open_conditions(case: Case) -> QuerySet[Veiligheidsvoorwaarde]:
    """Conditions still to act on: open, or breached (shown as "niet nagekomen")."""
    return case.veiligheidsvoorwaarden.filter(status__in=ACTIONABLE_CONDITION_STATUSES).select_related(
        "owner_organisation", "owner"
    )


def conditions_of(case: Case) -> QuerySet[Veiligheidsvoorwaarde]:
    return case.veiligheidsvoorwaarden.select_related("owner_organisation", "owner")


def active_participants(case: Case) -> QuerySet[Participant]:
    """Who takes part now: the organisations and professionals that may own actions."""
    return Participant.objects.active().filter(case=case).select_related("organisation", "professional")
