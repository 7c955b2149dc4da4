"""The upload page for functional administrators: thin. An upload becomes an import job (Celery);
its page shows progress and, when done, the report, downloadable as CSV."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from exchange.forms import ImportForm
from exchange.jobs import import_job_start
from exchange.models import ImportJob, ImportStatus
from partners.selectors import is_functional_admin
from security.spreadsheet import write_csv

# The page shows this many errors; the CSV report holds all of them.
ERRORS_ON_PAGE = 200

# These pages only read, or write in a transaction of their own: no request transaction, so on SQLite
# (the quick start, WAL) they answer while a dry run or an all-or-nothing run holds the one writer,
# instead of waiting for it at BEGIN IMMEDIATE.
reads_beside_a_running_import = transaction.non_atomic_requests


def _require_admin(request: HttpRequest) -> None:
    if not is_functional_admin(request.user):
        raise PermissionDenied


@reads_beside_a_running_import
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = io.TextIOWrapper(upload.file, encoding="utf-8").read()
        except UnicodeDecodeError:
            form.add_error("file", _utf8_message())
        else:
            with transaction.atomic():
                job = import_job_start(
                    actor=request.user,
                    file_name=upload.name,
                    text=text,
                    team=form.cleaned_data["team"],
                    dry_run=form.cleaned_data["dry_run"],
                    all_or_nothing=form.cleaned_data["all_or_nothing"],
                )
            return redirect("exchange-import-job", job_id=job.pk)
    jobs = ImportJob.objects.filter(requested_by=request.user).defer("source")[:10]
    status = 400 if form.errors else 200
    return render(request, "exchange/import.html", {"form": form, "jobs": jobs}, status=status)


def _job_for(request: HttpRequest, job_id: int) -> ImportJob:
    """Only the administrator who uploaded it sees a job (another id answers 404)."""
    _require_admin(request)
    job = ImportJob.objects.filter(pk=job_id, requested_by=request.user).defer("source").first()
    if job is None:
        raise Http404
    return job


def job_status(job: ImportJob) -> dict:
    done = job.status == ImportStatus.DONE
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "total": job.total,
        "processed": job.processed,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "failed_records": job.failed_records,
        "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED),
        "report_url": reverse("exchange-import-report", args=[job.pk]) if done else None,
        "error": _(job.error) if job.error else None,
    }


@reads_beside_a_running_import
@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's page; with ?format=json the status document its script polls."""
    job = _job_for(request, job_id)
    if request.GET.get("format") == "json":
        return JsonResponse(job_status(job))
    errors = list(job.errors.all()[:ERRORS_ON_PAGE]) if job.status == ImportStatus.DONE else []
    return render(
        request,
        "exchange/import_job.html",
        {"job": job, "status": job_status(job), "errors": errors, "errors_cut": job.failed_records > len(errors)},
    )


@reads_beside_a_running_import
@login_required
@require_GET
def import_report(request: HttpRequest, job_id: int) -> HttpResponse:
    """Every error of a finished job: line, external reference, field, message (formula-safe CSV)."""
    job = _job_for(request, job_id)
    if job.status != ImportStatus.DONE:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="importrapport-{job.pk}.csv"'
    rows = ((e.line, e.reference, e.pointer or "/", e.message) for e in job.errors.all().iterator())
    write_csv(response, [_("Regel"), _("Extern kenmerk"), _("Veld"), _("Wat is er mis")], rows)
    return response


def _utf8_message() -> str:
    return _("Het bestand is geen UTF-8-tekst.")
