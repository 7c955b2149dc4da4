"""The destruction desk: the privacy officer proposes a due case for destruction, a coordinator of
the team confirms. Thin: selectors scope to the user's teams (404 otherwise), services hold the rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_write
from cases.retention import services
from cases.retention.selectors import destruction_for, destructions_for, may_see_destructions
from cases.selectors import actor_for, log_search
from security.services import client_ip


@login_required
def destruction_list(request: HttpRequest) -> HttpResponse:
    if not may_see_destructions(request.user):
        raise Http404("Geen privacy officer of coördinator")
    rows = list(destructions_for(request.user)[:500])
    log_search(request.user, ip=client_ip(request), detail="destructions")
    return render(request, "retention/destructions.html", {"rows": rows})


def _act(request: HttpRequest, destruction_id, call, *, detail: str, done: str) -> HttpResponse:
    destruction = destruction_for(request.user, destruction_id)
    try:
        call(destruction)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("destruction-list")
    if detail != "confirm":  # a confirmation logs itself, after the tombstones (services)
        access_log_write(
            actor=actor_for(request.user, ip=client_ip(request)),
            action=AccessAction.CHANGE,
            outcome=AccessOutcome.ALLOWED,
            case_id=destruction.case_id,
            detail=f"destruction:{detail}",
        )
    messages.success(request, done)
    return redirect("destruction-list")


@login_required
@require_POST
def destruction_propose(request: HttpRequest, destruction_id: int) -> HttpResponse:
    return _act(
        request,
        destruction_id,
        lambda d: services.destruction_propose(actor=request.user, destruction=d),
        detail="propose",
        done=_("De vernietiging is voorgesteld; een coördinator van het team bevestigt."),
    )


@login_required
@require_POST
def destruction_confirm(request: HttpRequest, destruction_id: int) -> HttpResponse:
    return _act(
        request,
        destruction_id,
        lambda d: services.destruction_confirm(actor=request.user, destruction=d, ip=client_ip(request)),
        detail="confirm",
        done=_("De casus is vernietigd: de persoonsgegevens zijn verwijderd, de cijfers blijven."),
    )
