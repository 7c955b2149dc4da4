"""Reads on deadlines and notifications, always scoped to one user (need-to-know through the one door)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Now
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors import case_for, cases_visible_to
from partners.selectors import coordinated_team_ids
from security.digits import parse_id
from workflows.deadlines.calendar import end_of_day, local_date
from workflows.deadlines.models import Deadline, DeadlineState, Notification, open_due_at


def deadlines_visible_to(user) -> QuerySet[Deadline]:
    """Deadlines of the cases the user may see (one subquery; nothing else leaks)."""
    return Deadline.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related(
        "case", "rule", "responsible_organisation", "responsible_user"
    )


def deadline_for(user, deadline_id, *, ip: str | None = None) -> Deadline:
    """One deadline of a case the user may see, its case read through the one door (logged, also
    when refused). Otherwise Http404."""
    deadline = (
        Deadline.objects.select_related("rule", "responsible_organisation", "responsible_user")
        .filter(pk=parse_id(deadline_id))  # type: ignore[misc]  # None matches no row
        .first()
    )
    if deadline is None:
        raise Http404("Termijn niet gevonden")
    deadline.case = case_for(user, deadline.case_id, ip=ip, detail="deadline")
    return deadline


def cases_with_overdue_deadlines(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The case lists' "overdue" filter (registered in WorkflowsConfig.ready): an open deadline past due."""
    overdue = Deadline.objects.alias(open_due=open_due_at()).filter(case=OuterRef("pk"), open_due__lt=Now())
    return cases.filter(Exists(overdue))


def overdue_deadlines_of(case_ids, now: datetime) -> list[dict]:
    """Open deadlines of these cases past due at `now`, as plain rows (the meeting minutes freeze them
    through `workflows.meetings.hooks`, registered in WorkflowsConfig.ready). The caller reached the
    cases through the one door; one query."""
    rows = (
        Deadline.objects.filter(case_id__in=list(case_ids), state=DeadlineState.OPEN, due_at__lt=now)
        .select_related("responsible_organisation")
        .order_by("due_at", "id")
    )
    return [
        {
            "case_id": row.case_id,
            "name": row.name,
            "due_at": row.due_at.isoformat(),
            "responsible_organisation_id": row.responsible_organisation_id,
            "responsible_organisation": str(row.responsible_organisation or ""),
        }
        for row in rows
    ]


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


# Rows per section on the overview; a section shown on its own is paged by SECTION_PAGE_SIZE.
SECTION_PREVIEW = 20
SECTION_PAGE_SIZE = 100
DASHBOARD_SECTIONS = ("overdue", "today", "week", "next", "later")
# "later": the weeks after next, up to and including this many weeks from now ("over 2–4 weken").
LATER_WEEKS = 4


@dataclass
class DeadlineWeek:
    """The rows of one ISO week, with the week's Dutch label ("week 50: 7 t/m 13 december 2026")."""

    label: str
    rows: list[Deadline]


def week_label(day: date) -> str:
    """The ISO week of a local date: its number and its Monday to Sunday, in the reader's language."""
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    same_month = (monday.year, monday.month) == (sunday.year, sunday.month)
    first = date_format(monday, "j" if same_month else "j F" if monday.year == sunday.year else "j F Y")
    return _("week %(week)d: %(first)s t/m %(last)s") % {
        "week": day.isocalendar().week,
        "first": first,
        "last": date_format(sunday, "j F Y"),
    }


@dataclass
class DashboardSection:
    key: str  # one of DASHBOARD_SECTIONS
    count: int
    rows: Sequence[Deadline] = field(default_factory=list)
    page: int = 1
    pages: int = 1

    @property
    def more(self) -> bool:
        """True when the section has more deadlines than the rows shown."""
        return self.count > len(self.rows)

    @property
    def weeks(self) -> list[DeadlineWeek]:
        """The rows shown, grouped by the ISO week (local date) they fall due in, in order."""
        weeks: list[DeadlineWeek] = []
        current = None
        for row in self.rows:
            key = local_date(row.due_at).isocalendar()[:2]
            if key != current:
                weeks.append(DeadlineWeek(week_label(local_date(row.due_at)), []))
                current = key
            weeks[-1].rows.append(row)
        return weeks


