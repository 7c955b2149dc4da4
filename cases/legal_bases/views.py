"""Pages of a case's bases of sharing: the overview, and withdrawing a consent. Thin: the case through
the one door (`case_for_request`, CHANGE for a POST), the write through the service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from cases.forms import apply_service_errors
from cases.legal_bases import services
from cases.legal_bases.forms import ConsentWithdrawForm
from cases.legal_bases.selectors import consent_of, consents_of, participations_with_basis
from cases.selectors import case_for_request
from security.services import client_ip


@login_required
@transaction.non_atomic_requests
def case_bases(request: HttpRequest, case_id: int) -> HttpResponse:
    """Each participation with the basis it rests on, and the consents given on the case."""
    case = case_for_request(request, case_id, detail="bases")
    return render(
        request,
        "legal_bases/case_bases.html",
        {"case": case, "participations": participations_with_basis(case), "consents": consents_of(case, request.user)},
    )


@login_required
def consent_withdraw(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    case = case_for_request(request, case_id, detail="consent:withdraw")
    consent = consent_of(case, consent_id)
    if consent is None:
        raise Http404("Toestemming niet gevonden")
    form = ConsentWithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                ended = services.consent_withdraw(actor=request.user, consent=consent, ip=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            apply_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(
                request,
                ngettext(
                    "De toestemming is ingetrokken; %(n)d betrokkenheid is beëindigd.",
                    "De toestemming is ingetrokken; %(n)d betrokkenheden zijn beëindigd.",
                    len(ended),
                )
                % {"n": len(ended)},
            )
            if any(p.professional_id == request.user.pk for p in ended):
                return redirect("my-cases")  # their own access may have gone with it
            return redirect("case-bases", case_id=case.pk)
    if form.is_bound and form.errors:
        status = 400
    return render(
        request,
        "legal_bases/consent_withdraw.html",
        {
            "case": case,
            "consent": consent,
            "resting": consent.participations.filter(ended_at__isnull=True).select_related(
                "organisation", "professional"
            ),
            "form": form,
        },
        status=status,
    )
