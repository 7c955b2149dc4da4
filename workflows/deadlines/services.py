"""Writes on deadlines: opened and closed by timeline events, recomputed on request.

The handlers are registered in `WorkflowsConfig.ready` with `cases.timeline.on_event` and run in
the transaction of the service that recorded the event.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.dateparse import parse_date

from cases.assessments.models import Veiligheidsvoorwaarde
from cases.documents.models import Document
from cases.interventions.models import Intervention
from cases.models import CLOSED_STATUSES, Case, EventKind, Participant, TimelineEvent
from cases.replay_batch import participations_read
from cases.safety_plans.models import SafetyPlan
from cases.timeline import timeline_replay
from workflows.deadlines.calendar import WorkingDayCalendar, add_months, as_utc, end_of_day, local_date
from workflows.deadlines.models import Deadline, DeadlineRule, DeadlineState, Responsible, TermUnit
from workflows.deadlines.recipients import case_access, next_in_line
from workflows.deadlines.working_days import calendar as calendar_from_database

# Events that concern one object, and the key of its id in the event's data.
SUBJECT_KEYS: dict[str, str] = {
    EventKind.CONDITION_AGREED: "condition",
    EventKind.CONDITION_CHECKED: "condition",
    EventKind.CONDITION_BREACHED: "condition",
    EventKind.INTERVENTION_AGREED: "intervention",
    EventKind.INTERVENTION_STARTED: "intervention",
    EventKind.INTERVENTION_ENDED: "intervention",
    EventKind.PARTICIPANT_ADDED: "participant",
    EventKind.PARTICIPANT_ENDED: "participant",
    # The court's decision: its subject date is the day the extension request is due.
    EventKind.BESCHIKKING_RECORDED: "document",
    # The family's requests (cases.requests): one term per request.
    EventKind.DESTRUCTION_REQUESTED: "request",
    EventKind.DESTRUCTION_DECIDED: "request",
    EventKind.FAMILY_REQUEST_RECEIVED: "request",
    EventKind.FAMILY_REQUEST_DECIDED: "request",
    # The veiligheidsplan: a new version closes the evaluation term, its planned evaluation opens the next.
    EventKind.SAFETY_PLAN_RECORDED: "safety_plan",
    EventKind.PLAN_EVALUATION_PLANNED: "safety_plan",
}
SUBJECT_MODELS: dict[str, type[Model]] = {
    "condition": Veiligheidsvoorwaarde,
    "intervention": Intervention,
    "participant": Participant,
    "document": Document,
    "safety_plan": SafetyPlan,
}


# A breach is a check whose outcome is "niet nagekomen": it closes what a check closes.
CLOSES_AS: dict[str, str] = {EventKind.CONDITION_BREACHED: EventKind.CONDITION_CHECKED}


def rules_for_team(team_id: int):
    """The team's active rules: its own, and the region's defaults for codes it does not override."""
    own = DeadlineRule.objects.filter(team_id=team_id)
    return DeadlineRule.objects.filter(active=True).filter(
        Q(team_id=team_id) | Q(team__isnull=True) & ~Q(code__in=own.values("code"))
    )


@dataclass
class _RuleCache:
    team_rules: dict[int, list[DeadlineRule]] = field(default_factory=dict)
    close_kinds: set[str] | None = None
    calendar: WorkingDayCalendar | None = None


_rule_cache: ContextVar[_RuleCache | None] = ContextVar("deadline_rule_cache", default=None)


@contextmanager
def deadline_rules_cached() -> Iterator[None]:
    """Inside, rules and gelijkgestelde dagen are read once instead of at every event: an import
    replays thousands of events in one transaction, during which the rules do not change."""
    token = _rule_cache.set(_RuleCache())
    try:
        yield
    finally:
        _rule_cache.reset(token)


def bulk_replay_running() -> bool:
    """True inside `deadline_rules_cached()`: an import or the demo seed is replaying events in bulk."""
    return _rule_cache.get() is not None


def _team_rules(team_id: int) -> list[DeadlineRule]:
    cache = _rule_cache.get()
    if cache is None:
        return list(rules_for_team(team_id))
    if team_id not in cache.team_rules:
        cache.team_rules[team_id] = list(rules_for_team(team_id))
    return cache.team_rules[team_id]


def _may_close(kind: str) -> bool:
    """False when no rule closes on this kind of event (known without a query inside the cache)."""
    cache = _rule_cache.get()
    if cache is None:
        return True
    if cache.close_kinds is None:
        cache.close_kinds = set(DeadlineRule.objects.exclude(close_event="").values_list("close_event", flat=True))
    return kind in cache.close_kinds


def calendar() -> WorkingDayCalendar:
    cache = _rule_cache.get()
    if cache is None:
        return calendar_from_database()
    if cache.calendar is None:
        cache.calendar = calendar_from_database()
    return cache.calendar


def _subject_key(event: TimelineEvent) -> str:
    """The event's subject as a deadline names it ("intervention:12"), without reading the subject."""
    prefix = SUBJECT_KEYS.get(event.kind)
    if prefix is None:
        return ""
    object_id = event.data.get(f"{prefix}_id")
    if prefix == "request":  # no date of its own; a destruction request from before the desk has no id
        return f"request:{object_id}" if object_id else ""
    return f"{prefix}:{object_id}"


