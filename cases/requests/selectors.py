"""Reads of the family's requests, for a case obtained through the one door (`cases.selectors`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Case
from cases.requests.models import FamilyRequest
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
