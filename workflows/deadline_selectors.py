"""Reads on deadlines and notifications, always scoped to one user (need-to-know through the one door)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cases.selectors import case_for, cases_visible_to
from partners.selectors import coordinated_team_ids
from workflows.calendar import end_of_day, local_date
from workflows.models import Deadline, DeadlineState, Notification


def deadlines_visible_to(user) -> QuerySet[Deadline]:
    """Deadlines of the cases the user may see (one subquery; nothing else leaks)."""
    return Deadline.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related(
        "case", "rule", "responsible_organisation", "responsible_user"
    )


def deadline_for(user, deadline_id, *, ip: str | None = None) -> Deadline:
    """One deadline of a case the user may see; the case read is logged. Otherwise Http404."""
    deadline = deadlines_visible_to(user).filter(pk=int(deadline_id) if str(deadline_id).isdigit() else None).first()
    if deadline is None:
        raise Http404("Termijn niet gevonden")
    case_for(user, deadline.case_id, ip=ip, detail="deadline")
    return deadline


def my_deadlines(user) -> QuerySet[Deadline]:
    """Open deadlines the user answers for, within need-to-know."""
    return deadlines_visible_to(user).filter(state=DeadlineState.OPEN, responsible_user=user).order_by("due_at", "id")


def deadlines_filtered(
    user,
    *,
    case_id=None,
    state: str | None = None,
    due_from: datetime | None = None,
    due_to: datetime | None = None,
    now: datetime | None = None,
) -> QuerySet[Deadline]:
    """The API list: filters on case, state (open/met/missed/cancelled/overdue) and due range."""
    qs = deadlines_visible_to(user)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if state == "overdue":
        qs = qs.filter(state=DeadlineState.OPEN, due_at__lt=now or timezone.now())
    elif state:
        qs = qs.filter(state=state)
    if due_from is not None:
        qs = qs.filter(due_at__gte=due_from)
    if due_to is not None:
        qs = qs.filter(due_at__lte=due_to)
    return qs.order_by("due_at", "id")


def team_dashboard(user, *, now: datetime | None = None) -> dict:
    """The coordinator's overview of open deadlines in their teams: overdue, today, this week,
    and counts per organisation and per rule. A fixed number of queries."""
    now = now or timezone.now()
    today_end = end_of_day(local_date(now))
    week_end = end_of_day(local_date(now) + timedelta(days=6 - local_date(now).weekday()))
    # Every case of a team the user coordinates is visible to them (cases_visible_to), so the team filter
    # is the need-to-know filter here: without the visibility subquery PostgreSQL starts from the few
    # open deadlines due this week instead of hashing all of a big team's cases.
    team_ids = coordinated_team_ids(user) if getattr(user, "is_active", False) else []
    open_in_teams = Deadline.objects.select_related(
        "case", "rule", "responsible_organisation", "responsible_user"
    ).filter(state=DeadlineState.OPEN, case__team_id__in=team_ids, due_at__lte=week_end)
    rows = list(open_in_teams.order_by("due_at", "id"))
    overdue = [d for d in rows if d.due_at < now]
    today = [d for d in rows if now <= d.due_at <= today_end]
    week = [d for d in rows if d.due_at > today_end]
    # The counts are over the same rows (at most a week of open deadlines): counted here, not in
    # three more queries that each scan the open deadlines again.
    return {
        "overdue": overdue,
        "today": today,
        "week": week,
        "counts": {"overdue": len(overdue), "today": len(today), "week": len(week)},
        "per_organisation": _tally(
            rows,
            lambda d: d.responsible_organisation.name if d.responsible_organisation else None,
            "responsible_organisation__name",
            now,
        ),
        "per_rule": _tally(rows, lambda d: d.name, "name", now),
    }


def _tally(rows: list[Deadline], key, label: str, now: datetime) -> list[dict]:
    """Per key: total and overdue, ordered by key with the empty key last (as ORDER BY in PostgreSQL)."""
    totals: dict = {}
    for deadline in rows:
        entry = totals.setdefault(key(deadline), {label: key(deadline), "overdue": 0, "total": 0})
        entry["total"] += 1
        entry["overdue"] += deadline.due_at < now
    return sorted(totals.values(), key=lambda e: (e[label] is None, e[label] or ""))


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
