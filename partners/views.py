"""The coordinator's page for memberships that wait for a second person (asked by an administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partners.selectors import coordinated_team_ids, memberships_to_confirm
from partners.services import membership_confirm, membership_refuse


@login_required
@require_GET
def membership_confirmations(request: HttpRequest) -> HttpResponse:
    """Pending memberships of the teams the user coordinates, each to confirm or refuse."""
    if not coordinated_team_ids(request.user):
        raise PermissionDenied(_("Alleen een coördinator van een veiligheidsteam bevestigt lidmaatschappen."))
    return render(
        request, "partners/membership_confirmations.html", {"memberships": list(memberships_to_confirm(request.user))}
    )


@login_required
@require_POST
def membership_decide(request: HttpRequest, membership_id: int) -> HttpResponse:
    # Only pending memberships of one's own teams are found: any other id answers 404.
    membership = get_object_or_404(memberships_to_confirm(request.user), pk=membership_id)
    decision = request.POST.get("decision")
    try:
        if decision == "confirm":
            membership_confirm(membership=membership, confirmed_by=request.user, request=request)
            messages.success(request, _("Bevestigd: %(membership)s.") % {"membership": membership})
        elif decision == "refuse":
            membership_refuse(membership=membership, refused_by=request.user, request=request)
            messages.success(request, _("Geweigerd: %(membership)s.") % {"membership": membership})
        else:
            messages.error(request, _("Kies bevestigen of weigeren."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("membership-confirmations")
