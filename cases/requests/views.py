"""The family's request desk on a case: the list and registering (one page), and one request with
its decision and extension. Thin: the case through the one door, every write through the services."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access_log.models import AccessAction
from cases.requests import services
from cases.requests.afschrift import COPY_KINDS, PdfUnavailable, afschrift_of, afschrift_pdf
from cases.requests.forms import RequestDecideForm, RequestExtendForm, RequestRegisterForm
from cases.requests.models import FamilyRequest
from cases.requests.selectors import request_of, requests_of
from cases.selectors import case_for, case_for_request
from cases.view_helpers import page_of, run_form
from security.services import client_ip


def _refused_as_form_error(call):
    def wrapped(data):
        try:
            return call(data)
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    return wrapped


def _list_url(case_id: int) -> str:
    return reverse("family-requests", kwargs={"case_id": case_id})


@login_required
def family_requests(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's requests of the family, and the form to register one (also on a closed case)."""
    case = case_for_request(request, case_id, detail="family-requests")
    form = RequestRegisterForm(request.POST or None, case=case, user=request.user)
    call = _refused_as_form_error(
        lambda data: services.family_request_register(
            actor=request.user,
            case=case,
            kind=data["kind"],
            person=data.get("person"),
            requester_name=data.get("requester_name") or "",
            relation=data["relation"],
            identity_check=data["identity_check"],
            received_on=data["received_on"],
            text=data.get("text") or "",
            submission_key=data.get("submission_key"),
        )
    )
    return run_form(
        request,
        form,
        call,
        template="requests/family_requests.html",
        context={"case": case, "requests": list(requests_of(case))},
        success_url=_list_url(case.pk),
        success_message=_("Het verzoek is geregistreerd; de termijn loopt."),
    )


def _decide_form(item: FamilyRequest, data=None) -> RequestDecideForm:
    return RequestDecideForm(data, prefix="decide", initial={"version": item.version})


def _extend_form(item: FamilyRequest, data=None) -> RequestExtendForm:
    return RequestExtendForm(data, prefix="extend", initial={"version": item.version})


@login_required
def family_request_detail(request: HttpRequest, case_id: int, request_id: int) -> HttpResponse:
    """One request; POST action=decide|extend."""
    case = case_for_request(request, case_id, detail=f"family-request:{request_id}")
    item = request_of(case, request_id)
    action = request.POST.get("action") if request.method == "POST" else None
    decide_form = _decide_form(item, request.POST if action == "decide" else None)
    extend_form = _extend_form(item, request.POST if action == "extend" else None)
    context = {"case": case, "item": item, "decide_form": decide_form, "extend_form": extend_form}
    if request.method == "POST" and action not in ("decide", "extend"):
        return render(request, "requests/family_request.html", {**context, "error": _("Onbekende actie.")}, status=400)
    if action == "extend":

        def call(data):
            return services.family_request_extend(
                actor=request.user, request=item, reason=data.get("reason") or "", expected_version=data["version"]
            )

        form, current, message = extend_form, _extend_form, _("De termijn is met twee maanden verlengd.")
    else:

        def call(data):
            return services.family_request_decide(
                actor=request.user,
                request=item,
                decision=data["decision"],
                refusal_ground=data.get("refusal_ground") or "",
                decision_reason=data.get("decision_reason") or "",
                expected_version=data["version"],
            )

        form, current, message = decide_form, _decide_form, _("Het besluit is vastgelegd.")
    return run_form(
        request,
        form,
        _refused_as_form_error(call),
        template="requests/family_request.html",
        context=context,
        success_url=reverse("family-request", kwargs={"case_id": case.pk, "request_id": item.pk}),
        success_message=message,
        current_form=lambda record: current(cast(FamilyRequest, record)),
    )


page_of(FamilyRequest, lambda item: reverse("family-request", kwargs={"case_id": item.case_id, "request_id": item.pk}))

PDF_UNAVAILABLE = gettext_lazy("De pdf kan op deze server niet worden gemaakt.")


@login_required
def family_request_afschrift(request: HttpRequest, case_id: int, request_id: int) -> HttpResponse:
    """The copy for an inzage or afschrift request, as a PDF; making it is logged as an export."""
    case = case_for(
        request.user, case_id, ip=client_ip(request), action=AccessAction.EXPORT, detail=f"afschrift:{request_id}"
    )
    item = request_of(case, request_id)
    if item.kind not in COPY_KINDS:
        raise Http404("Geen verzoek om inzage of afschrift")
    try:
        pdf = afschrift_pdf(afschrift_of(item), request=request)
    except PdfUnavailable:
        return HttpResponse(str(PDF_UNAVAILABLE), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="afschrift-{case.reference}-{item.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
