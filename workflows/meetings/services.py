"""Writes on team meetings: scheduling, the agenda, attendance, minutes and the decisions taken
per agenda case. Decisions go through the cases services (guards, timeline) and are linked to
the meeting here. Callers pass cases obtained through `cases.selectors.case_for` and meetings
through `workflows.meetings.selectors.meeting_for`.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.assessments.models import JointJudgement, Veiligheidsvoorwaarde
from cases.assessments.selectors import latest_judgement
from cases.assessments.services import assessment_start, condition_agree, judgement_record, open_round_of
from cases.exceptions import AlreadyRecorded
from cases.idempotency import create_once, lock_row
from cases.interventions.models import Intervention
from cases.interventions.services import intervention_agree
from cases.model_validation import full_clean_held
from cases.models import Case, EventKind, Participant, TimelineEvent
from cases.timeline import timeline_record
from cases.versioning import history_author, versioned_update
from partners.models import WORKING_ROLES, Membership, Organisation, SafetyTeam
from partners.selectors import user_coordinates_team
from workflows.meetings.models import (
    AgendaItem,
    AgendaProposal,
    Attendance,
    DecisionKind,
    Meeting,
    MeetingDecision,
    ProposalReason,
)
from workflows.meetings.snapshot import agenda_snapshots, meeting_snapshot

# What happens once per meeting: a case on its agenda, a person on its attendance list, the joint
# judgement of an agenda case. A second attempt is answered with these and the existing row.
AGENDA_ITEM_EXISTS = gettext_lazy("Deze casus staat al op de agenda.")
ATTENDANCE_EXISTS = gettext_lazy("Deze persoon staat al op de presentielijst.")
MEETING_JUDGEMENT_EXISTS = gettext_lazy("Het gezamenlijk oordeel van deze casus is in dit overleg al vastgelegd.")
# A closed meeting is a record: nothing of its agenda, minutes, decisions or attendance changes.
MEETING_CLOSED = gettext_lazy(
    "Dit overleg is gesloten: het verslag, de besluiten, de agenda en de aanwezigheid liggen vast en "
    "kunnen niet meer worden gewijzigd."
)
ONLY_CHAIR_CLOSES = gettext_lazy("Alleen de voorzitter of een coördinator van het team kan het overleg sluiten.")


def require_open(meeting_id: int) -> None:
    """Refuse a write on a closed meeting. Holds the meeting's row lock to the end of the transaction,
    so a write and the closing never cross: the closing waits for the write, or the write sees it closed."""
    closed = Meeting.objects.select_for_update().filter(pk=meeting_id).values_list("closed_at", flat=True).first()
    if closed is not None:
        raise ValidationError(MEETING_CLOSED, code="meeting_closed")


def _require_coordinator(actor, team_id: int) -> None:
    if not user_coordinates_team(actor, team_id):
        raise PermissionDenied(_("Alleen een coördinator van het team kan dit doen."))


@transaction.atomic
def meeting_schedule(*, actor, team: SafetyTeam, scheduled_at: datetime, chair, location: str = "") -> Meeting:
    """A coordinator plans a meeting of their team, chaired by a member of the team."""
    _require_coordinator(actor, team.pk)
    if timezone.is_naive(scheduled_at):
        raise ValidationError({"scheduled_at": _("Geef datum en tijd van het overleg.")})
    if not Membership.objects.active().filter(user=chair, team=team, role__in=WORKING_ROLES).exists():
        raise ValidationError({"chair": _("De voorzitter moet lid zijn van het team.")})
    meeting = Meeting(team=team, scheduled_at=scheduled_at, chair=chair, location=location.strip(), created_by=actor)
    full_clean_held(meeting)
    history_author(meeting, actor)
    meeting.save()
    return meeting


@transaction.atomic
def agenda_add(*, actor, meeting: Meeting, case: Case) -> AgendaItem:
    """Put a case of the meeting's team on its agenda (a coordinator builds the agenda)."""
    _require_coordinator(actor, meeting.team_id)
    if case.team_id != meeting.team_id:
        raise ValidationError({"case": _("Deze casus hoort niet bij het team van dit overleg.")})
    require_open(meeting.pk)
    lock_row(meeting)  # one agenda writer at a time: no case twice, no position twice

    def existing():
        return AgendaItem.objects.filter(meeting=meeting, case=case).first()

    first = existing()
    if first is not None:
        raise AlreadyRecorded(AGENDA_ITEM_EXISTS, existing=first, field="case")
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-position").values_list("position", flat=True).first()
    item = AgendaItem(meeting=meeting, case=case, position=(last or 0) + 1)
    history_author(item, actor)
    create_once(item, existing=existing, message=AGENDA_ITEM_EXISTS, field="case")
    # A proposal for the team's next meeting (a breached condition) is accepted by this.
    AgendaProposal.objects.filter(team_id=meeting.team_id, case=case, agenda_item__isnull=True).update(agenda_item=item)
    timeline_record(
        case=case,
        kind=EventKind.PLACED_ON_AGENDA,
        actor=actor,
        # Dated no later than the meeting: a past meeting's agenda (an import, a late record) reads in order,
        # and a replay dates it as the live history did.
        occurred_at=min(timezone.now(), meeting.scheduled_at),
        data={"meeting_id": meeting.pk, "agenda_item_id": item.pk, "scheduled_at": meeting.scheduled_at.isoformat()},
    )
    return item


