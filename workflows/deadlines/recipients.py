"""Who receives a deadline's reminders (DESIGN.md §8, §10): need-to-know, checked when the sweep
records a reminder and again right before its e-mail goes out.

A user may receive a case's reminders while their account is active and they either coordinate the
case's team (an active coordinator membership) or work on the case: an active participation, its
view grant, and an active membership for that organisation in the case's team. Anyone else (account
deactivated, membership or participation ended) gets none of them, and the slot passes to the next in
line, in the order the responsible is chosen when the deadline opens (`Responsible`,
`services._responsible`): the responsible professional, the responsible organisation's active
participants on the case, the vast gezicht, the team's coordinators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef

from cases.models import Case, CaseUserObjectPermission, Participant
from cases.selectors import _view_permission_id
from partners.models import Membership, Role
from workflows.deadlines.models import Deadline, DeadlineState, Reminder

ESCALATION = "escalation"
OVERDUE = "overdue"


def is_overdue_stage(stage: str) -> bool:
    return stage == OVERDUE or stage.startswith(ESCALATION)


def addressed_to(stage: str) -> tuple[bool, bool]:
    """(to the responsible, to the coordinators): stages before and on the due moment go to the responsible;
    overdue also to the coordinators; escalations to the coordinators only."""
    return not stage.startswith(ESCALATION), is_overdue_stage(stage)


@dataclass
class CaseAccess:
    """Who may receive reminders of a set of cases on one day."""

    coordinators: dict[int, list[int]]  # team id -> user ids
    involved: dict[tuple[int, int], list[int]]  # (case id, organisation id) -> user ids, longest involved first
    _on_case: dict[int, set[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (case_id, _organisation_id), users in self.involved.items():
            self._on_case.setdefault(case_id, set()).update(users)

    def on_case(self, case_id: int) -> set[int]:
        """Who works on the case (active participation, grant and membership)."""
        return self._on_case.get(case_id, set())

    def allows(self, *, case: Case, user_id: int) -> bool:
        return user_id in self.coordinators.get(case.team_id, ()) or user_id in self._on_case.get(case.pk, ())


def case_access(cases: Iterable[Case], *, on: date, user_ids: Collection[int] | None = None) -> CaseAccess:
    """Who may receive reminders of these cases on day `on` (of `user_ids` only, when given): two
    queries whatever the number of cases."""
    cases = list(cases)
    team_ids = {case.team_id for case in cases}
    case_ids = {case.pk for case in cases}
    coordinator_rows = (
        Membership.objects.active(on)
        .filter(role=Role.COORDINATOR, team_id__in=team_ids, user__is_active=True)
        .order_by("start_date", "id")
    )
    member = Membership.objects.active(on).filter(
        user_id=OuterRef("professional_id"),
        organisation_id=OuterRef("organisation_id"),
        team_id=OuterRef("case__team_id"),
    )
    grant = CaseUserObjectPermission.objects.filter(
        content_object_id=OuterRef("case_id"), user_id=OuterRef("professional_id"), permission_id=_view_permission_id()
    )
    participant_rows = (
        Participant.objects.active()
        .filter(case_id__in=case_ids, professional__is_active=True)
        .filter(Exists(member), Exists(grant))
        .order_by("started_at", "id")
    )
    if user_ids is not None:
        coordinator_rows = coordinator_rows.filter(user_id__in=user_ids)
        participant_rows = participant_rows.filter(professional_id__in=user_ids)
    coordinators: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in coordinator_rows.values_list("team_id", "user_id"):
        coordinators[team_id].append(user_id)
    involved: dict[tuple[int, int], list[int]] = defaultdict(list)
    for case_id, organisation_id, user_id in participant_rows.values_list(
        "case_id", "organisation_id", "professional_id"
    ):
        involved[(case_id, organisation_id)].append(user_id)
    return CaseAccess(coordinators=dict(coordinators), involved=dict(involved))


@dataclass
class Recipients:
    """Per deadline, who receives which stage today."""

    access: CaseAccess
    responsible: dict[int, list[int]]  # deadline id -> the first in line who may receive


def recipients_for(deadlines: list[Deadline], *, on: date) -> Recipients:
    """The recipients of a batch of deadlines (their cases loaded), in two queries."""
    access = case_access([d.case for d in deadlines], on=on)
    responsible = {}
    for deadline in deadlines:
        allowed = _allowed_in_line(deadline, access)
        responsible[deadline.pk] = sorted(set(next((users for users in allowed if users), [])))
    return Recipients(access=access, responsible=responsible)


def _allowed_in_line(deadline: Deadline, access: CaseAccess) -> Iterator[list[int]]:
    """The line, group by group, each narrowed to who may receive: the responsible professional, the
    responsible organisation's participants (longest involved first), the vast gezicht, the coordinators."""
    case = deadline.case
    in_line = (
        [deadline.responsible_user_id] if deadline.responsible_user_id else [],
        access.involved.get((case.pk, deadline.responsible_organisation_id), []),
        [case.vast_gezicht_id] if case.vast_gezicht_id else [],
        access.coordinators.get(case.team_id, []),
    )
    return ([u for u in users if access.allows(case=case, user_id=u)] for users in in_line)


def next_in_line(deadline: Deadline, access: CaseAccess) -> int | None:
    """The one person a deadline names when its responsible may no longer work on the case: the first who
    may receive its reminders, in the order above; None when nobody may."""
    return next((users[0] for users in _allowed_in_line(deadline, access) if users), None)


def reminders_deliverable(reminders: list[Reminder], *, on: date) -> list[Reminder]:
    """Of these unsent reminders (deadline, case and recipient loaded just now), those that may still go
    out: the deadline is open and the recipient may still receive its case's reminders."""
    access = case_access([r.deadline.case for r in reminders], on=on, user_ids={r.recipient_id for r in reminders})
    return [
        r
        for r in reminders
        if r.deadline.state == DeadlineState.OPEN and access.allows(case=r.deadline.case, user_id=r.recipient_id)
    ]