def _subject(event: TimelineEvent) -> tuple[str, object | None]:
    key = _subject_key(event)
    prefix = SUBJECT_KEYS.get(event.kind)
    if prefix is None or prefix == "request":
        return key, None
    object_id = event.data.get(f"{prefix}_id")
    model = SUBJECT_MODELS[prefix]
    obj = model._default_manager.filter(pk=object_id, case_id=event.case_id).first() if object_id else None
    return key, obj


def _term_end(
    *, unit: str, value: int, start: datetime, subject_date: date | None, statutory: bool, cal: WorkingDayCalendar
) -> datetime:
    """The due moment (UTC) of a term that starts at `start`. Hours are real hours; days, weeks and
    months are counted on the Amsterdam calendar and end at the end of their last day, which runs on
    to the next working day (Atw art. 1; art. 2 as well for statutory terms)."""
    start = as_utc(start)
    if unit == TermUnit.HOURS:
        return start + timedelta(hours=value)
    first = local_date(start)
    if unit == TermUnit.WORKING_DAYS:
        return end_of_day(cal.add_working_days(first, value))
    if unit == TermUnit.SUBJECT_DATE:
        end = subject_date or first
    elif unit == TermUnit.MONTHS:
        end = add_months(first, value)
    else:
        end = first + timedelta(days=value * (7 if unit == TermUnit.WEEKS else 1))
    return end_of_day(cal.term_end(first, end, statutory=statutory))


def _responsible(rule: DeadlineRule, case: Case, subject) -> tuple[int | None, int | None]:
    """(organisation id, user id) answerable for the deadline."""
    if rule.responsible == Responsible.SUBJECT_OWNER and subject is not None:
        if isinstance(subject, Participant):
            return subject.organisation_id, subject.professional_id
        if isinstance(subject, Intervention):
            return subject.responsible_organisation_id, subject.responsible_professional_id
        return subject.owner_organisation_id, subject.owner_id
    if rule.responsible == Responsible.ORGANISATION_KIND:
        kind = rule.responsible_organisation_kind
        return participations_read(case, ("kind", kind), lambda: _responsible_of_kind(case, kind))  # type: ignore[return-value]
    vast_gezicht_id = case.vast_gezicht_id
    organisation_id = participations_read(
        case,
        ("vast_gezicht", vast_gezicht_id),
        lambda: (
            Participant.objects.active()
            .filter(case=case, professional_id=vast_gezicht_id)
            .values_list("organisation_id", flat=True)
            .first()
        ),
    )
    return organisation_id, vast_gezicht_id  # type: ignore[return-value]


