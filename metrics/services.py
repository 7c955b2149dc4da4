"""Writes of the metrics app: export jobs (create, run with progress, expire)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import date, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cases.access_log.services import Actor
from cases.selectors import actor_for
from metrics.definitions import MONTH, Filters, filters_problem
from metrics.exports import filters_json, log_export, write_export
from metrics.models import ExportFormat, ExportJob, ExportKind, ExportStatus

logger = logging.getLogger(__name__)
AGGREGATE_DIMENSIONS = ("team", "municipality")
# A run may take EXPORT_SOFT_TIME_LIMIT; then the task is told to stop (SoftTimeLimitExceeded), and one
# minute later its process is killed. The claim outlasts both, so no second worker starts while one runs.
EXPORT_SOFT_TIME_LIMIT = 30 * 60
EXPORT_TIME_LIMIT = EXPORT_SOFT_TIME_LIMIT + 60
CLAIM_TIME = timedelta(hours=1)
# A running job whose claim ran out this long ago was not taken over (its worker was killed at the hard
# limit, or its message was lost): the hourly sweep records it as failed rather than "running" for ever.
ABANDONED_AFTER = CLAIM_TIME
# What the requester reads on a failed job (stored in Dutch, the msgid; shown translated).
EXPORT_FAILED = _(
    "De export is mislukt door een fout bij het maken van het bestand. Probeer het opnieuw of "
    "neem contact op met beheer."
)
EXPORT_TOO_LONG = _("De export duurde te lang en is afgebroken. Kies een kortere periode of minder gegevens.")
EXPORT_ABANDONED = _(
    "De export is afgebroken: de verwerking is gestopt voordat het bestand klaar was. Probeer het opnieuw."
)


def filters_from_params(params: dict) -> Filters:
    return Filters(
        date_from=date.fromisoformat(params["date_from"]),
        date_to=date.fromisoformat(params["date_to"]),
        granularity=params.get("granularity") or MONTH,
        team_id=params.get("team_id") or None,
        municipality_id=params.get("municipality_id") or None,
        by=tuple(params.get("by") or ()),
        peildatum=date.fromisoformat(params["peildatum"]) if params.get("peildatum") else None,
        as_of=datetime.fromisoformat(params["as_of"]) if params.get("as_of") else None,
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
    # Whole periods only: the tables carry suppression, and the extract holds the episodes of whole months.
    problem = filters_problem(filters)
    if problem:
        raise ValidationError(problem)
    now = timezone.now()
    job = ExportJob.objects.create(
        requester=requester,
        kind=kind,
        format=fmt,
        params=filters_json(export_filters(filters, kind)),
        created_at=now,
        expires_at=now + timedelta(hours=settings.METRICS_EXPORT_TTL_HOURS),
    )
    export_job_run_task.delay_on_commit(job.pk)
    return job


class JobRefused(Exception):
    """The job's own parameters are unusable; the message says why."""


def export_job_run(job_id: int) -> None:
    """Write the job's file with progress. Idempotent: only a queued job (or one whose worker died and
    whose claim expired) is claimed, by compare-and-set, so a repeated task does nothing while another
    run has it or once it is finished. Whatever goes wrong after the claim ends the job as failed, with a
    message for the requester; it never stays "running"."""
    now = timezone.now()
    claimable = Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, claimed_until__lt=now)
    claimed = ExportJob.objects.filter(claimable, pk=job_id).update(
        status=ExportStatus.RUNNING, progress=0, claimed_until=now + CLAIM_TIME
    )
    if not claimed:
        return
    folder = settings.METRICS_EXPORT_DIR
    name = f"export-{job_id}-{secrets.token_hex(16)}"
    try:
        job = ExportJob.objects.select_related("requester").get(pk=job_id)
        name = f"{name}.{job.format}"
        filters = filters_from_params(job.params)
        with translation.override("nl"):
            problem = filters_problem(filters)
        if problem:  # only a job written around the form and the service gets here
            raise JobRefused(problem)
        folder.mkdir(parents=True, exist_ok=True)
        total = _expected_rows(job.kind, filters)

        def progress(done: int) -> None:
            # Capped below 100: 100 means the file is complete.
            _set_progress(job_id, min(99, int(done * 100 / total)) if total else 0)

        rows = write_export(folder / name, kind=job.kind, fmt=job.format, filters=filters, progress=progress)
    except Exception as error:  # noqa: BLE001 - every failure ends the job, with the reason in the log
        logger.exception("export job %s failed", job_id)
        (folder / name).unlink(missing_ok=True)
        if isinstance(error, JobRefused):
            _fail(job_id, str(error))
        else:
            _fail(job_id, EXPORT_TOO_LONG if isinstance(error, SoftTimeLimitExceeded) else EXPORT_FAILED)
        return
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.DONE, progress=100, rows=rows, file_path=name, finished_at=timezone.now()
    )
    log_export(actor_for(job.requester), kind=job.kind, fmt=job.format, filters=filters, rows=rows)


def _fail(job_id: int, message) -> int:
    with translation.override("nl"):  # stored as its Dutch msgid; the pages and the API translate it
        text = str(message)
    return ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FAILED, error=text[:200], claimed_until=None, finished_at=timezone.now()
    )


def _set_progress(job_id: int, pct: int) -> None:
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(progress=pct)


def _expected_rows(kind: str, filters: Filters) -> int:
    if kind != ExportKind.EVENTS:
        return 0
    from metrics.exports import events_queryset, extract_months

    windows = extract_months(filters)
    return events_queryset(filters, windows).order_by().count() if windows else 0


def export_synchronous(out_path, *, kind: str, fmt: str, filters: Filters, actor: Actor) -> int:
    """For `manage.py export_metrics`: the same files, written here and now, logged like the jobs."""
    filters = export_filters(filters, kind)
    rows = write_export(out_path, kind=kind, fmt=fmt, filters=filters)
    log_export(actor, kind=kind, fmt=fmt, filters=filters, rows=rows)
    return rows


def export_jobs_fail_abandoned(*, now=None) -> int:
    """Running jobs whose claim ran out ABANDONED_AFTER ago and that nobody took over: failed, with the
    reason for the requester; returns how many."""
    now = now or timezone.now()
    with translation.override("nl"):
        text = str(EXPORT_ABANDONED)
    return ExportJob.objects.filter(status=ExportStatus.RUNNING, claimed_until__lt=now - ABANDONED_AFTER).update(
        status=ExportStatus.FAILED, error=text[:200], claimed_until=None, finished_at=now
    )


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
