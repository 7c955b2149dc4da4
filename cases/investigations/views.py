"""Pages of a case's onderzoeken (Veilig Thuis and the Raad) and destruction requests. Thin: the
case through the one door (`case_for`, CHANGE for a POST), every write through the services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.investigations import services
from cases.investigations.forms import DestructionRequestForm, OnderzoekEndForm, OnderzoekStartForm
from cases.investigations.selectors import destruction_requests_of, onderzoek_kinds_for, onderzoeken_of
from cases.record_reads import persons_of
from cases.selectors import case_for_request
from cases.view_helpers import run_form


def _case(request: HttpRequest, case_id, detail: str):
    return case_for_request(request, case_id, detail=detail)


def _refused_as_form_error(call):
    """A refusal on who may record (PermissionDenied) is shown on the form like any other rule."""

    def wrapped(data):
        try:
            return call(data)
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    return wrapped


@login_required
def investigations(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's onderzoeken; Veilig Thuis and the Raad record the start and end of their own.
    POST action=start|end with the form of that action."""
    case = _case(request, case_id, "investigations")
    action = request.POST.get("action") if request.method == "POST" else None
    start_form = OnderzoekStartForm(request.POST if action == "start" else None, prefix="start")
    end_form = OnderzoekEndForm(request.POST if action == "end" else None, prefix="end")
    context = {
        "case": case,
        "onderzoeken": onderzoeken_of(case),
        "start_form": start_form,
        "end_form": end_form,
        "may_record": bool(onderzoek_kinds_for(request.user, case)),
    }
    if action == "end":
        form, service, date_field = end_form, services.onderzoek_end, "ended_on"
        message = _("Het einde van het onderzoek is vastgelegd.")
    else:
        form, service, date_field = start_form, services.onderzoek_start, "started_on"
        message = _("De start van het onderzoek is vastgelegd.")
    if request.method == "POST" and action not in ("start", "end"):
        return render(
            request,
            "investigations/investigations.html",
            {**context, "form": form, "error": _("Onbekende actie.")},
            status=400,
        )
    call = _refused_as_form_error(
        lambda data: service(actor=request.user, case=case, kind=data["kind"], **{date_field: data[date_field]})
    )
    return run_form(
        request,
        form,
        call,
        template="investigations/investigations.html",
        context=context,
        success_url=reverse("case-investigations", kwargs={"case_id": case.pk}),
        success_message=message,
    )


@login_required
def destruction_requests(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's destruction requests, and the form to register one (also on a closed case)."""
    case = _case(request, case_id, "destruction-request")
    persons = {p.pk: p for p in persons_of(request.user, case, removed=None)}  # details by their class
    requests = [(r, persons.get(r.person_id)) for r in destruction_requests_of(case)]
    form = DestructionRequestForm(request.POST or None, case=case, user=request.user)
    call = _refused_as_form_error(
        lambda data: services.destruction_request_register(actor=request.user, case=case, **data)
    )
    return run_form(
        request,
        form,
        call,
        template="investigations/destruction_requests.html",
        context={"case": case, "requests": requests},
        success_url=reverse("destruction-requests", kwargs={"case_id": case.pk}),
        success_message=_("Het verzoek tot vernietiging is geregistreerd; de termijn van drie maanden loopt."),
    )