def team_dashboard(user, *, now: datetime | None = None, section: str | None = None, page: int = 1) -> dict:
    """The coordinator's overview of open deadlines in their teams: overdue, due today, due later this week,
    next week and in the LATER_WEEKS - 1 weeks after it, each with its count and its first SECTION_PREVIEW
    rows (or, with `section`, that one section by pages), and counts per organisation and per rule for this
    week. A fixed number of queries, whatever the team's size."""
    now = now or timezone.now()
    today = local_date(now)
    today_end = end_of_day(today)
    sunday = today + timedelta(days=6 - today.weekday())
    week_end = end_of_day(sunday)
    next_end = end_of_day(sunday + timedelta(weeks=1))
    later_end = end_of_day(sunday + timedelta(weeks=LATER_WEEKS))
    # Every case of a team the user coordinates is visible to them (cases_visible_to), so the team filter
    # is the need-to-know filter here: without the visibility subquery PostgreSQL starts from the few
    # open deadlines due in these weeks instead of hashing all of a big team's cases.
    team_ids = coordinated_team_ids(user) if getattr(user, "is_active", False) else []
    open_in_teams = Deadline.objects.alias(open_due=open_due_at()).filter(
        case__team_id__in=team_ids, open_due__lte=later_end
    )
    bounds = {
        "overdue": Q(open_due__lt=now),
        "today": Q(open_due__gte=now, open_due__lte=today_end),
        "week": Q(open_due__gt=today_end, open_due__lte=week_end),
        "next": Q(open_due__gt=week_end, open_due__lte=next_end),
        "later": Q(open_due__gt=next_end),
    }
    # One grouped query gives the section counts and both tallies (at most organisations × rules rows).
    groups = list(
        open_in_teams.values("responsible_organisation__name", "name")
        .annotate(
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            today=Count("pk", filter=Q(due_at__gte=now, due_at__lte=today_end)),
            total=Count("pk", filter=Q(due_at__lte=week_end)),
            next=Count("pk", filter=Q(due_at__gt=week_end, due_at__lte=next_end)),
            later=Count("pk", filter=Q(due_at__gt=next_end)),
        )
        .order_by()
    )
    counts = {key: sum(g[key] for g in groups) for key in ("overdue", "today", "next", "later")}
    counts["week"] = sum(g["total"] for g in groups) - counts["overdue"] - counts["today"]

    listed = (
        open_in_teams.select_related("case", "responsible_organisation", "responsible_user")
        .only(
            "id",
            "name",
            "statutory",
            "due_at",
            "state",
            "case__reference",
            "case__family_name",
            "responsible_organisation__name",
            "responsible_user__username",
            "responsible_user__full_name",
            "responsible_user__first_name",
            "responsible_user__last_name",
        )
        .order_by("open_due", "id")
    )
    sections = {}
    for key in DASHBOARD_SECTIONS:
        if section is not None and key != section:
            sections[key] = DashboardSection(key, counts[key])
            continue
        size = SECTION_PREVIEW if section is None else SECTION_PAGE_SIZE
        pages = max(1, -(-counts[key] // size))
        number = min(max(page, 1), pages) if section is not None else 1
        offset = (number - 1) * size
        rows = list(listed.filter(bounds[key])[offset : offset + size])
        sections[key] = DashboardSection(key, counts[key], rows, number, pages)
    return {
        "sections": sections,
        "section": section,
        "counts": counts,
        "next_week": week_label(sunday + timedelta(days=1)),
        "per_organisation": _tally(groups, "responsible_organisation__name"),
        "per_rule": _tally(groups, "name"),
    }


def _tally(groups: Sequence[Mapping], label: str) -> list[dict]:
    """Per label: this week's total and overdue, ordered by label with the empty label last (as ORDER BY in
    PostgreSQL); labels with nothing due this week are left out."""
    totals: dict = {}
    for group in groups:
        if not group["total"]:
            continue
        entry = totals.setdefault(group[label], {label: group[label], "overdue": 0, "total": 0})
        entry["total"] += group["total"]
        entry["overdue"] += group["overdue"]
    return sorted(totals.values(), key=lambda e: (e[label] is None, e[label] or ""))


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# Rows per group on the start page; the counts are complete.
START_PAGE_ROWS = 10


@dataclass
class DeadlineGroups:
    """Open deadlines in three groups: overdue, due this week (to Sunday), due next week."""

    overdue: list[Deadline]
    week: list[Deadline]
    next: list[Deadline]
    counts: dict[str, int]


def my_deadlines_ahead(user, *, now: datetime | None = None) -> DeadlineGroups:
    """The start page's "Mijn termijnen": the user's open deadlines overdue, this week and next week,
    each with its count and its first START_PAGE_ROWS. Four queries, whatever the data size."""
    now = now or timezone.now()
    today = local_date(now)
    sunday = today + timedelta(days=6 - today.weekday())
    week_end, next_end = end_of_day(sunday), end_of_day(sunday + timedelta(weeks=1))
    mine = my_deadlines(user).filter(due_at__lte=next_end)
    counts = mine.aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        week=Count("pk", filter=Q(due_at__gte=now, due_at__lte=week_end)),
        next=Count("pk", filter=Q(due_at__gt=week_end)),
    )
    bounds = {
        "overdue": Q(due_at__lt=now),
        "week": Q(due_at__gte=now, due_at__lte=week_end),
        "next": Q(due_at__gt=week_end),
    }
    groups = {key: list(mine.filter(bound)[:START_PAGE_ROWS]) for key, bound in bounds.items()}
    return DeadlineGroups(groups["overdue"], groups["week"], groups["next"], counts)


def team_overdue_deadlines(user, *, now: datetime | None = None) -> QuerySet[Deadline]:
    """Open deadlines past due in the teams the user coordinates, oldest first (need-to-know: a
    coordinator sees every case of their team)."""
    now = now or timezone.now()
    team_ids = coordinated_team_ids(user) if getattr(user, "is_active", False) else []
    return (
        Deadline.objects.filter(case__team_id__in=team_ids, state=DeadlineState.OPEN, due_at__lt=now)
        .select_related("case", "responsible_organisation")
        .order_by("due_at", "id")
    )
