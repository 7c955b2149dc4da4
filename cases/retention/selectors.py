"""Reads of the destructions, for the privacy officers and coordinators of the cases' teams: the
case's identity (reference, team) and its retention facts, never its content."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.retention.models import Destruction, DestructionState
from partners.models import Role
from partners.selectors import memberships_of
from security.digits import parse_id


def _team_ids(user) -> tuple[set[int], set[int]]:
    """(teams the user is privacy officer of, teams the user coordinates)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set(), set()
    rows = memberships_of(user).filter(role__in=(Role.PRIVACY_OFFICER, Role.COORDINATOR), team__isnull=False)
    privacy: set[int] = set()
    coordinated: set[int] = set()
    for role, team_id in rows.values_list("role", "team_id"):
        (privacy if role == Role.PRIVACY_OFFICER else coordinated).add(team_id)
    return privacy, coordinated


def may_see_destructions(user) -> bool:
    privacy, coordinated = _team_ids(user)
    return bool(privacy or coordinated)


def destructions_for(user) -> QuerySet[Destruction]:
    """Due, proposed and done destructions of the user's teams: the privacy officer's to propose
    and the coordinator's to confirm. Scheduled ones are not listed (nothing to do yet)."""
    privacy, coordinated = _team_ids(user)
    if not (privacy or coordinated):
        return Destruction.objects.none()
    return (
        Destruction.objects.filter(Q(case__team_id__in=privacy | coordinated))
        .exclude(state=DestructionState.SCHEDULED)
        .select_related("case__team", "proposed_by", "confirmed_by")
        .order_by("state", "destroy_on", "id")
    )


def destruction_for(user, destruction_id) -> Destruction:
    pk = parse_id(destruction_id)
    found = destructions_for(user).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404("Geen vernietiging van uw teams")
    return found