def _responsible_of_kind(case: Case, kind: str) -> tuple[int | None, int | None]:
    participant = (
        Participant.objects.active()
        .filter(case=case, organisation__kind=kind)
        .order_by("started_at", "id")
        .values_list("organisation_id", "professional_id")
        .first()
    )
    if participant is not None:
        return participant
    org = case.team.organisations.filter(kind=kind).order_by("id").values_list("pk", flat=True).first()
    return org, None


def first_remind_at(deadline: Deadline, *, now: datetime, cal: WorkingDayCalendar) -> datetime:
    """Where the sweep starts: at the latest stage that had already passed when the deadline opened,
    else at the first to come. A deadline that opens long overdue (registered late, imported, seeded)
    starts at its latest escalation: one reminder now, not every escalation it missed since."""
    from workflows.deadlines.reminders import stages_between

    now = as_utc(now)  # the sweep compares remind_at with UTC moments
    start = deadline.started_at
    if now > deadline.due_at:
        start = max(start, now - timedelta(hours=max(deadline.escalation_interval_hours, 1)))
    passed = stages_between(deadline, start=start, end=now, cal=cal)
    if passed:
        return passed[-1][1]
    upcoming = stages_between(deadline, start=now, end=deadline.due_at, cal=cal, limit_escalations=0)
    return upcoming[0][1] if upcoming else deadline.due_at


def _subject_date(subject) -> date | None:
    """The date a subject-date term ends on: the intervention's due date, the condition's check date,
    the end date of a participation's basis, the day a measure's extension request is due, the safety
    plan's next evaluation."""
    if isinstance(subject, Intervention):
        return subject.due_date
    if isinstance(subject, Participant):
        return subject.basis_ends_on
    if isinstance(subject, Document):
        return subject.extension_request_due
    if isinstance(subject, SafetyPlan):
        return subject.evaluation_on
    return subject.check_date if subject is not None else None


def _event_subject_date(event: TimelineEvent) -> date | None:
    """The subject date as the event recorded it (a plan version's evaluation date), so that a replay of
    the timeline gives each version's deadline its own date and not the plan's latest."""
    value = (event.data or {}).get("evaluation_on")
    return parse_date(value) if isinstance(value, str) else None


def _apply_term(deadline: Deadline, *, subject, cal: WorkingDayCalendar, recorded: date | None = None) -> None:
    subject_date = recorded or _subject_date(subject)

    def term_end(value: int):
        return _term_end(
            value=value,
            unit=deadline.term_unit,
            start=deadline.started_at,
            subject_date=subject_date,
            statutory=deadline.statutory,
            cal=cal,
        )

    deadline.due_at = term_end(deadline.term_value)
    max_value = deadline.rule.max_term_value
    deadline.latest_due_at = term_end(max_value) if max_value else None


@transaction.atomic
def deadline_open(*, rule: DeadlineRule, event: TimelineEvent, now: datetime | None = None) -> Deadline | None:
    """Open the rule's deadline for the event's case (at most one open per rule, case and subject)."""
    case = event.case
    subject_key, subject = _subject(event)
    existing = Deadline.objects.filter(rule=rule, case=case, subject=subject_key, state=DeadlineState.OPEN).first()
    if existing is not None:
        return existing
    cal = calendar()
    organisation_id, user_id = _responsible(rule, case, subject)
    deadline = Deadline(
        rule=rule,
        case=case,
        subject=subject_key,
        name=rule.name,
        started_at=as_utc(event.occurred_at),
        start_event=event,
        term_value=rule.term_value,
        term_unit=rule.term_unit,
        statutory=rule.statutory,
        reminder_offsets=rule.reminder_offsets,
        escalation_interval_hours=rule.escalation_interval_hours,
        responsible_organisation_id=organisation_id,
        responsible_user_id=user_id,
    )
    _apply_term(deadline, subject=subject, cal=cal, recorded=_event_subject_date(event))
    deadline.remind_at = first_remind_at(deadline, now=now or timezone.now(), cal=cal)
    deadline.save()
    return deadline


