"""The record of a meeting as it stood when it closed: per agenda case its minutes, the decisions
taken there, the joint judgement with the dissent on it, the interventions and veiligheidsvoorwaarden
with their owners and state, and what was overdue; for the meeting its chair and attendance.

Snapshots are plain JSON (codes, ids, names and ISO dates, never a translated label: the pages
translate codes when they render, in the reader's language). `SNAPSHOT_SCHEMA` names their shape; a
later shape bumps it and the readers keep reading the older ones.

The same builder gives the draft minutes of a meeting still open (built, not stored). It takes
agenda items whose cases the caller reached through the door or, when closing, all of the meeting's
items: a snapshot is stored whole and shown only to those who may see its case.

Everyone who may see the case reads the minutes, so a snapshot holds only gedeeld content: the texts of
a judgement and the content of a partner contribution in another class are left out in the query
(`cases.assessments.confidential`, read as by no one in particular) and stand as a "dat" line: which
organisation, who and when, and the class (schema 2; schema 1 snapshots predate the classes).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Case as SqlCase
from django.db.models import F, Prefetch, Value, When
from django.utils import timezone

from cases.assessments.confidential import contributions_shown, with_judgement_shown, without_judgement_texts
from cases.assessments.models import Assessment, ConditionStatus, Veiligheidsvoorwaarde
from cases.interventions.models import OPEN_INTERVENTION_STATUSES, Intervention
from cases.models import Confidentiality, Person, PersonRole
from workflows.meetings.hooks import overdue_deadlines
from workflows.meetings.models import AgendaItem, DecisionKind, Meeting, MeetingDecision
from workflows.meetings.safety_plan import plans_since_last_meeting
from workflows.meetings.selectors import dissents_of_judgements

# Schema 2: minutes hold only gedeeld content; "safety_plan" (None or the plan's state) came later, so
# readers of older snapshots use .get().
SNAPSHOT_SCHEMA = 2
# Conditions that still matter in the minutes: open ones and those not met (breached).
SHOWN_CONDITION_STATES = (ConditionStatus.OPEN, ConditionStatus.NOT_MET)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _intervention(row: Intervention, today: date, decided: set[int]) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "description": row.description,
        "status": row.status,
        "responsible_organisation_id": row.responsible_organisation_id,
        "responsible_organisation": str(row.responsible_organisation),
        "responsible_professional": str(row.responsible_professional),
        "start_date": _iso(row.start_date),
        "due_date": _iso(row.due_date),
        "overdue": row.status in OPEN_INTERVENTION_STATUSES and row.due_date < today,
        "decided_here": row.pk in decided,
    }


def _condition(row: Veiligheidsvoorwaarde, today: date, decided: set[int]) -> dict:
    return {
        "id": row.pk,
        "description": row.description,
        "status": row.status,
        "breached": row.status == ConditionStatus.NOT_MET,
        "owner_organisation_id": row.owner_organisation_id,
        "owner_organisation": str(row.owner_organisation),
        "owner": str(row.owner),
        "check_date": _iso(row.check_date),
        "overdue": row.status == ConditionStatus.OPEN and row.check_date < today,
        "decided_here": row.pk in decided,
    }


def _items(meeting: Meeting, item_ids=None) -> list[AgendaItem]:
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case__municipality")
        .prefetch_related(
            # Minutes are read by every participant: a child's age only where their details are gedeeld.
            Prefetch(
                "case__persons",
                queryset=Person.objects.current()
                .filter(role=PersonRole.JEUGDIGE)
                .annotate(
                    shared_date_of_birth=SqlCase(
                        When(confidentiality=Confidentiality.GEDEELD, then=F("date_of_birth")), default=Value(None)
                    )
                )
                .defer("full_name", "date_of_birth", "bsn", "removal_reason")
                .order_by("date_of_birth", "id"),
                to_attr="snapshot_children",
            ),
            Prefetch(
                "case__interventions",
                queryset=Intervention.objects.select_related(
                    "responsible_organisation", "responsible_professional"
                ).order_by("due_date", "id"),
                to_attr="all_interventions",
            ),
            Prefetch(
                "case__veiligheidsvoorwaarden",
                queryset=Veiligheidsvoorwaarde.objects.select_related("owner_organisation", "owner").order_by(
                    "check_date", "id"
                ),
                to_attr="all_conditions",
            ),
            Prefetch(
                "case__assessments",
                # Read as by no one in particular: only gedeeld texts and contributions come back.
                queryset=with_judgement_shown(None, Assessment.objects.filter(judgement__isnull=False))
                .select_related("judgement__organisation")
                .prefetch_related(
                    Prefetch("contributions", queryset=contributions_shown(None).select_related("organisation"))
                )
                .order_by("-started_at", "-id"),
                to_attr="judged_assessments",
            ),
            Prefetch(
                "decisions",
                queryset=MeetingDecision.objects.select_related("judgement")
                .defer(*without_judgement_texts())
                .order_by("id"),
            ),
        )
        .order_by("position", "id")
    )
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    return list(items)


def agenda_snapshots(meeting: Meeting, *, now: datetime, item_ids=None) -> dict[int, dict]:
    """{agenda item id: snapshot} at `now`, for all items or those in `item_ids`. A fixed number of
    queries, whatever the agenda size."""
    today = timezone.localdate(now)
    items = _items(meeting, item_ids)
    judgements, contributions = {}, {}
    for item in items:
        case = item.case
        current = [a for a in case.judged_assessments if a.episode == case.episode]  # type: ignore[attr-defined]
        judgements[item.pk] = current[0].judgement if current else None
        contributions[item.pk] = list(current[0].contributions.all()) if current else []
    dissents = dissents_of_judgements([j.pk for j in judgements.values() if j is not None])
    overdue = overdue_deadlines([item.case_id for item in items], now)
    plans = plans_since_last_meeting(meeting, [item.case for item in items])
    snapshots = {}
    for item in items:
        snapshot = _snapshot(
            item, judgements[item.pk], contributions[item.pk], dissents, overdue.get(item.case_id, []), today
        )
        snapshots[item.pk] = {**snapshot, "safety_plan": plans.get(item.case_id)}
    return snapshots


def _snapshot(item: AgendaItem, judgement, contributions: list, dissents: dict, overdue: list, today: date) -> dict:
    case = item.case
    decisions = list(item.decisions.all())
    decided_interventions = {d.intervention_id for d in decisions if d.intervention_id}
    decided_conditions = {d.condition_id for d in decisions if d.condition_id}
    interventions = [
        _intervention(row, today, decided_interventions)
        for row in case.all_interventions  # type: ignore[attr-defined]
        if row.status in OPEN_INTERVENTION_STATUSES or row.pk in decided_interventions
    ]
    conditions = [
        _condition(row, today, decided_conditions)
        for row in case.all_conditions  # type: ignore[attr-defined]
        if row.status in SHOWN_CONDITION_STATES or row.pk in decided_conditions
    ]
    children = case.snapshot_children  # type: ignore[attr-defined]
    return {
        "schema": SNAPSHOT_SCHEMA,
        "taken_at": timezone.now().isoformat(),
        "case": {
            "id": case.pk,
            "reference": case.reference,
            "family_name": case.family_name,
            "municipality": case.municipality.name,
            "status": case.status,
            "crisis": case.crisis,
            "children_ages": [_age(p.shared_date_of_birth, today) for p in children],
        },
        "minutes": item.minutes,
        "discussed_at": _iso(item.discussed_at),
        "judgement": _judgement(judgement, dissents.get(judgement.pk, []) if judgement else [], contributions),
        "decisions": [_decision(d) for d in decisions],
        "interventions": interventions,
        "conditions": conditions,
        "overdue_deadlines": list(overdue),
    }


def _judgement(judgement, dissents: list, contributions: list) -> dict | None:
    if judgement is None:
        return None
    return {
        "id": judgement.pk,
        "version": judgement.version,
        "classification": judgement.classification,
        "joint_score": judgement.joint_score,
        # The texts only when gedeeld (None otherwise, from the query); else a "dat" line.
        "readable": bool(judgement.readable),
        "confidentiality": judgement.confidentiality,
        "organisation": str(judgement.organisation) if judgement.organisation_id else None,
        "rationale": judgement.rationale,
        "parents_view": judgement.parents_view,
        "children_view": judgement.children_view,
        "parents_present": judgement.parents_present,
        "children_present": judgement.children_present,
        "recorded_at": _iso(judgement.recorded_at),
        # Each partner's own score and classification in the round the judgement completed (gedeeld ones).
        "contributions": [
            {
                "organisation_id": c.organisation_id,
                "organisation": str(c.organisation),
                "readable": bool(c.readable),
                "confidentiality": c.confidentiality,
                "recorded_at": _iso(c.recorded_at),
                "safety_score": c.safety_score,
                "classification": c.classification,
            }
            for c in sorted(contributions, key=lambda c: (str(c.organisation), c.pk))
        ],
        "dissents": [
            {
                "organisation_id": d.organisation_id,
                "organisation": str(d.organisation),
                "reason": d.reason,
                "recorded_at": _iso(d.recorded_at),
            }
            for d in dissents
        ],
    }


def _decision(decision: MeetingDecision) -> dict:
    row: dict[str, object] = {"kind": decision.kind, "recorded_at": _iso(decision.recorded_at)}
    if decision.kind == DecisionKind.ASSESSMENT and decision.judgement is not None:
        row |= {
            "judgement_id": decision.judgement_id,
            "classification": decision.judgement.classification,
            "joint_score": decision.judgement.joint_score,
        }
    elif decision.kind == DecisionKind.INTERVENTION:
        row["intervention_id"] = decision.intervention_id
    else:
        row["condition_id"] = decision.condition_id
    return row


def meeting_snapshot(meeting: Meeting, *, now: datetime) -> dict:
    """The meeting's own record: team, chair, location and who attended for which organisation."""
    attendances = meeting.attendances.select_related("user", "organisation").order_by("organisation__name", "id")
    return {
        "schema": SNAPSHOT_SCHEMA,
        "taken_at": now.isoformat(),
        "team": str(meeting.team),
        "chair": str(meeting.chair),
        "location": meeting.location,
        "attendance": [
            {
                "user_id": a.user_id,
                "name": str(a.user),
                "organisation_id": a.organisation_id,
                "organisation": str(a.organisation),
            }
            for a in attendances
        ],
    }
