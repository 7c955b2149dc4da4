"""The one door to case data. Every view, API call, export and task reaches a case through here:
need-to-know is applied and the access log is written.

A user sees a case when they hold an active participation (a django-guardian grant on the case)
or coordinate the case's team. Anything else answers "not found", exactly like a missing id.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import Actor, access_log_write, keyed_digest
from cases.models import CLOSED_STATUSES, Case, CaseUserObjectPermission, Participant, Person
from cases.replay_batch import is_unknown, working_for_cached, working_for_remember
from partners.models import WORKING_ROLES, Membership, Organisation, Role
from partners.selectors import active_memberships, coordinated_team_ids
from security.digits import parse_id
from security.services import client_ip

VIEW_CASE = "view_case"


@lru_cache(maxsize=1)
def view_permission() -> Permission:
    """The permission a participation grants, with its content type (a grant checks it at saving)."""
    return Permission.objects.select_related("content_type").get(content_type__app_label="cases", codename=VIEW_CASE)


def _view_permission_id() -> int:
    return view_permission().pk


def reset_permission_cache() -> None:
    """Tests that recreate the database call this; ids differ between databases."""
    view_permission.cache_clear()


def participation_backed() -> Exists:
    """For a Participant row: its professional holds an active working-role membership (WORKING_ROLES)
    for its organisation in its case's team, and their account is active."""
    return Exists(
        Membership.objects.active().filter(
            user_id=OuterRef("professional_id"),
            organisation_id=OuterRef("organisation_id"),
            team_id=OuterRef("case__team_id"),
            role__in=WORKING_ROLES,
            user__is_active=True,
        )
    )


def _granted(user) -> Q:
    """Cases the user holds a grant on, counted only while an active participation of theirs on the case
    rests on an active working membership. Ending a membership ends the participations at once
    (cases.memberships); this also covers an end date that was reached before the daily task ran."""
    granted = CaseUserObjectPermission.objects.filter(user=user, permission_id=_view_permission_id()).values(
        "content_object_id"
    )
    backed = (
        Participant.objects.active().filter(case_id=OuterRef("pk"), professional=user).filter(participation_backed())
    )
    return Q(pk__in=granted) & Q(Exists(backed))


def cases_visible_to(user) -> QuerySet[Case]:
    """All cases the user may see. Two queries at most, whatever the data size."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    team_ids = coordinated_team_ids(user)
    return Case.objects.filter(_granted(user) | Q(team_id__in=team_ids))


def _by_id(memberships: list[Membership]) -> list[Membership]:
    return sorted(memberships, key=lambda m: m.pk)


NOT_ON_CASE = gettext_lazy("U werkt niet aan deze casus.")


def working_for(user, case: Case) -> tuple[Organisation, str] | None:
    """The one answer to "for which organisation does this user work on this case": their earliest
    active participation, else their coordinatorship of the case's team; None if neither. (In an
    import's batch, answered once per user until a participation or membership changes.)"""
    cached = working_for_cached(user, case)
    if not is_unknown(cached):
        return cached  # type: ignore[return-value]
    answer = _working_for(user, case)
    working_for_remember(user, case, answer)
    return answer


def _working_for(user, case: Case) -> tuple[Organisation, str] | None:
    participation = (
        Participant.objects.active()
        .filter(case=case, professional=user)
        .select_related("organisation")
        .order_by("started_at", "id")
        .first()
    )
    if participation is not None:
        return participation.organisation, f"participant:{participation.role}"
    membership = next(
        (m for m in _by_id(active_memberships(user)) if m.role == Role.COORDINATOR and m.team_id == case.team_id),
        None,
    )
    if membership is not None:
        return membership.organisation, Role.COORDINATOR
    return None


def acting_organisation(user, case: Case) -> Organisation:
    """The organisation a write on this case is done for; PermissionDenied for anyone not working on it."""
    working = working_for(user, case)
    if working is None:
        raise PermissionDenied(NOT_ON_CASE)
    return working[0]


