"""Pages of the melder. Thin: the case through the one door (`case_for_request`, logged as
"reporter…"), the record through the need-to-know selectors, every write through the services.

Anyone on the case may open the melder page and learns "dat, niet wat"; only a Veilig Thuis
participant sees the content and the forms. The edit and feedback pages answer 404 to anyone else,
like a record that does not exist.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.reporters import services
from cases.reporters.forms import ReporterForm, feedback_form, reporter_edit_form
from cases.reporters.models import Reporter
from cases.reporters.selectors import may_read_reporters, reporter_for, reporter_traces_of, reporters_readable_by
from cases.selectors import case_for_request
from cases.view_helpers import page_of, run_form


def _list_url(case_id: int) -> str:
    return reverse("reporter-list", kwargs={"case_id": case_id})


def _refused_as_form_error(call):
    def wrapped(data):
        try:
            return call(data)
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    return wrapped


@login_required
def reporter_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's melder: for Veilig Thuis the record and the form to record it; for anyone else on
    the case only that it exists. POST (Veilig Thuis only) records the melder."""
    case = case_for_request(request, case_id, detail="reporter")
    vt_reader = may_read_reporters(request.user, case)
    if request.method == "POST" and not vt_reader:
        raise Http404("Niet gevonden")
    reporters: list[Reporter] = list(reporters_readable_by(request.user, case)) if vt_reader else []
    context = {
        "case": case,
        "vt_reader": vt_reader,
        "traces": reporter_traces_of(request.user, case),
        "reporters": reporters,
    }
    if not vt_reader:
        return render(request, "reporters/reporter_list.html", context)
    current = next((r for r in reporters if r.episode == case.episode), None)
    context["may_record"] = current is None and not case.is_closed and case.intake == "melding_vt"
    return run_form(
        request,
        ReporterForm(request.POST or None),
        _refused_as_form_error(lambda data: services.reporter_record(actor=request.user, case=case, **data)),
        template="reporters/reporter_list.html",
        context=context,
        success_url=_list_url(case.pk),
        success_message=_("De melder is vastgelegd; de termijn voor de terugkoppeling loopt."),
    )


def _reporter(request: HttpRequest, case_id: int, reporter_id: int, detail: str):
    case = case_for_request(request, case_id, detail=detail)
    reporter = reporter_for(request.user, case, reporter_id)
    reporter.case = case
    return case, reporter


@login_required
def reporter_edit(request: HttpRequest, case_id: int, reporter_id: int) -> HttpResponse:
    """Correct the melder's record (Veilig Thuis only; version-checked)."""
    case, reporter = _reporter(request, case_id, reporter_id, "reporter:change")

    def call(data):
        fields = {name: value for name, value in data.items() if name != "version"}
        return services.reporter_change(
            actor=request.user, reporter=reporter, expected_version=data["version"], **fields
        )

    return run_form(
        request,
        reporter_edit_form(reporter, request.POST or None),
        _refused_as_form_error(call),
        template="reporters/reporter_form.html",
        context={"case": case, "reporter": reporter, "title": _("Gegevens van de melder wijzigen")},
        success_url=_list_url(case.pk),
        success_message=_("De gegevens van de melder zijn opgeslagen."),
        current_form=lambda current: reporter_edit_form(cast(Reporter, current)),
    )


@login_required
def reporter_feedback(request: HttpRequest, case_id: int, reporter_id: int) -> HttpResponse:
    """Record the feedback to the melder (Veilig Thuis only; version-checked); closes the deadline."""
    case, reporter = _reporter(request, case_id, reporter_id, "reporter:feedback")

    def call(data):
        return services.reporter_feedback_record(
            actor=request.user,
            reporter=reporter,
            expected_version=data["version"],
            outcome=data["outcome"],
            given_on=data["given_on"],
            how=data.get("how") or "",
            summary=data.get("summary") or "",
        )

    return run_form(
        request,
        feedback_form(reporter, request.POST or None),
        _refused_as_form_error(call),
        template="reporters/reporter_form.html",
        context={"case": case, "reporter": reporter, "title": _("Terugkoppeling aan de melder")},
        success_url=_list_url(case.pk),
        success_message=_("De terugkoppeling aan de melder is vastgelegd."),
        current_form=lambda current: feedback_form(cast(Reporter, current)),
    )


page_of(Reporter, lambda reporter: _list_url(cast(Reporter, reporter).case_id))
