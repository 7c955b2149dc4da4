"""Import jobs: an upload imported by a Celery worker, with progress, a report and resumption.

A run claims its job by compare-and-set with a token of its own. In a normal run every case commits
in its own transaction together with the job's counters and errors (written only while the claim
is still this run's), so a worker that dies leaves a job that the next run resumes after its last
committed case; nothing is imported or reported twice. A dry run and an all-or-nothing run keep
everything in one transaction until the end: their progress is written through a second database
connection, and a run that dies leaves nothing, so the next one starts again from the first record.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.access_log.services import access_log_deferred
from exchange.importer import Prepared, RecordError, import_prepare, import_record, read_lines
from exchange.models import ImportJob, ImportJobError, ImportStatus
from workflows.deadlines.services import deadline_rules_cached

logger = logging.getLogger(__name__)

# A queued job no worker has taken after this long is queued again (its task was lost).
REQUEUE_AFTER = timedelta(minutes=2)
IMPORT_SOFT_TIME_LIMIT = 3 * 3600
IMPORT_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 300
IMPORT_FAILED = gettext_lazy(
    "De import is mislukt door een fout in het systeem; probeer het opnieuw of neem contact op."
)


def _claim_time() -> timedelta:
    """A claim lasts this long without a committed case; then the resume sweep hands the job on."""
    return timedelta(seconds=settings.IMPORT_JOB_CLAIM_SECONDS)


class ClaimLost(Exception):
    """Another run holds the job now: this one stops, and its current case rolls back."""


def import_job_start(*, actor, file_name: str, text: str, team=None, dry_run: bool, all_or_nothing: bool) -> ImportJob:
    """Queue the upload; its task is enqueued when this transaction commits."""
    job = ImportJob.objects.create(
        requested_by=actor,
        file_name=file_name[:200],
        source=text,
        team=team,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
    )
    _enqueue(job.pk)
    return job


def _enqueue(job_id: int) -> None:
    from exchange.tasks import import_job_run_task  # the tasks module imports this one

    transaction.on_commit(lambda: import_job_run_task.delay(job_id))


def _claim(job_id: int) -> uuid.UUID | None:
    now = timezone.now()
    token = uuid.uuid4()
    claimable = Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.RUNNING, claimed_until__lt=now)
    claimed = ImportJob.objects.filter(claimable, pk=job_id).update(
        status=ImportStatus.RUNNING, claim=token, claimed_until=now + _claim_time(), started_at=now
    )
    return token if claimed else None


def _held(job_id: int, token: uuid.UUID):
    return ImportJob.objects.filter(pk=job_id, claim=token, status=ImportStatus.RUNNING)


def import_job_run(job_id: int) -> None:
    """Run (or resume) the job if no other run holds it; a finished job is left alone."""
    token = _claim(job_id)
    if token is None:
        return
    try:
        job = ImportJob.objects.select_related("team").get(pk=job_id)
        lines = read_lines(job.source.splitlines(keepends=True), name=job.file_name)
        prepared = import_prepare(lines, team_name=job.team.name if job.team else None)
        _held(job_id, token).update(total=len(prepared.records))
        if job.dry_run or job.all_or_nothing:
            _run_whole(job, prepared, token)
        else:
            _run_per_case(job, prepared, token)
    except ClaimLost:
        return
    except Exception:  # noqa: BLE001 - a job never stays "running": it ends with a message
        logger.exception("import job %s failed", job_id)
        _held(job_id, token).update(status=ImportStatus.FAILED, error=str(IMPORT_FAILED), finished_at=timezone.now())


def _counters(outcome: str | None, errors: list[RecordError]) -> dict:
    counters: dict = {"processed": F("processed") + 1}
    if outcome:
        counters[outcome] = F(outcome) + 1
    if errors:
        counters["failed_records"] = F("failed_records") + 1
    return counters


def _error_rows(job_id: int, errors: list[RecordError]) -> list[ImportJobError]:
    return [
        ImportJobError(job_id=job_id, line=e.line, reference=e.reference, pointer=e.pointer, message=e.message)
        for e in errors
    ]


def _run_per_case(job: ImportJob, prepared: Prepared, token: uuid.UUID) -> None:
    """Each case with its counters and errors in one transaction, after the last one committed."""
    with access_log_deferred(), deadline_rules_cached():
        for record in prepared.records[job.processed :]:
            with transaction.atomic():
                outcome, errors = import_record(prepared, record, imported_by=job.requested_by)
                ImportJobError.objects.bulk_create(_error_rows(job.pk, errors))
                renewed = _held(job.pk, token).update(
                    claimed_until=timezone.now() + _claim_time(), **_counters(outcome, errors)
                )
                if not renewed:
                    raise ClaimLost
    _finish(job.pk, token)


def _run_whole(job: ImportJob, prepared: Prepared, token: uuid.UUID) -> None:
    """Dry run or all-or-nothing: one transaction; progress goes through a connection of its own."""
    with _side_connection() as side:
        _side_update(side, job.pk, token, processed=0, created=0, updated=0, unchanged=0, failed_records=0)
        counts = {"processed": 0, "created": 0, "updated": 0, "unchanged": 0, "failed_records": 0}
        with access_log_deferred(), deadline_rules_cached(), transaction.atomic():
            errors: list[RecordError] = []
            for record in prepared.records:
                outcome, record_errors = import_record(prepared, record, imported_by=job.requested_by)
                errors += record_errors
                counts["processed"] += 1
                if outcome:
                    counts[outcome] += 1
                counts["failed_records"] += bool(record_errors)
                if not _side_update(side, job.pk, token, **counts):
                    raise ClaimLost
            if job.dry_run or errors:
                transaction.set_rollback(True)
        # The errors are stored whether or not the cases were: the report is what the run is for.
        with transaction.atomic():
            ImportJobError.objects.filter(job_id=job.pk).delete()
            ImportJobError.objects.bulk_create(_error_rows(job.pk, errors))
            if not _held(job.pk, token).update(**counts):
                raise ClaimLost
    _finish(job.pk, token)


@contextmanager
def _side_connection() -> Iterator:
    """A second connection in autocommit; none on SQLite, whose one writer is the run itself (the
    quick start then shows the counters at the end only)."""
    if connections["default"].vendor == "sqlite":
        yield None
        return
    connection = connections.create_connection("default")
    try:
        yield connection
    finally:
        connection.close()


def _side_update(side, job_id: int, token: uuid.UUID, **values) -> bool:
    """Progress of a one-transaction run, committed at once through the side connection."""
    if side is None:
        return True
    columns = ", ".join(f"{name} = %s" for name in values)
    table = ImportJob._meta.db_table
    with side.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {columns}, claimed_until = %s WHERE id = %s AND claim = %s AND status = %s",  # noqa: S608 - column names are ours, values bound
            [*values.values(), timezone.now() + _claim_time(), job_id, token, ImportStatus.RUNNING],
        )
        return bool(cursor.rowcount)


def _finish(job_id: int, token: uuid.UUID) -> None:
    _held(job_id, token).update(status=ImportStatus.DONE, finished_at=timezone.now(), claim=None, claimed_until=None)


def import_jobs_resume() -> int:
    """Every minute (beat): queue again the jobs whose task was lost (queued and never taken) or
    whose worker died (running, claim expired). Running them twice is harmless: the claim decides."""
    now = timezone.now()
    stale = ImportJob.objects.filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=now - REQUEUE_AFTER)
        | Q(status=ImportStatus.RUNNING, claimed_until__lt=now)
    ).values_list("pk", flat=True)
    ids = list(stale[:100])
    for job_id in ids:
        _enqueue(job_id)
    return len(ids)
