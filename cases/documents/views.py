"""Pages of a case's documents. Thin: the case through the one door (`case_for_request`, logged as
"document…"), the documents through the need-to-know selectors, every write through the services.

Anyone on the case sees the list; a document whose class they lack shows only "dat, niet wat", and
its own page and download answer 404 to them, like a document that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.documents import measures, services
from cases.documents.download import file_response
from cases.documents.forms import DocumentForm, MeasureEndForm, VersionForm
from cases.documents.selectors import (
    document_for,
    document_rows_of,
    measure_for,
    measures_of,
    version_for_download,
    versions_of,
)
from cases.record_reads import readable_persons
from cases.selectors import case_for_request
from cases.view_helpers import run_form


def _refused_as_form_error(call):
    def wrapped(data):
        try:
            return call(data)
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    return wrapped


def _list_url(case_id: int) -> str:
    return reverse("document-list", kwargs={"case_id": case_id})


@login_required
@require_GET
@transaction.non_atomic_requests
def document_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's documents ("dat, niet wat" where the class hides them)."""
    case = case_for_request(request, case_id, detail="document")
    return render(request, "documents/document_list.html", {"case": case, "rows": document_rows_of(request.user, case)})


@login_required
def document_add(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add a document with its first file (anyone working on the case, for their organisation)."""
    case = case_for_request(request, case_id, detail="document:add")

    def call(data):
        upload = data.pop("file")
        return services.document_add(actor=request.user, case=case, file=upload, filename=upload.name, **data)

    return run_form(
        request,
        DocumentForm(case, request.POST or None, request.FILES or None, user=request.user),
        _refused_as_form_error(call),
        template="documents/document_form.html",
        context={"case": case},
        success_url=_list_url(case.pk),
        success_message=_("Het document is toegevoegd. Het wordt gecontroleerd op virussen en is daarna te openen."),
    )


@login_required
def document_detail(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    """One document with its versions (only for a reader of its class); POST adds a new version."""
    case = case_for_request(request, case_id, detail=f"document:{document_id}")
    document = document_for(request.user, case, document_id)

    def call(data):
        upload = data["file"]
        return services.document_version_add(actor=request.user, document=document, file=upload, filename=upload.name)

    return run_form(
        request,
        VersionForm(request.POST or None, request.FILES or None),
        _refused_as_form_error(call),
        template="documents/document_detail.html",
        context={
            "case": case,
            "document": document,
            "versions": versions_of(document),
            # Only the persons whose details the reader may read (each person's own class).
            "persons": list(readable_persons(request.user, document.persons.order_by("full_name"))),
            "child_measures": measures_of(document),
        },
        success_url=reverse("document-detail", kwargs={"case_id": case.pk, "document_id": document.pk}),
        success_message=_("De nieuwe versie is toegevoegd; de vorige versies blijven bewaard."),
    )


@login_required
@require_GET
@transaction.non_atomic_requests
def document_download(request: HttpRequest, case_id: int, document_id: int, version_id: int) -> HttpResponse:
    """Download one scanned-clean version; the door writes the access-log row of every download."""
    case = case_for_request(request, case_id, detail=f"document-download:{document_id}:{version_id}")
    return file_response(version_for_download(request.user, case, document_id, version_id))


@login_required
def measure_end(request: HttpRequest, case_id: int, document_id: int, measure_id: int) -> HttpResponse:
    """Record how and when one child's measure of a beschikking ended (the organisation that recorded it)."""
    case = case_for_request(request, case_id, detail=f"document-measure:{document_id}:{measure_id}")
    measure = measure_for(request.user, case, document_id, measure_id)
    return run_form(
        request,
        MeasureEndForm(request.POST or None),
        _refused_as_form_error(lambda data: measures.measure_end(actor=request.user, measure=measure, **data)),
        template="documents/measure_end.html",
        context={"case": case, "document": measure.document, "measure": measure},
        success_url=reverse("document-detail", kwargs={"case_id": case.pk, "document_id": document_id}),
        success_message=_("Het einde van de maatregel is vastgelegd."),
    )
