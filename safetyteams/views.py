from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.selectors import log_search
from partners.selectors import active_memberships
from safetyteams.health import broker_ok, database_ok
from safetyteams.workplace import workplace_of
from security.services import client_ip


@transaction.non_atomic_requests  # reads only; the access log has its own connection
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: per role what to do next (safetyteams.workplace)."""
    memberships = sorted(
        active_memberships(request.user),
        key=lambda m: (m.team is None, m.team.name if m.team else "", m.organisation.name),
    )
    workplace = workplace_of(request.user)
    if workplace.roles.works_cases or workplace.roles.privacy_officer:
        # The page lists cases (references, family names): one log row, as for a case list.
        log_search(request.user, ip=client_ip(request), detail="start page")
    return render(request, "home.html", {"memberships": memberships, "workplace": workplace})


# Not inside a request transaction: with the database down that would fail before the probe runs.
@transaction.non_atomic_requests
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    state = {"database": database_ok(), "broker": broker_ok()}
    status = 200 if all(state.values()) else 503
    return JsonResponse({name: "ok" if up else "down" for name, up in state.items()}, status=status)