def actor_for(user, case: Case | None = None, *, ip: str | None = None) -> Actor:
    """Who acts, for the access log: as `working_for` on the case; otherwise (no case, or a case the
    user does not work on) the user's first active membership, so that a refused attempt names one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user_id=None, username="", ip_address=ip)
    working = working_for(user, case) if case is not None else None
    if working is not None:
        organisation, role = working
        return Actor(user.pk, user.get_username(), organisation.pk, organisation.name, role, ip)
    membership = next(iter(_by_id(active_memberships(user))), None)
    if membership is not None:
        return Actor(
            user.pk, user.get_username(), membership.organisation_id, membership.organisation.name, membership.role, ip
        )
    return Actor(user.pk, user.get_username(), ip_address=ip)


def case_for(
    user,
    case_id,
    *,
    ip: str | None = None,
    action: str = AccessAction.READ,
    detail: str = "case",
    person_id: int | None = None,
) -> Case:
    """The case with this id if the user may see it (logged); otherwise Http404 (logged as denied)."""
    case_pk = parse_id(case_id)
    case = (
        cases_visible_to(user).select_related("team", "municipality", "vast_gezicht").filter(pk=case_pk).first()
        if case_pk is not None
        else None
    )
    if case is None:
        access_log_write(
            actor=actor_for(user, ip=ip), action=action, outcome=AccessOutcome.DENIED, case_id=case_pk, detail=detail
        )
        raise Http404("Casus niet gevonden")
    access_log_write(
        actor=actor_for(user, case, ip=ip),
        action=action,
        outcome=AccessOutcome.ALLOWED,
        case_id=case.pk,
        person_id=person_id,
        detail=detail,
    )
    return case


def person_for(
    user, person_id, *, case_id: int | None = None, ip: str | None = None, action: str = AccessAction.READ
) -> Person:
    """A person of a case the user may see (of case `case_id`, when given); the read is logged with the
    person. Otherwise Http404, logged as denied."""
    people = Person.objects.filter(pk=parse_id(person_id))  # type: ignore[misc]  # None matches no row
    if case_id is not None:
        people = people.filter(case_id=case_id)
    person = people.first()
    if person is None:
        access_log_write(
            actor=actor_for(user, ip=ip),
            action=action,
            outcome=AccessOutcome.DENIED,
            case_id=case_id,
            detail=f"person:{person_id}"[:300],
        )
        raise Http404("Persoon niet gevonden")
    person.case = case_for(user, person.case_id, ip=ip, action=action, detail="person", person_id=person.pk)
    return person


def request_action(request) -> str:
    """The access-log action of a request: a read for GET/HEAD/OPTIONS, a change for anything else."""
    return AccessAction.READ if request.method in ("GET", "HEAD", "OPTIONS") else AccessAction.CHANGE


def case_for_request(request, case_id, *, detail: str = "case") -> Case:
    """`case_for` for a web or API request: actor, address and action come from the request."""
    return case_for(request.user, case_id, ip=client_ip(request), action=request_action(request), detail=detail)


def person_for_request(request, person_id, *, case_id: int | None = None) -> Person:
    """`person_for` for a web or API request: actor, address and action come from the request."""
    return person_for(request.user, person_id, case_id=case_id, ip=client_ip(request), action=request_action(request))


def bsn_digest(bsn: str) -> str:
    """A BSN searched for, as the access log may hold it: keyed with the log's key, so repeats of one
    search can be told apart from others without the BSN itself in the log."""
    return keyed_digest("bsn-search", bsn)[:32] if bsn else "-"


def log_search(user, *, ip: str | None, detail: str) -> None:
    """A list or search over cases: one log row, without the case content."""
    access_log_write(
        actor=actor_for(user, ip=ip), action=AccessAction.SEARCH, outcome=AccessOutcome.ALLOWED, detail=detail
    )


def cases_participating(user) -> QuerySet[Case]:
    """ "Mijn zaken": the cases the user holds an active participation (grant) on."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(_granted(user))


