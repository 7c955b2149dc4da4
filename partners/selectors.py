"""Reads about who belongs where, always for one user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

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
    return [m.team_id for m in active_memberships(user) if m.role == Role.COORDINATOR and m.team_id is not None]


def user_coordinates_team(user: User, team_id: int) -> bool:
    return any(m.role == Role.COORDINATOR and m.team_id == team_id for m in active_memberships(user))


@dataclass(frozen=True)
class AdminScope:
    """What a user administers: the whole region (superuser, or a region-wide functional administrator
    membership) or the teams of their functional administrator memberships. Empty for everyone else."""

    region: bool
    team_ids: frozenset[int]

    @property
    def is_admin(self) -> bool:
        return self.region or bool(self.team_ids)

    def covers(self, team_id: int | None) -> bool:
        """May administer what belongs to this team (None: region-wide things, the region only)."""
        return self.region or (team_id is not None and team_id in self.team_ids)


def admin_scope(user: User) -> AdminScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AdminScope(region=False, team_ids=frozenset())
    admin = [m for m in active_memberships(user) if m.role == Role.FUNCTIONAL_ADMIN]
    region = bool(user.is_superuser) or any(m.team_id is None for m in admin)
    return AdminScope(region=region, team_ids=frozenset(m.team_id for m in admin if m.team_id is not None))


def administered_teams(user: User) -> QuerySet[SafetyTeam]:
    scope = admin_scope(user)
    return SafetyTeam.objects.all() if scope.region else SafetyTeam.objects.filter(pk__in=scope.team_ids)


def administered_memberships(user: User) -> QuerySet[Membership]:
    """Memberships (any status) of the teams the user administers; region-wide ones for the region only."""
    scope = admin_scope(user)
    rows = Membership.objects.select_related("user", "organisation", "team")
    return rows if scope.region else rows.filter(team_id__in=scope.team_ids)


def administered_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations of the teams the user administers, and those in no team yet (just created)."""
    scope = admin_scope(user)
    if scope.region:
        return Organisation.objects.all()
    in_teams = SafetyTeam.organisations.through.objects.values("organisation_id")
    return Organisation.objects.filter(
        Q(pk__in=in_teams.filter(safetyteam_id__in=scope.team_ids)) | ~Q(pk__in=in_teams)
    )


def administered_users(user: User) -> QuerySet[User]:
    """Accounts the user administers: members (any status) of their teams, and accounts in no team yet.
    Superusers are only seen by superusers."""
    scope = admin_scope(user)
    users = User.objects.all()
    if not user.is_superuser:
        users = users.filter(is_superuser=False)
    if scope.region:
        return users
    members = Membership.objects.values("user_id")
    return users.filter(Q(pk__in=members.filter(team_id__in=scope.team_ids)) | ~Q(pk__in=members))


def administers_user(actor: User, user: User) -> bool:
    """Whether `actor` administers the account `user` (see `administered_users`)."""
    return admin_scope(actor).is_admin and administered_users(actor).filter(pk=user.pk).exists()


def memberships_to_confirm(user: User) -> QuerySet[Membership]:
    """Pending memberships of the teams the user coordinates: what they may confirm or refuse."""
    return (
        Membership.objects.pending()
        .filter(team_id__in=coordinated_team_ids(user))
        .select_related("user", "organisation", "team", "requested_by")
        .order_by("team__name", "user__username", "pk")
    )
