"""The minutes (verslag) of a meeting as one reader may see them: the frozen record of a closed
meeting, or a draft built from today's state for one still open. Need-to-know as everywhere: only
agenda cases the reader may see now (a grant or coordinatorship, `cases_visible_to`) show content;
the others stay an anonymous line. Every case shown is written to the access log, in one batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_write_many
from cases.assessments.models import Classification, ConditionStatus
from cases.confidentiality import NOT_READABLE
from cases.interventions.models import OPEN_INTERVENTION_STATUSES, InterventionKind, InterventionStatus
from cases.models import CaseStatus, Confidentiality
from cases.selectors import actor_for, cases_visible_to
from workflows.meetings.models import AgendaItem, DecisionKind, Meeting
from workflows.meetings.snapshot import SHOWN_CONDITION_STATES, agenda_snapshots, meeting_snapshot


@dataclass
class MinutesRow:
    number: int
    item_id: int
    entry: dict | None  # None: the reader may not see this case


@dataclass
class OrganisationActions:
    organisation: str
    interventions: list = field(default_factory=list)
    conditions: list = field(default_factory=list)


@dataclass
class Minutes:
    meeting: Meeting
    closed: bool
    header: dict
    rows: list[MinutesRow]
    actions: list[OrganisationActions]

    @property
    def visible_case_ids(self) -> list[int]:
        return [row.entry["case"]["id"] for row in self.rows if row.entry is not None]


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:  # a code a later version no longer knows: shown as stored
        return code


def _date(value: str | None) -> date | None:
    return parse_date(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _family_line(case: dict) -> str:
    parts = [case["family_name"], case["municipality"], _label(CaseStatus, case["status"])]
    ages = [str(age) for age in case["children_ages"] if age is not None]
    if case["children_ages"]:
        parts.append(f"{len(case['children_ages'])} × jeugdige" + (f" ({', '.join(ages)} jr)" if ages else ""))
    return " · ".join(parts)


def shown(snapshot: dict) -> dict:
    """A snapshot ready for the templates: codes translated in the reader's language, ISO strings
    turned into dates. The stored snapshot is not changed."""
    interventions = [
        {
            **i,
            "kind_display": _label(InterventionKind, i["kind"]),
            "status_display": _label(InterventionStatus, i["status"]),
            "start_date": _date(i["start_date"]),
            "due_date": _date(i["due_date"]),
        }
        for i in snapshot["interventions"]
    ]
    conditions = [
        {**c, "status_display": _label(ConditionStatus, c["status"]), "check_date": _date(c["check_date"])}
        for c in snapshot["conditions"]
    ]
    by_intervention = {i["id"]: i for i in interventions}
    by_condition = {c["id"]: c for c in conditions}
    decisions = []
    for d in snapshot["decisions"]:
        row = {**d, "kind_display": _label(DecisionKind, d["kind"])}
        if d["kind"] == DecisionKind.ASSESSMENT:
            row["classification_display"] = _label(Classification, d.get("classification", ""))
        row["intervention"] = by_intervention.get(d.get("intervention_id"))
        row["condition"] = by_condition.get(d.get("condition_id"))
        decisions.append(row)
    judgement = snapshot["judgement"]
    if judgement is not None:
        judgement = {
            **judgement,
            # Schema 1 snapshots were taken before the classes: all their content was gedeeld.
            "readable": judgement.get("readable", True),
            "confidentiality_display": _label(Confidentiality, judgement.get("confidentiality", "gedeeld")),
            "classification_display": _label(Classification, judgement["classification"]),
            "recorded_at": _moment(judgement["recorded_at"]),
            "contributions": [
                {
                    **c,
                    "readable": c.get("readable", True),
                    "confidentiality_display": _label(Confidentiality, c.get("confidentiality", "gedeeld")),
                    "classification_display": _label(Classification, c["classification"])
                    if c["classification"]
                    else "",
                    "recorded_at": _moment(c.get("recorded_at")),
                }
                for c in judgement["contributions"]
            ],
            "dissents": [{**d, "recorded_at": _moment(d["recorded_at"])} for d in judgement["dissents"]],
        }
    case = snapshot["case"]
    return {
        **snapshot,
        "not_readable": NOT_READABLE,
        "case": {**case, "status_display": _label(CaseStatus, case["status"]), "family_line": _family_line(case)},
        "judgement": judgement,
        "decisions": decisions,
        "interventions": interventions,
        "conditions": conditions,
        "overdue_deadlines": [{**o, "due_at": _moment(o["due_at"])} for o in snapshot["overdue_deadlines"]],
        "overdue_count": sum(1 for i in interventions if i["overdue"])
        + sum(1 for c in conditions if c["overdue"])
        + len(snapshot["overdue_deadlines"]),
    }


def _actions(entries: list[dict]) -> list[OrganisationActions]:
    """Per organisation what it must do after the meeting: the open interventions it is responsible
    for and the conditions it owns (open or breached), on the cases shown; decided_here marks what
    this meeting assigned."""
    groups: dict[str, OrganisationActions] = {}
    for entry in entries:
        case = entry["case"]
        for i in entry["interventions"]:
            if i["status"] in OPEN_INTERVENTION_STATUSES:
                name = i["responsible_organisation"]
                group = groups.setdefault(name, OrganisationActions(name))
                group.interventions.append({**i, "case": case})
        for c in entry["conditions"]:
            if c["status"] in SHOWN_CONDITION_STATES:
                group = groups.setdefault(c["owner_organisation"], OrganisationActions(c["owner_organisation"]))
                group.conditions.append({**c, "case": case})
    return [groups[name] for name in sorted(groups)]


def _header(meeting: Meeting, snapshot: dict) -> dict:
    return {**snapshot, "scheduled_at": meeting.scheduled_at, "closed_at": meeting.closed_at}


def meeting_minutes(
    user, meeting: Meeting, *, ip: str | None, action: str = AccessAction.READ, detail: str | None = None
) -> Minutes:
    """The minutes of `meeting` (reached through `meeting_for`) for `user`. A fixed number of queries,
    whatever the agenda size; each case shown is logged with `action` (READ for a page, EXPORT for the PDF)."""
    visible = set(cases_visible_to(user).filter(agenda_items__meeting=meeting).values_list("pk", flat=True))
    closed = meeting.closed_at is not None
    fields = ["pk", "position", "case_id", "snapshot"] if closed else ["pk", "position", "case_id"]
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id").only(*fields))
    if closed:
        header = _header(meeting, meeting.snapshot or {})
        snapshots = {item.pk: item.snapshot for item in items if item.case_id in visible and item.snapshot}
    else:
        now = timezone.now()
        header = _header(meeting, meeting_snapshot(meeting, now=now))
        snapshots = agenda_snapshots(meeting, now=now, item_ids=[i.pk for i in items if i.case_id in visible])
    rows = [
        MinutesRow(number, item.pk, shown(snapshots[item.pk]) if item.pk in snapshots else None)
        for number, item in enumerate(items, start=1)
    ]
    minutes = Minutes(
        meeting=meeting,
        closed=closed,
        header=header,
        rows=rows,
        actions=_actions([row.entry for row in rows if row.entry is not None]),
    )
    if minutes.visible_case_ids:
        access_log_write_many(
            actor=actor_for(user, ip=ip),
            action=action,
            outcome=AccessOutcome.ALLOWED,
            case_ids=minutes.visible_case_ids,
            detail=detail or f"minutes:{meeting.pk}",
        )
    return minutes


def minutes_entry(item: AgendaItem) -> dict | None:
    """One agenda case of a closed meeting as frozen (its case reached through the door by the caller)."""
    return shown(item.snapshot) if item.snapshot else None
