"""Reads of the family's requests, for a case obtained through the one door (`cases.selectors`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Case
from cases.requests.models import FamilyRequest
from partners.models import Role
from partners.selectors import active_memberships
from security.digits import parse_id


def requests_of(case: Case) -> QuerySet[FamilyRequest]:
    return FamilyRequest.objects.filter(case=case).select_related("registered_by", "organisation", "decided_by")


def request_of(case: Case, request_id) -> FamilyRequest:
    """One request of this case; another case's id is a 404 like a missing one."""
    pk = parse_id(request_id)
    found = requests_of(case).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404("Geen verzoek van deze casus")
    return found


def open_requests_of_privacy_teams(user) -> QuerySet[FamilyRequest]:
    """Undecided requests of the family on cases of the teams where the user is privacy officer, oldest
    first: for the privacy officer's start page, with the case's reference only (no case content)."""
    team_ids = [m.team_id for m in active_memberships(user) if m.role == Role.PRIVACY_OFFICER and m.team_id]
    return (
        FamilyRequest.objects.filter(case__team_id__in=team_ids, decision="")
        .select_related("case")
        .only("id", "kind", "received_on", "extended_at", "case__id", "case__reference", "case__team_id")
        .order_by("received_on", "id")
    )
