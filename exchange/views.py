"""The upload page for functional administrators: thin, the importer does the work."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from exchange.forms import ImportForm
from exchange.importer import import_cases, read_lines
from partners.selectors import is_functional_admin


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not is_functional_admin(request.user):
        raise PermissionDenied
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stream = io.TextIOWrapper(upload.file, encoding="utf-8")
            report = import_cases(
                read_lines(stream, name=upload.name),
                imported_by=request.user,
                team_name=form.cleaned_data["team"].name if form.cleaned_data["team"] else None,
                dry_run=form.cleaned_data["dry_run"],
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
        except UnicodeDecodeError:
            form.add_error("file", _utf8_message())
    return render(request, "exchange/import.html", {"form": form, "report": report})


def _utf8_message() -> str:
    return _("Het bestand is geen UTF-8-tekst.")