@transaction.atomic
def deadline_close(*, deadline: Deadline, closed_at: datetime, event: TimelineEvent | None = None) -> bool:
    """Close an open deadline as met (on or before due) or missed; False when it was not open."""
    closed_at = as_utc(closed_at)
    state = DeadlineState.MET if closed_at <= deadline.due_at else DeadlineState.MISSED
    # Compare-and-set: a concurrent close or sweep cannot close it twice.
    changed = Deadline.objects.filter(pk=deadline.pk, state=DeadlineState.OPEN).update(
        state=state, closed_at=closed_at, close_event=event, remind_at=None
    )
    if changed:
        deadline.state, deadline.closed_at, deadline.close_event, deadline.remind_at = state, closed_at, event, None
    return bool(changed)


def on_start_event(event: TimelineEvent) -> None:
    """Timeline hook: open the deadlines whose rules start at this event."""
    for rule in _team_rules(event.case.team_id):
        if rule.start_event != event.kind:
            continue
        if rule.start_status and event.data.get("to") != rule.start_status:
            continue
        wanted_kind = rule.start_organisation_kind
        if wanted_kind and (event.organisation is None or event.organisation.kind != wanted_kind):
            continue
        deadline_open(rule=rule, event=event)


def on_close_event(event: TimelineEvent) -> None:
    """Timeline hook: close the open deadlines this event fulfils."""
    kinds = [event.kind, *([CLOSES_AS[event.kind]] if event.kind in CLOSES_AS else [])]
    if not any(_may_close(kind) for kind in kinds):
        return
    subject_key = _subject_key(event)
    open_deadlines = Deadline.objects.filter(
        case_id=event.case_id, state=DeadlineState.OPEN, rule__close_event__in=kinds
    ).select_related("rule")
    if subject_key:
        open_deadlines = open_deadlines.filter(subject=subject_key)
    for deadline in open_deadlines:
        wanted_kind = deadline.rule.close_organisation_kind
        if wanted_kind and (event.organisation is None or event.organisation.kind != wanted_kind):
            continue
        deadline_close(deadline=deadline, closed_at=event.occurred_at, event=event)


# Deadlines started by these events outlive the case's closure: a destruction request concerns the
# closed file itself and must still be answered in time.
OUTLIVE_CLOSURE = (EventKind.DESTRUCTION_REQUESTED, EventKind.FAMILY_REQUEST_RECEIVED)


def on_case_closed(event: TimelineEvent) -> None:
    """Timeline hook: when a case is afgeschaald or afgesloten nobody works on it any more, so its open
    deadlines end there — missed if already past due (closing does not hide a miss), otherwise
    vervallen — and no reminders run for it."""
    if event.data.get("to") not in CLOSED_STATUSES:
        return
    open_deadlines = (
        Deadline.objects.filter(case_id=event.case_id, state=DeadlineState.OPEN)
        .exclude(start_event__kind__in=OUTLIVE_CLOSURE)
        .exclude(start_event=event)
    )
    ends = {"closed_at": event.occurred_at, "close_event": event, "remind_at": None}
    open_deadlines.filter(due_at__lt=event.occurred_at).update(state=DeadlineState.MISSED, **ends)
    open_deadlines.update(state=DeadlineState.CANCELLED, **ends)


def on_case_destroyed(event: TimelineEvent) -> None:
    """Timeline hook: a destroyed case (cases.retention) gets no more reminders. Its deadlines keep
    their state, so the figures before and after the destruction are the same."""
    Deadline.objects.filter(case_id=event.case_id, state=DeadlineState.OPEN).update(remind_at=None)


def deadlines_from_timeline(case_ids: list[int]) -> int:
    """Open and close the deadlines of cases whose timeline was written in bulk (the demo seed): every
    event, in time order, through the same hooks as a live one. Returns the number of events."""
    events = (
        TimelineEvent.objects.filter(case_id__in=case_ids)
        .select_related("case", "organisation")
        .order_by("case_id", "occurred_at", "id")
    )
    with deadline_rules_cached():
        return timeline_replay(events.iterator(chunk_size=2000))


