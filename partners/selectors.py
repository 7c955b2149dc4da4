"""Reads about who belongs where, always for one user."""

from __future__ import annotations

from django.db.models import QuerySet

from partners.models import Membership, Organisation, Role, SafetyTeam, User


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's active memberships, with organisation and team loaded."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user).select_related("organisation", "team")


def teams_of(user: User) -> QuerySet[SafetyTeam]:
    return SafetyTeam.objects.filter(pk__in=memberships_of(user).filter(team__isnull=False).values("team"))


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=memberships_of(user).values("organisation"))


def has_role(user: User, role: str) -> bool:
    return memberships_of(user).filter(role=role).exists()


def is_functional_admin(user: User) -> bool:
    return bool(user.is_superuser) or has_role(user, Role.FUNCTIONAL_ADMIN)


def coordinated_team_ids(user: User) -> list[int]:
    return list(memberships_of(user).filter(role=Role.COORDINATOR).values_list("team_id", flat=True))


def user_coordinates_team(user: User, team_id: int) -> bool:
    return memberships_of(user).filter(role=Role.COORDINATOR, team_id=team_id).exists()
