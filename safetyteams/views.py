from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partners.selectors import memberships_of
from safetyteams.health import broker_ok, database_ok


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(memberships_of(request.user).order_by("team__name", "organisation__name"))
    return render(request, "home.html", {"memberships": memberships})


# Not inside a request transaction: with the database down that would fail before the probe runs.
@transaction.non_atomic_requests
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    state = {"database": database_ok(), "broker": broker_ok()}
    status = 200 if all(state.values()) else 503
    return JsonResponse({name: "ok" if up else "down" for name, up in state.items()}, status=status)