@transaction.atomic
def deadlines_recompute(*, rule: DeadlineRule, now: datetime | None = None) -> int:
    """Apply the rule's current term to its open deadlines (the admin's explicit action)."""
    cal = calendar()
    now = now or timezone.now()
    count = 0
    for deadline in Deadline.objects.select_for_update().filter(rule=rule, state=DeadlineState.OPEN):
        deadline.term_value, deadline.term_unit, deadline.statutory = rule.term_value, rule.term_unit, rule.statutory
        deadline.reminder_offsets = rule.reminder_offsets
        deadline.escalation_interval_hours = rule.escalation_interval_hours
        deadline.rule = rule
        subject = None
        if deadline.subject:
            kind, _sep, object_id = deadline.subject.partition(":")
            model = SUBJECT_MODELS.get(kind)  # a family request's term has no subject row with a date
            subject = model._default_manager.filter(pk=object_id).first() if model else None
        _apply_term(deadline, subject=subject, cal=cal)
        deadline.remind_at = first_remind_at(deadline, now=now, cal=cal)
        deadline.save(
            update_fields=[
                "term_value",
                "term_unit",
                "statutory",
                "reminder_offsets",
                "escalation_interval_hours",
                "due_at",
                "latest_due_at",
                "remind_at",
            ]
        )
        count += 1
    return count


def on_request_extended(event: TimelineEvent) -> None:
    """Timeline hook: a family request's term was extended with a reason: it runs to its rule's
    maximum (one month becomes three), counted from the same start."""
    subject = f"request:{event.data.get('request_id')}"
    cal = calendar()
    for deadline in Deadline.objects.select_for_update().filter(
        case_id=event.case_id, subject=subject, state=DeadlineState.OPEN, latest_due_at__isnull=False
    ):
        if deadline.latest_due_at is None:
            continue
        deadline.due_at = deadline.latest_due_at
        deadline.remind_at = first_remind_at(deadline, now=timezone.now(), cal=cal)
        deadline.save(update_fields=["due_at", "remind_at"])


def on_participant_ended(event: TimelineEvent) -> None:
    """Timeline hook: the open deadlines of this case that name the professional who may no longer work on
    it (membership or account ended, last participation ended) name the next in line instead
    (`recipients.next_in_line`, the order reminders follow)."""
    participant = Participant.objects.filter(pk=event.data.get("participant_id")).first()
    if participant is None:
        return
    user_id = participant.professional_id
    deadlines = list(
        Deadline.objects.filter(case_id=event.case_id, state=DeadlineState.OPEN, responsible_user_id=user_id)
        .select_related("case")
        .order_by("id")
    )
    if not deadlines:
        return
    access = case_access([deadlines[0].case], on=timezone.localdate())
    if access.allows(case=deadlines[0].case, user_id=user_id):
        return  # still on the case through another participation
    for deadline in deadlines:
        deadline.responsible_user_id = next_in_line(deadline, access)
        deadline.save(update_fields=["responsible_user"])


def on_basis_review_start(event: TimelineEvent) -> None:
    """Timeline hook (participant_added): a basis with an end date opens its review at that date
    ("grondslag herbeoordelen"); a participation without one costs no query here."""
    if not event.data.get("basis_ends_on"):
        return
    for rule in _team_rules(event.case.team_id):
        if rule.start_event == event.kind:
            deadline_open(rule=rule, event=event)


def on_basis_review_close(event: TimelineEvent) -> None:
    """Timeline hook (participant_ended): the participation's basis needs no review once it has ended."""
    if not event.data.get("basis_ends_on"):
        return
    open_deadlines = Deadline.objects.filter(
        case_id=event.case_id,
        state=DeadlineState.OPEN,
        rule__close_event=event.kind,
        subject=f"participant:{event.data.get('participant_id')}",
    )
    for deadline in open_deadlines:
        deadline_close(deadline=deadline, closed_at=event.occurred_at, event=event)