def on_condition_breached(event: TimelineEvent) -> None:
    """Timeline hook: a breached veiligheidsvoorwaarde proposes its case for the team's next meeting
    (once per event), unless the case is already on the agenda of an upcoming meeting of the team."""
    case = event.case
    upcoming = AgendaItem.objects.filter(
        case=case,
        meeting__team_id=case.team_id,
        meeting__scheduled_at__gte=event.occurred_at,
        discussed_at__isnull=True,
    )
    AgendaProposal.objects.get_or_create(
        event=event,
        defaults={
            "team_id": case.team_id,
            "case": case,
            "reason": ProposalReason.CONDITION_BREACHED,
            "created_at": event.occurred_at,
            "agenda_item": upcoming.order_by("meeting__scheduled_at").first(),
        },
    )


@transaction.atomic
def attendance_record(*, actor, meeting: Meeting, user, organisation: Organisation) -> Attendance:
    """Record that `user` attended for `organisation` (a member organisation of the team)."""
    _require_coordinator(actor, meeting.team_id)
    member = Membership.objects.active().filter(user=user, organisation=organisation, team_id=meeting.team_id)
    if not member.exists():
        raise ValidationError({"user": _("Deze persoon werkt niet voor deze organisatie in het team.")})
    require_open(meeting.pk)
    lock_row(meeting)  # a second, simultaneous recording waits here and then finds this one

    def existing():
        return Attendance.objects.filter(meeting=meeting, user=user).first()

    first = existing()
    if first is not None:
        raise AlreadyRecorded(ATTENDANCE_EXISTS, existing=first, field="user")
    attendance = Attendance(meeting=meeting, user=user, organisation=organisation)
    create_once(attendance, existing=existing, message=ATTENDANCE_EXISTS, field="user")
    return attendance


def _mark_discussed(*, actor, item: AgendaItem, occurred_at: datetime | None = None) -> None:
    if item.discussed_at is None:
        occurred_at = occurred_at or timezone.now()
        versioned_update(item, actor=actor, expected_version=None, fields={"discussed_at": occurred_at})
        timeline_record(
            case=item.case,
            kind=EventKind.DISCUSSED_IN_MEETING,
            actor=actor,
            occurred_at=occurred_at,
            data={"meeting_id": item.meeting_id, "agenda_item_id": item.pk},
        )


@transaction.atomic
def minutes_record(
    *, actor, item: AgendaItem, minutes: str, expected_version: int | None, occurred_at: datetime | None = None
) -> AgendaItem:
    """Write the minutes of an agenda case; the first time marks the case as discussed
    (`occurred_at`, here and below: a replayed past meeting, exchange import)."""
    require_open(item.meeting_id)
    versioned_update(item, actor=actor, expected_version=expected_version, fields={"minutes": minutes.strip()})
    _mark_discussed(actor=actor, item=item, occurred_at=occurred_at)
    return item


def _present_partners(item: AgendaItem) -> list[Organisation]:
    """Organisations present at the meeting that take part in the case: they agree together."""
    present = Attendance.objects.filter(meeting_id=item.meeting_id).values("organisation_id")
    participating = Participant.objects.active().filter(case_id=item.case_id).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=present).filter(pk__in=participating))