def cases_of_coordinated_teams(user) -> QuerySet[Case]:
    """ "Teamzaken": every case of the teams the user coordinates."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(team_id__in=coordinated_team_ids(user))


# Later stages (workflows' deadlines) register how "overdue" is decided; until then the filter is off.
_overdue_filter: Callable[[QuerySet[Case]], QuerySet[Case]] | None = None


def register_overdue_filter(func: Callable[[QuerySet[Case]], QuerySet[Case]]) -> None:
    """Called from an AppConfig.ready(): narrows a case queryset to cases with an overdue deadline."""
    global _overdue_filter  # noqa: PLW0603 - a one-slot registry, set once at start-up
    _overdue_filter = func


def overdue_filter_available() -> bool:
    return _overdue_filter is not None


# Flags the case lists show per row, added by the sub-packages (assessments: a breached condition) at
# start-up as annotations: subqueries in the list's own query, never a query per row.
_list_flags: list[Callable[[QuerySet[Case]], QuerySet[Case]]] = []


def register_case_list_flag(func: Callable[[QuerySet[Case]], QuerySet[Case]]) -> None:
    """Called from an AppConfig.ready(): `func` annotates a case queryset with a flag for the lists."""
    if func not in _list_flags:
        _list_flags.append(func)


def cases_flagged(cases: QuerySet[Case]) -> QuerySet[Case]:
    for annotate in _list_flags:
        cases = annotate(cases)
    return cases


def cases_filter(
    cases: QuerySet[Case],
    *,
    user,
    status: str = "",
    municipality_id: int | None = None,
    search: str = "",
    overdue: bool = False,
    bsn: str = "",
) -> QuerySet[Case]:
    """Narrow a (visible) case list by status, municipality, overdue, a search over family
    name, a person's name or the reference, and a BSN (exact, of a current person whose details `user`
    may read). Callers log the search with `log_search` (a BSN only as `bsn_digest`)."""
    if status:
        cases = cases.filter(status=status)
    if municipality_id:
        cases = cases.filter(municipality_id=municipality_id)
    if overdue and _overdue_filter is not None:
        cases = _overdue_filter(cases)
    # A person's BSN and name are details under their class: only persons whose details `user` reads match,
    # so a search cannot tell a hidden person's BSN or name either.
    if bsn:
        cases = cases.filter(Exists(_persons_readable(user).filter(case=OuterRef("pk"), bsn=bsn)))
    search = search.strip()
    if search:
        person_match = _persons_readable(user).filter(case=OuterRef("pk"), full_name__icontains=search)
        cases = cases.filter(Q(family_name__icontains=search) | Q(reference__icontains=search) | Exists(person_match))
    return cases


def _persons_readable(user) -> QuerySet[Person]:
    # cases.confidentiality builds on this module (participation_backed), so it is imported when used.
    from cases.confidentiality import readable_condition  # noqa: PLC0415

    return Person.objects.current().filter(readable_condition(user))


TIMELINE_PAGE_SIZE = 50


def timeline_of(user, case: Case, *, kinds: list[str] | None = None, page=1, grants=None) -> Page:
    """One page of a case's timeline (got through the door), newest first, optionally only these kinds;
    a summary about a person whose details `user` may not read comes back NULL (cases.record_reads;
    `grants`: the reader's `cases.confidentiality.reader_grants` for the case, where read already).
    Two queries (count and page), whatever the length of the timeline."""
    from cases.record_reads import timeline_shown  # noqa: PLC0415  (builds on cases.confidentiality)

    events = timeline_shown(user, case.timeline.select_related("actor", "organisation"), grants).order_by(
        "-occurred_at", "-id"
    )
    if kinds:
        events = events.filter(kind__in=kinds)
    return Paginator(events, TIMELINE_PAGE_SIZE).get_page(page)


def cases_without_vast_gezicht(user) -> QuerySet[Case]:
    """Open cases of the teams the user coordinates that have no vast gezicht yet, oldest first."""
    return (
        cases_of_coordinated_teams(user)
        .filter(vast_gezicht__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("opened_at", "id")
    )
