"""Reads on assessments, joint judgements and veiligheidsvoorwaarden.

Every function takes a case the caller obtained through `cases.selectors.case_for`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from cases.assessments.confidential import (
    contribution_versions_shown,
    contributions_shown,
    judgement_versions_shown,
    judgements_shown,
    with_judgement_shown,
)
from cases.assessments.models import (
    Agreement,
    Assessment,
    Classification,
    ConditionStatus,
    Dissent,
    JointJudgement,
    PartnerContribution,
    Veiligheidsvoorwaarde,
)
from cases.models import Case, EventKind, Participant, TimelineEvent
from partners.models import Organisation


def _current_dissent() -> QuerySet[Dissent]:
    """Dissent on the version of its judgement in force (earlier versions' dissent stays, beside it)."""
    return Dissent.objects.filter(version__number=F("judgement__version")).select_related("organisation")


# Still to act on: open, or breached ("niet nagekomen"). A breached condition stays listed, marked as such.
ACTIONABLE_CONDITION_STATUSES = (ConditionStatus.OPEN, ConditionStatus.NOT_MET)
# What handles a breach: the team discusses the case in a meeting, or records or amends a joint judgement, after it.
BREACH_HANDLED_BY = (EventKind.DISCUSSED_IN_MEETING, EventKind.JUDGEMENT_RECORDED, EventKind.JUDGEMENT_AMENDED)


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
    """All assessment rounds of the case with every content in full, for the exchange export between
    systems only; pages and the API read them through `assessments_for` (the confidentiality classes)."""
    return (
        Assessment.objects.filter(case=case)
        .select_related("judgement", "judgement__recorded_by", "created_by")
        .prefetch_related(
            "contributions__organisation",
            "contributions__author",
            "judgement__dissents__organisation",
            Prefetch("judgement__dissents", queryset=_current_dissent(), to_attr="current_dissents"),
        )
        .order_by("started_at", "id")
    )


def assessments_for(user, case: Case) -> QuerySet[Assessment]:
    """All assessment rounds of the case, oldest first, as `user` may read them: contributions and the
    judgement's texts by their class (None where not), dissent (`judgement.current_dissents`: on the
    version in force). The class is decided in the queries."""
    contributions = contributions_shown(user).select_related("organisation", "author").order_by("recorded_at", "id")
    return (
        with_judgement_shown(user, Assessment.objects.filter(case=case))
        .select_related("judgement__recorded_by", "judgement__organisation", "created_by")
        .prefetch_related(
            Prefetch("contributions", queryset=contributions),
            "judgement__dissents__organisation",
            Prefetch("judgement__dissents", queryset=_current_dissent(), to_attr="current_dissents"),
        )
        .order_by("started_at", "id")
    )


def assessment_page(user, case: Case, assessment_id: int) -> Assessment | None:
    """One round of the case for its page as `user` may read it: contributions with every version,
    the judgement with every version (`judgement.versions_in_order`), each by its own class (content
    None and `readable` False where not), in a fixed number of queries whatever their count."""
    versions = judgement_versions_shown(user).select_related("recorded_by", "organisation").order_by("number")
    contribution_versions = contribution_versions_shown(user).select_related("recorded_by").order_by("number")
    contributions = (
        contributions_shown(user)
        .select_related("organisation", "author")
        .prefetch_related(Prefetch("versions", queryset=contribution_versions, to_attr="versions_in_order"))
        .order_by("recorded_at", "id")
    )
    return (
        with_judgement_shown(user, Assessment.objects.filter(case=case, pk=assessment_id))
        .select_related("judgement__recorded_by", "judgement__organisation")
        .prefetch_related(
            Prefetch("contributions", queryset=contributions, to_attr="contributions_in_order"),
            Prefetch("judgement__versions", queryset=versions, to_attr="versions_in_order"),
        )
        .first()
    )


def judgement_for(user, case: Case, judgement_id) -> JointJudgement | None:
    """One joint judgement of the case with its texts as `user` may read them, every version and
    every standpoint (for the API's detail)."""
    return (
        judgements_shown(user, JointJudgement.objects.filter(assessment__case=case, pk=judgement_id))
        .select_related("assessment", "organisation")
        .prefetch_related(
            Prefetch("versions", queryset=judgement_versions_shown(user).order_by("number")),
            Prefetch("dissents", queryset=Dissent.objects.select_related("version").order_by("recorded_at", "id")),
            Prefetch("agreements", queryset=Agreement.objects.select_related("version").order_by("recorded_at", "id")),
        )
        .first()
    )


def contribution_for(user, contribution_id: int) -> PartnerContribution | None:
    """One contribution (of a case the caller got through the door) with every version, as `user` may read them."""
    return (
        contributions_shown(user, PartnerContribution.objects.filter(pk=contribution_id))
        .prefetch_related(Prefetch("versions", queryset=contribution_versions_shown(user).order_by("number")))
        .first()
    )


@dataclass(frozen=True)
class Standpoints:
    """The partners' standpoints on the version in force of one joint judgement: who agreed, who
    dissented (with reason), which participating organisations have not said yet; and the dissent on
    earlier versions, which stays on record."""

    judgement_id: int
    version: int
    agreements: list[Agreement] = field(default_factory=list)
    dissents: list[Dissent] = field(default_factory=list)
    pending: list[Organisation] = field(default_factory=list)
    earlier_dissents: list[Dissent] = field(default_factory=list)

    @property
    def has_dissent(self) -> bool:
        return bool(self.dissents)


def standpoints_for(judgements: Iterable[JointJudgement]) -> dict[int, Standpoints]:
    """{judgement id: Standpoints} for joint judgements of cases the caller got through the door
    (`case_for`, `cases_visible_to`): four queries whatever the number of judgements, versions and
    standpoints. For the assessment page, the meeting agenda, the chair's page and the minutes."""
    judgements = list(judgements)
    if not judgements:
        return {}
    ids = [j.pk for j in judgements]
    agreements = Agreement.objects.filter(judgement_id__in=ids, version__number=F("judgement__version"))
    dissents = Dissent.objects.filter(judgement_id__in=ids).select_related("version")
    by_judgement: dict[int, dict] = {j.pk: {"agreements": [], "dissents": [], "earlier": []} for j in judgements}
    current = {j.pk: j.version for j in judgements}
    for agreement in agreements.select_related("organisation", "recorded_by").order_by("recorded_at", "id"):
        by_judgement[agreement.judgement_id]["agreements"].append(agreement)
    for dissent in dissents.select_related("organisation", "recorded_by").order_by("recorded_at", "id"):
        key = "dissents" if dissent.version.number == current[dissent.judgement_id] else "earlier"
        by_judgement[dissent.judgement_id][key].append(dissent)
    case_of = dict(JointJudgement.objects.filter(pk__in=ids).values_list("pk", "assessment__case_id"))
    organisations: dict[int, dict[int, Organisation]] = {}
    participants = Participant.objects.active().filter(case_id__in=set(case_of.values())).select_related("organisation")
    for participant in participants.order_by("organisation__name", "organisation_id"):
        organisations.setdefault(participant.case_id, {})[participant.organisation_id] = participant.organisation
    result = {}
    for pk, rows in by_judgement.items():
        said = {s.organisation_id for s in (*rows["agreements"], *rows["dissents"])}
        pending = [o for o_id, o in organisations.get(case_of[pk], {}).items() if o_id not in said]
        result[pk] = Standpoints(pk, current[pk], rows["agreements"], rows["dissents"], pending, rows["earlier"])
    return result


def standpoints_of(judgement: JointJudgement) -> Standpoints:
    """The standpoints on one joint judgement of a case the caller got through the door."""
    return standpoints_for([judgement])[judgement.pk]


def dissent_for_cases(case_ids: Iterable[int]) -> dict[int, list[Dissent]]:
    """{case id: dissent} on the version in force of each case's latest joint judgement in its current
    episode (with organisation, recorder and judgement), for cases the caller got through the door
    (`case_for`, `cases_visible_to`). One query whatever the number of cases; cases without dissent
    are left out."""
    latest = (
        JointJudgement.objects.filter(
            assessment__case_id=OuterRef("judgement__assessment__case_id"),
            assessment__episode=OuterRef("judgement__assessment__case__episode"),
        )
        .order_by("-assessment__started_at", "-id")
        .values("id")[:1]
    )
    rows = (
        Dissent.objects.filter(judgement__assessment__case_id__in=list(case_ids))
        .filter(version__number=F("judgement__version"), judgement_id=Subquery(latest))
        .select_related("organisation", "recorded_by", "judgement__assessment")
        .order_by("recorded_at", "id")
    )
    result: dict[int, list[Dissent]] = {}
    for dissent in rows:
        result.setdefault(dissent.judgement.assessment.case_id, []).append(dissent)
    return result


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
