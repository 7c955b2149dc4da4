"""The start page: for each role the user holds, what to do next. Composes the apps' selectors; every
section reads a fixed number of queries, whatever the data size (tests/site/test_start_page.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from cases.assessments.selectors import cases_with_unhandled_breach
from cases.interventions.selectors import actions_owned_by
from cases.requests.selectors import open_requests_of_privacy_teams
from cases.selectors import cases_of_coordinated_teams, cases_without_vast_gezicht
from cases.visits import NEW_ACTIVITY_LISTED, cases_with_new_activity
from metrics.access import is_evaluator
from partners.models import WORKING_ROLES, MembershipStatus, Role
from partners.selectors import active_memberships, admin_scope, administered_memberships
from workflows.deadlines.selectors import my_deadlines_ahead, notifications_of, team_overdue_deadlines
from workflows.meetings.selectors import next_meeting_of_coordinated_teams

# Rows per list on the start page; a section links to its full page.
ROWS = 10


@dataclass(frozen=True)
class Roles:
    """What the user's active memberships let them do (partners.selectors decides each)."""

    works_cases: bool
    coordinator: bool
    evaluator: bool
    functional_admin: bool
    privacy_officer: bool

    @property
    def any(self) -> bool:
        return self.works_cases or self.evaluator or self.functional_admin or self.privacy_officer


def roles_of(user) -> Roles:
    memberships = active_memberships(user)
    return Roles(
        works_cases=any(m.role in WORKING_ROLES for m in memberships),
        coordinator=any(m.role == Role.COORDINATOR for m in memberships),
        evaluator=is_evaluator(user),
        functional_admin=admin_scope(user).is_admin,
        privacy_officer=any(m.role == Role.PRIVACY_OFFICER and m.team_id is not None for m in memberships),
    )


@dataclass
class Workplace:
    roles: Roles
    sections: dict = field(default_factory=dict)


def professional_section(user, *, now: datetime) -> dict:
    """My open actions, my deadlines, my unread notifications, my cases with news since my last visit."""
    new_activity = list(cases_with_new_activity(user).select_related("municipality")[:NEW_ACTIVITY_LISTED])
    return {
        "actions": actions_owned_by(user, today=timezone.localdate(now), limit=ROWS),
        "deadlines": my_deadlines_ahead(user, now=now),
        "notifications": list(notifications_of(user).filter(read_at__isnull=True)[:5]),
        "new_activity": new_activity,
    }


def coordinator_section(user, *, now: datetime) -> dict:
    """The team's overdue deadlines and breached veiligheidsvoorwaarden, the next meeting and its
    agenda, and the open cases without a vast gezicht."""
    meeting, agenda = next_meeting_of_coordinated_teams(user, now=now)
    overdue = team_overdue_deadlines(user, now=now)
    unassigned = cases_without_vast_gezicht(user)
    breached = cases_with_unhandled_breach(cases_of_coordinated_teams(user)).order_by("opened_at", "id")
    return {
        "overdue": list(overdue[:ROWS]),
        "overdue_count": overdue.count(),
        "breached": list(breached.select_related("municipality")[:ROWS]),
        "meeting": meeting,
        "agenda": agenda,
        "unassigned": list(unassigned.select_related("municipality")[:ROWS]),
        "unassigned_count": unassigned.count(),
    }


def functional_admin_section(user) -> dict:
    return {
        "pending_memberships": administered_memberships(user).filter(status=MembershipStatus.PENDING).count(),
    }


def privacy_officer_section(user) -> dict:
    requests = open_requests_of_privacy_teams(user)
    return {"requests": list(requests[:ROWS]), "requests_count": requests.count()}


def workplace_of(user, *, now: datetime | None = None) -> Workplace:
    """The start page's sections for the roles the user holds (a user may hold several)."""
    now = now or timezone.now()
    roles = roles_of(user)
    place = Workplace(roles)
    if roles.works_cases:
        place.sections["professional"] = professional_section(user, now=now)
    if roles.coordinator:
        place.sections["coordinator"] = coordinator_section(user, now=now)
    if roles.functional_admin:
        place.sections["functional_admin"] = functional_admin_section(user)
    if roles.privacy_officer:
        place.sections["privacy_officer"] = privacy_officer_section(user)
    return place
