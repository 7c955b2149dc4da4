"""Reads about who belongs where, always for one user."""

from __future__ import annotations

from django.db.models import QuerySet

from partners.models import Membership, Organisation, Role, SafetyTeam, User

# Attribute on a request's user object (set by partners.middleware): holds per-request reads.
REQUEST_CACHE_ATTR = "_request_cache"


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's active memberships, with organisation and team loaded."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user).select_related("organisation", "team")


def active_memberships(user: User) -> list[Membership]:
    """`memberships_of(user)` as a list, read once per request for the request's user.

    Outside a request (tasks, shell, tests holding a user object) it is read fresh every time."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, REQUEST_CACHE_ATTR, None)
    if cache is None:
        return list(memberships_of(user))
    if "memberships" not in cache:
        cache["memberships"] = list(memberships_of(user))
    return cache["memberships"]


def teams_of(user: User) -> QuerySet[SafetyTeam]:
    return SafetyTeam.objects.filter(pk__in=memberships_of(user).filter(team__isnull=False).values("team"))


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=memberships_of(user).values("organisation"))


def has_role(user: User, role: str) -> bool:
    return any(m.role == role for m in active_memberships(user))


def is_functional_admin(user: User) -> bool:
    return bool(user.is_superuser) or has_role(user, Role.FUNCTIONAL_ADMIN)


def coordinated_team_ids(user: User) -> list[int]:
    return [m.team_id for m in active_memberships(user) if m.role == Role.COORDINATOR]


def user_coordinates_team(user: User, team_id: int) -> bool:
    return any(m.role == Role.COORDINATOR and m.team_id == team_id for m in active_memberships(user))
