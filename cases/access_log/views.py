"""The privacy officer's "who looked at this file" pages: read only the access log, never case content."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access_log.forms import AccessReportLookupForm, AccessReportPersonSearchForm
from cases.access_log.models import AccessAction
from cases.access_log.plain import plain_access_summary
from cases.access_log.selectors import (
    access_report_case_for,
    access_report_case_id_by_reference,
    access_report_rows,
    access_report_search,
    is_privacy_officer,
    reader_bases,
)
from security.services import client_ip
from security.spreadsheet import write_csv

CSV_HEADER = ("tijdstip", "gebruiker", "organisatie", "rol", "handeling", "onderdeel", "grondslag")


@login_required
def access_report_lookup(request: HttpRequest) -> HttpResponse:
    """Find a case by its reference; only the privacy officer of its team gets further."""
    if not is_privacy_officer(request.user):
        raise Http404("Geen privacy officer")
    form = AccessReportLookupForm(request.GET if "reference" in request.GET else None)
    if form.is_bound and form.is_valid():
        case_id = access_report_case_id_by_reference(request.user, form.cleaned_data["reference"])
        if case_id is not None:
            return redirect("case-access-report", case_id=case_id)
        form.add_error("reference", _("Zaaknummer: geen casus met dit nummer in uw teams."))
    status = 404 if form.is_bound and form.errors else 200
    search_form = AccessReportPersonSearchForm(request.GET if "q" in request.GET else None)
    found = None
    if search_form.is_bound:
        form = AccessReportLookupForm()  # one search at a time: the other form stays empty
        status = 200 if search_form.is_valid() else 400
        if search_form.is_valid():
            found = access_report_search(request.user, search_form.cleaned_data["q"], ip=client_ip(request))
    return render(
        request,
        "access_log/access_report_lookup.html",
        {"form": form, "search_form": search_form, "found": found},
        status=status,
    )


@login_required
def access_report(request: HttpRequest, case_id: int) -> HttpResponse:
    report_case = access_report_case_for(request.user, case_id, ip=client_ip(request))
    rows = list(access_report_rows(report_case)[:1000])
    rows_with_basis = list(zip(rows, reader_bases(report_case, rows), strict=True))
    summary = plain_access_summary(report_case.id)
    return render(
        request,
        "access_log/access_report.html",
        {"report_case": report_case, "rows": rows, "rows_with_basis": rows_with_basis, "summary": summary},
    )


@login_required
def access_report_csv(request: HttpRequest, case_id: int) -> HttpResponse:
    report_case = access_report_case_for(request.user, case_id, ip=client_ip(request), action=AccessAction.EXPORT)
    tz = timezone.get_current_timezone()
    actions = dict(AccessAction.choices)
    # One case's log is small (thousands of rows at most): built in memory, streamed by the server.
    # Names come from users and administrators: the shared writer makes every cell formula-safe.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    entries = list(access_report_rows(report_case).iterator(chunk_size=2000))
    rows = (
        (
            row.at.astimezone(tz).isoformat(timespec="seconds"),
            row.username,
            row.organisation_name,
            row.role,
            str(actions.get(row.action, row.action)),
            row.detail,
            basis,
        )
        for row, basis in zip(entries, reader_bases(report_case, entries), strict=True)
    )
    write_csv(response, CSV_HEADER, rows)
    response["Content-Disposition"] = f'attachment; filename="inzage-{report_case.reference}.csv"'
    return response
