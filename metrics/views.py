"""The evaluators' pages: dashboard, exports with progress, and the requester-only download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_write
from cases.selectors import actor_for
from metrics.access import require_evaluator
from metrics.charts import table_chart
from metrics.definitions import EXPLANATIONS, MILESTONES
from metrics.forms import ExportForm, FilterForm, ReleaseForm
from metrics.models import ExportStatus
from metrics.releases import release_downloaded, release_for, release_publish, releases_for
from metrics.report import published_tables
from metrics.selectors import export_job_for, export_jobs_of
from metrics.services import NOT_COMPUTABLE, computable, export_job_create
from security.services import client_ip

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Which columns a statistics table charts (medians); count tables chart every column.
CHART_COLUMNS = {
    "lead_times": [f"p50_{key}" for key, _label in MILESTONES],
    "score_change": ["mean_change", "p50_change"],
    "partners": ["mean_kinds", "mean_organisations", "mean_professionals"],
    "measures_duration": ["p50_days"],
    "waiting_time": ["p50_wait"],
    "safety_plan_lead": ["p50_days"],
    "stock": ["cases"],
    "norms": ["share_met"],
}


# Tables explained under another key (one text for a pair of tables).
EXPLANATION_OF = {"score_direction": "scores", "score_change": "scores", "interventions_by_kind": "interventions"}


def _explanation(key: str) -> str:
    text = EXPLANATIONS.get(EXPLANATION_OF.get(key, key))
    if text is None:
        return ""
    return str(text) % {"days": settings.METRICS_REREPORT_WINDOW_DAYS, "k": settings.METRICS_SUPPRESSION_K}


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_evaluator(request.user)
    form = FilterForm(request.GET or None)
    sections = []
    supported = computable()
    if supported and form.is_valid():
        for table in published_tables(form.filters()):
            sections.append(
                {
                    "table": table,
                    "chart": table_chart(table, columns=CHART_COLUMNS.get(table.key)),
                    "explanation": _explanation(table.key),
                    "header": table.header(),
                    "rows": table.flat_rows(),
                }
            )
    return render(
        request,
        "metrics/dashboard.html",
        {
            "form": form,
            "sections": sections,
            "suppression_note": _explanation("suppression"),
            "method_note": _explanation("method"),
            "supported": supported,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    require_evaluator(request.user)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            job = export_job_create(
                requester=request.user,
                kind=form.cleaned_data["kind"],
                fmt=form.cleaned_data["format"],
                filters=form.filters(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("metrics-export-status", job_id=job.pk)
    jobs = export_jobs_of(request.user)[:20]
    unsupported = None if computable() else NOT_COMPUTABLE
    return render(
        request,
        "metrics/exports.html",
        {"form": form, "jobs": jobs, "unsupported": unsupported},
        status=400 if form.errors else 200,
    )


@require_GET
def export_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's page; with ?format=json the small status document the page's script polls."""
    require_evaluator(request.user)
    job = export_job_for(request.user, job_id)
    if request.GET.get("format") == "json":
        return JsonResponse(job_status(job))
    return render(request, "metrics/export_status.html", {"job": job, "status": job_status(job)})


def job_status(job) -> dict:
    ready = job.status == ExportStatus.DONE and not job.is_expired
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "rows": job.rows,
        "expires_at": job.expires_at.isoformat(),
        "download_url": reverse("metrics-export-download", args=[job.pk]) if ready else None,
        "error": job_error(job),
    }


def job_error(job) -> str | None:
    """A failed job's reason for the requester, in their language (stored as its Dutch msgid)."""
    if job.status != ExportStatus.FAILED:
        return None
    return gettext(job.error) if job.error else gettext("De export is mislukt.")


@require_GET
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    """Only the requester, only while the file lives; the download itself is logged too."""
    require_evaluator(request.user)
    job = export_job_for(request.user, job_id)
    path = settings.METRICS_EXPORT_DIR / job.file_path if job.file_path else None
    if job.status != ExportStatus.DONE or job.is_expired or path is None or not path.is_file():
        raise Http404
    access_log_write(
        actor=actor_for(request.user, ip=client_ip(request)),
        action=AccessAction.EXPORT,
        outcome=AccessOutcome.ALLOWED,
        detail=f"metrics-export download job={job.pk}",
    )
    filename = f"veiligheidsteam-{job.kind}-{job.created_at:%Y%m%d}-{job.pk}.{job.format}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=CONTENT_TYPES[job.format])


# Not in the request's transaction: publishing computes on its own REPEATABLE READ snapshot, then stores.
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def releases(request: HttpRequest) -> HttpResponse:
    """The published quarters, every version; evaluators publish a quarter (or a correction) here."""
    require_evaluator(request.user)
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            release, created = release_publish(
                actor=actor_for(request.user, ip=client_ip(request)),
                user=request.user,
                year=form.cleaned_data["year"],
                quarter=int(form.cleaned_data["quarter"]),
                changelog=form.cleaned_data["changelog"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, gettext("Versie %(version)s is gepubliceerd.") % {"version": release.version})
            else:
                messages.info(
                    request,
                    gettext("De cijfers zijn gelijk aan versie %(version)s; er is geen nieuwe versie gemaakt.")
                    % {"version": release.version},
                )
            return redirect("metrics-releases")
    return render(
        request,
        "metrics/releases.html",
        {"form": form, "releases": list(releases_for(request.user)), "supported": computable()},
        status=400 if form.errors else 200,
    )


@require_GET
def release_download(request: HttpRequest, release_id: int, fmt: str) -> HttpResponse:
    """The release's stored bytes, exactly as published; logged."""
    require_evaluator(request.user)
    if fmt not in ("csv", "json"):
        raise Http404
    release = release_for(request.user, release_id)
    release_downloaded(actor_for(request.user, ip=client_ip(request)), release, fmt)
    content = bytes(getattr(release, fmt))
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"veiligheidsteam-kerncijfers-{release.label}-v{release.version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = f'"{getattr(release, f"{fmt}_sha256")}"'
    return response


DEFINITION_ORDER = (
    "units",
    "method",
    "suppression",
    "extract",
    "releases",
)


@require_GET
def definitions(request: HttpRequest) -> HttpResponse:
    """What each figure counts and how: one page, printable, the same texts as beside the tables."""
    require_evaluator(request.user)
    general = [_explanation(key) for key in DEFINITION_ORDER]
    figures = [{"key": key, "text": _explanation(key)} for key in EXPLANATIONS if key not in DEFINITION_ORDER]
    return render(request, "metrics/definitions.html", {"general": general, "figures": figures})
