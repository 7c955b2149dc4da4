"""Reads on team meetings, always for one user. A meeting is seen by members of its team who
need to know (see `meetings_visible_to`); its agenda cases only as far as `cases_visible_to` allows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_write_many
from cases.assessments.confidential import without_judgement_texts
from cases.assessments.models import ConditionStatus, Dissent, JointJudgement
from cases.confidentiality import reader_grants
from cases.interventions.selectors import open_items_prefetches
from cases.models import Case, Participant, Person, PersonRole
from cases.record_reads import persons_shown
from cases.selectors import actor_for, cases_participating, cases_visible_to
from partners.models import WORKING_ROLES, Membership, Organisation, Role
from partners.selectors import coordinated_team_ids, memberships_of
from security.digits import parse_id
from workflows.meetings.models import AgendaItem, AgendaProposal, Meeting, MeetingDecision
from workflows.meetings.safety_plan import plans_since_last_meeting, shown_plan


def meeting_team_ids(user) -> QuerySet:
    return memberships_of(user).filter(role__in=WORKING_ROLES, team__isnull=False).values("team_id")


def meetings_visible_to(user, *, pk: int | None = None) -> QuerySet[Meeting]:
    """Meetings of the user's teams that the user needs to know about: every meeting of a team
    they coordinate; otherwise one they chair, attend, or that discusses a case they may see.
    With `pk`, only that meeting is judged (not every meeting of the teams, then filtered)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Meeting.objects.none()
    coordinated = coordinated_team_ids(user)
    # "A case they may see" split in its two halves (cases_visible_to): a grant, or the case's team
    # coordinated. Written as one subquery, PostgreSQL built the coordinator's whole caseload first.
    need_to_know = (
        Q(team_id__in=coordinated)
        | Q(chair=user)
        | Q(attendances__user=user)
        | Q(agenda_items__case__in=cases_participating(user).values("pk"))
        | Q(agenda_items__case__team_id__in=coordinated)
    )
    scope = Meeting.objects.filter(team_id__in=meeting_team_ids(user))
    if pk is not None:
        scope = scope.filter(pk=pk)
    ids = scope.filter(need_to_know).values("pk")
    return Meeting.objects.filter(pk__in=ids).select_related("team", "chair")


def meeting_for(user, meeting_id) -> Meeting:
    """The meeting if the user may see it; otherwise 404, as for a missing id."""
    pk = parse_id(meeting_id)
    meeting = meetings_visible_to(user, pk=pk).first() if pk is not None else None
    if meeting is None:
        raise Http404("Overleg niet gevonden")
    return meeting


def agenda_item_for(meeting: Meeting, item_id) -> AgendaItem:
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).select_related("case", "meeting").first()
    if item is None:
        raise Http404("Agendapunt niet gevonden")
    return item


def attendance_members(meeting: Meeting, *, absent_only: bool = True) -> QuerySet[Membership]:
    """Everyone who can be recorded as present: active members of the team in a meeting role, not yet
    on the attendance list (`absent_only=False`: also those on it, whom the service then names)."""
    members = Membership.objects.active().filter(team_id=meeting.team_id, role__in=WORKING_ROLES)
    if absent_only:
        members = members.exclude(user__in=meeting.attendances.values("user_id"))
    return members.select_related("user", "organisation")


def attendance_suggestions(meeting: Meeting, *, organisation: Organisation | None = None) -> QuerySet[Membership]:
    """Whom the chair is offered (a region's team has hundreds of members): by default the chair, the
    coordinators and the professionals taking part in the agenda's cases for their organisation; with
    `organisation`, every member of that organisation. Ordered by organisation, then name."""
    members = attendance_members(meeting)
    if organisation is not None:
        members = members.filter(organisation=organisation)
    else:
        on_agenda = Participant.objects.active().filter(
            case__agenda_items__meeting=meeting,
            professional=OuterRef("user_id"),
            organisation=OuterRef("organisation_id"),
        )
        members = members.filter(Q(user_id=meeting.chair_id) | Q(role=Role.COORDINATOR) | Exists(on_agenda))
    return members.order_by("organisation__name", "user__full_name", "user__username", "id")


def attendance_organisations(meeting: Meeting) -> QuerySet[Organisation]:
    """The organisations with members who can attend (to list one organisation's members in full)."""
    return Organisation.objects.filter(
        pk__in=Membership.objects.active()
        .filter(team_id=meeting.team_id, role__in=WORKING_ROLES)
        .values("organisation_id")
    ).order_by("name")


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class AgendaRow:
    item: AgendaItem
    case: Case | None  # None: the user may not see this case (need-to-know)
    family_line: str = ""
    judgement: JointJudgement | None = None
    open_interventions: list = field(default_factory=list)
    open_conditions: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    breached: list = field(default_factory=list)  # veiligheidsvoorwaarden niet nagekomen
    decisions: list = field(default_factory=list)
    safety_plan: dict | None = None  # its version now and what changed since the last meeting