@transaction.atomic
def meeting_judgement(*, actor, item: AgendaItem, occurred_at: datetime | None = None, **judgement) -> JointJudgement:
    """Record the joint judgement of an agenda case in the meeting (an open round of the current
    episode is completed, or a new round is started): once per agenda case."""
    case = item.case
    require_open(item.meeting_id)
    # Locks in the order meeting, item, case, round: a second, simultaneous call waits on the item and then
    # finds this judgement (instead of starting a second round with a second judgement).
    lock_row(item)

    def existing():
        decision = MeetingDecision.objects.filter(agenda_item=item, kind=DecisionKind.ASSESSMENT).first()
        return decision.judgement if decision is not None else None

    first = existing()
    if first is not None:
        raise AlreadyRecorded(MEETING_JUDGEMENT_EXISTS, existing=first)
    lock_row(case)
    assessment = open_round_of(case) or assessment_start(actor=actor, case=case, occurred_at=occurred_at)
    result = judgement_record(actor=actor, assessment=assessment, occurred_at=occurred_at, **judgement)
    decision = MeetingDecision(agenda_item=item, kind=DecisionKind.ASSESSMENT, judgement=result, recorded_by=actor)
    create_once(decision, existing=existing, message=MEETING_JUDGEMENT_EXISTS)
    _mark_discussed(actor=actor, item=item, occurred_at=occurred_at)
    return result


@transaction.atomic
def meeting_intervention(
    *, actor, item: AgendaItem, agreed_by=None, occurred_at: datetime | None = None, **intervention
) -> Intervention:
    """Agree an intervention in the meeting; by default the partners present agreed to it."""
    require_open(item.meeting_id)
    agreed_by = list(agreed_by) if agreed_by else _present_partners(item)
    result = intervention_agree(actor=actor, case=item.case, agreed_by=agreed_by, agreed_at=occurred_at, **intervention)
    MeetingDecision.objects.create(
        agenda_item=item, kind=DecisionKind.INTERVENTION, intervention=result, recorded_by=actor
    )
    _mark_discussed(actor=actor, item=item, occurred_at=occurred_at)
    return result


@transaction.atomic
def meeting_condition(
    *,
    actor,
    item: AgendaItem,
    description: str,
    owner_organisation: Organisation,
    owner,
    check_date: date,
    occurred_at: datetime | None = None,
    submission_key: UUID | None = None,
) -> Veiligheidsvoorwaarde:
    """Agree a veiligheidsvoorwaarde in the meeting, in the case's latest joint judgement."""
    require_open(item.meeting_id)
    judgement = latest_judgement(item.case)
    if judgement is None:
        raise ValidationError(_("Leg eerst het gezamenlijk oordeel vast; voorwaarden horen daarbij."))
    result = condition_agree(
        actor=actor,
        judgement=judgement,
        description=description,
        owner_organisation=owner_organisation,
        owner=owner,
        check_date=check_date,
        occurred_at=occurred_at,
        submission_key=submission_key,
    )
    MeetingDecision.objects.create(agenda_item=item, kind=DecisionKind.CONDITION, condition=result, recorded_by=actor)
    _mark_discussed(actor=actor, item=item, occurred_at=occurred_at)
    return result


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting, expected_version: int | None, now: datetime | None = None) -> bool:
    """The chair (or a coordinator of the team) closes the meeting: its minutes, decisions and
    attendance, and each agenda case as it stands now, are frozen into snapshots and the meeting
    becomes read-only. Closing a closed meeting changes nothing (a second click): returns False.
    A stale `expected_version` of a meeting still open is refused (ConcurrentEditError)."""
    if actor.pk != meeting.chair_id and not user_coordinates_team(actor, meeting.team_id):
        raise PermissionDenied(ONLY_CHAIR_CLOSES)
    lock_row(meeting)  # writes on the meeting wait (require_open); a second closing finds it closed
    current = Meeting.objects.get(pk=meeting.pk)
    if current.closed_at is not None:
        for name in ("closed_at", "closed_by_id", "snapshot", "version"):
            setattr(meeting, name, getattr(current, name))
        return False
    now = now or timezone.now()
    versioned_update(
        meeting,
        actor=actor,
        expected_version=expected_version,
        fields={"closed_at": now, "closed_by": actor, "snapshot": meeting_snapshot(meeting, now=now)},
    )
    snapshots = agenda_snapshots(meeting, now=now)
    for item in AgendaItem.objects.filter(meeting=meeting).select_for_update():
        # The minutes did not change, they were frozen: no new version of the item.
        item.snapshot = snapshots[item.pk]
        history_author(item, actor)
        item.save(update_fields=["snapshot"])
    return True
