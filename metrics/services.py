"""Writes of the metrics app: export jobs (create, run with progress, expire)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access_log.services import Actor
from cases.selectors import actor_for
from metrics.definitions import MONTH, Filters
from metrics.exports import filters_json, log_export, write_export
from metrics.models import ExportFormat, ExportJob, ExportKind, ExportStatus

logger = logging.getLogger(__name__)
AGGREGATE_DIMENSIONS = ("team", "municipality")
CLAIM_TIME = timedelta(hours=1)


def filters_from_params(params: dict) -> Filters:
    return Filters(
        date_from=date.fromisoformat(params["date_from"]),
        date_to=date.fromisoformat(params["date_to"]),
        granularity=params.get("granularity") or MONTH,
        team_id=params.get("team_id") or None,
        municipality_id=params.get("municipality_id") or None,
        by=tuple(params.get("by") or ()),
    )


def export_filters(filters: Filters, kind: str) -> Filters:
    """Aggregate exports are per period, team and municipality; the event extract has them as columns."""
    if kind == ExportKind.AGGREGATES:
        return replace(filters, by=AGGREGATE_DIMENSIONS)
    return filters


NOT_COMPUTABLE = _(
    "De kerncijfers en exports worden berekend in PostgreSQL; deze installatie gebruikt SQLite "
    "(snelle start) en maakt ze niet."
)


def computable() -> bool:
    """The metrics and extracts use PostgreSQL's percentile, time zone and cursor features; the SQLite
    quick start says so instead of failing."""
    return connection.vendor == "postgresql"


def export_job_create(*, requester, kind: str, fmt: str, filters: Filters) -> ExportJob:
    """Queue an export for the requester; the task starts when the transaction commits."""
    from metrics.tasks import export_job_run_task

    if kind not in ExportKind.values or fmt not in ExportFormat.values:
        raise ValueError("unknown export kind or format")
    if not computable():
        raise ValidationError(NOT_COMPUTABLE)
    now = timezone.now()
    job = ExportJob.objects.create(
        requester=requester, kind=kind, format=fmt, params=filters_json(export_filters(filters, kind)),
        created_at=now, expires_at=now + timedelta(hours=settings.METRICS_EXPORT_TTL_HOURS),
    )  # fmt: skip
    export_job_run_task.delay_on_commit(job.pk)
    return job


def export_job_run(job_id: int) -> None:
    """Write the job's file with progress. Idempotent: only a queued job (or one whose worker died and
    whose claim expired) is claimed, by compare-and-set, so a repeated task does nothing while another
    run has it or once it is finished."""
    now = timezone.now()
    claimable = Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, claimed_until__lt=now)
    claimed = ExportJob.objects.filter(claimable, pk=job_id).update(
        status=ExportStatus.RUNNING, progress=0, claimed_until=now + CLAIM_TIME
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("requester").get(pk=job_id)
    filters = filters_from_params(job.params)
    folder = settings.METRICS_EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"export-{job.pk}-{secrets.token_hex(16)}.{job.format}"
    total = _expected_rows(job.kind, filters)

    def progress(done: int) -> None:
        # Capped below 100: 100 means the file is complete.
        _set_progress(job_id, min(99, int(done * 100 / total)) if total else 0)

    try:
        rows = write_export(folder / name, kind=job.kind, fmt=job.format, filters=filters, progress=progress)
    except Exception:
        logger.exception("export job %s failed", job_id)
        (folder / name).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.FAILED, error="export failed")
        raise
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.DONE, progress=100, rows=rows, file_path=name, finished_at=timezone.now()
    )
    log_export(actor_for(job.requester), kind=job.kind, fmt=job.format, filters=filters, rows=rows)


def _set_progress(job_id: int, pct: int) -> None:
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(progress=pct)


def _expected_rows(kind: str, filters: Filters) -> int:
    if kind != ExportKind.EVENTS:
        return 0
    from metrics.exports import events_queryset

    return events_queryset(filters).order_by().count()


def export_synchronous(out_path, *, kind: str, fmt: str, filters: Filters, actor: Actor) -> int:
    """For `manage.py export_metrics`: the same files, written here and now, logged like the jobs."""
    filters = export_filters(filters, kind)
    rows = write_export(out_path, kind=kind, fmt=fmt, filters=filters)
    log_export(actor, kind=kind, fmt=fmt, filters=filters, rows=rows)
    return rows


@transaction.atomic
def export_jobs_expire(*, now=None) -> int:
    """Delete the files of jobs past their lifetime and the job rows; returns how many."""
    now = now or timezone.now()
    expired = list(ExportJob.objects.filter(expires_at__lte=now).values_list("pk", "file_path"))
    for _pk, path in expired:
        if path:
            (settings.METRICS_EXPORT_DIR / path).unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[pk for pk, _path in expired]).delete()
    return len(expired)