def family_line(case: Case, today: date) -> str:
    """The family in one line; the children's ages only where the reader may read their details."""
    children = case.children_shown  # type: ignore[attr-defined]
    ages = [str(age) for p in children if (age := _age(p.shown_date_of_birth, today)) is not None]
    parts = [case.family_name, case.municipality.name, case.get_status_display()]
    if children:
        parts.append(f"{len(children)} × jeugdige" + (f" ({', '.join(ages)} jr)" if ages else ""))
    return " · ".join(parts)


def meeting_agenda(user, meeting: Meeting, *, today: date, ip: str | None = None) -> list[AgendaRow]:
    """The chair's view: per agenda case the family in one line, the latest joint judgement, open
    interventions and veiligheidsvoorwaarden and what is overdue. A fixed number of queries,
    whatever the agenda size; each shown case is written to the access log (in one batch)."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case__municipality")
        .annotate(case_visible=Exists(cases_visible_to(user).filter(pk=OuterRef("case_id"))))
        .order_by("position", "id")
    )
    visible_ids = {item.case_id for item in items if item.case_visible}  # type: ignore[attr-defined]
    # The reader's participations on the agenda's cases, read once for the children's class.
    grants = reader_grants(user, visible_ids)
    prefetch_related_objects(
        items,
        # The current children (not those removed as added by mistake), their details by their class.
        Prefetch(
            "case__persons",
            queryset=persons_shown(user, Person.objects.current().filter(role=PersonRole.JEUGDIGE), grants).order_by(
                "date_of_birth", "id"
            ),
            to_attr="children_shown",
        ),
        *open_items_prefetches("case__"),
        Prefetch(
            "decisions",
            queryset=MeetingDecision.objects.select_related("intervention", "condition", "judgement").defer(
                *without_judgement_texts()
            ),
        ),
    )
    rows = []
    plans = plans_since_last_meeting(meeting, [item.case for item in items if item.case_id in visible_ids])
    actor = actor_for(user, ip=ip) if visible_ids else None
    for item in items:
        if item.case_id not in visible_ids:
            rows.append(AgendaRow(item=item, case=None))
            continue
        case = item.case
        # Filled by open_items_prefetches (Prefetch to_attr): lists, not managers.
        judged = case.judged_assessments  # type: ignore[attr-defined]
        open_interventions = case.open_interventions  # type: ignore[attr-defined]
        open_conditions = case.open_conditions  # type: ignore[attr-defined]
        overdue = [i for i in open_interventions if i.due_date < today]
        overdue += [c for c in open_conditions if c.status == ConditionStatus.OPEN and c.check_date < today]
        rows.append(
            AgendaRow(
                item=item,
                case=case,
                family_line=family_line(case, today),
                judgement=judged[0].judgement if judged else None,
                open_interventions=open_interventions,
                open_conditions=open_conditions,
                overdue=overdue,
                breached=[c for c in open_conditions if c.status == ConditionStatus.NOT_MET],
                decisions=list(item.decisions.all()),
                safety_plan=shown_plan(plans.get(case.pk)),
            )
        )
    shown = [row.case.pk for row in rows if row.case is not None]
    if actor is not None:
        access_log_write_many(
            actor=actor,
            action=AccessAction.READ,
            outcome=AccessOutcome.ALLOWED,
            case_ids=shown,
            detail=f"meeting:{meeting.pk}",
        )
    return rows


def dissents_of_judgements(judgement_ids) -> dict[int, list[Dissent]]:
    """{judgement id: its dissents}, in one query, for judgements of cases the caller reached
    through the door. (Ours until cases.assessments offers a selector for dissent and agreement.)"""
    found: dict[int, list[Dissent]] = {}
    rows = Dissent.objects.filter(judgement_id__in=list(judgement_ids)).select_related("organisation")
    for dissent in rows.order_by("recorded_at", "id"):
        found.setdefault(dissent.judgement_id, []).append(dissent)
    return found


def open_agenda_proposals(user, meeting: Meeting) -> list[AgendaProposal]:
    """Cases proposed for the team's next meeting and not yet on an agenda, for its coordinators (who
    build the agenda); of cases the user may see. Two queries at most."""
    if not meeting.team_id or meeting.team_id not in set(coordinated_team_ids(user)):
        return []
    return list(
        AgendaProposal.objects.filter(
            team_id=meeting.team_id, agenda_item__isnull=True, case__in=cases_visible_to(user).values("pk")
        )
        .select_related("case")
        .order_by("created_at", "id")[:100]
    )


def next_meeting_of_coordinated_teams(user, *, now) -> tuple[Meeting | None, list[AgendaItem]]:
    """The coordinator's next meeting (not closed, from now on) of a team they coordinate, and its
    agenda in order with each item's case. Two queries; the coordinator sees every case of the team."""
    team_ids = coordinated_team_ids(user)
    meeting = (
        meetings_visible_to(user)
        .filter(team_id__in=team_ids, scheduled_at__gte=now, closed_at__isnull=True)
        .order_by("scheduled_at", "id")
        .first()
        if team_ids
        else None
    )
    if meeting is None:
        return None, []
    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("case").order_by("position", "id")[:50])
    return meeting, items
