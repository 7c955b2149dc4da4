"""Import jobs: an upload imported by Celery workers, with progress, a report and resumption.

A run claims its job by compare-and-set with a token of its own. A normal run splits the file into
chunks (ImportJobChunk) and queues a task per chunk, so that the workers import side by side; each
chunk is claimed the same way by one run at a time, and every case commits in its own transaction
together with the chunk's cursor, the job's counters and the errors (written only while the claim
is still this run's), so a worker that dies leaves a chunk that the next run resumes after its last
committed case; nothing is imported or reported twice. The run that split the job works on its
chunks too (alone, it imports the whole file); the last chunk to end ends the job. A dry run and an
all-or-nothing run stay one run in one transaction until the end: their progress is written through
a second database connection, and a run that dies leaves nothing, so the next one starts again from
the first record.
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
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from cases.access_log.services import access_log_deferred
from exchange.importer import (
    Prepared,
    RecordError,
    import_first_lines,
    import_prepare,
    import_record,
    read_lines,
)
from exchange.models import ImportJob, ImportJobChunk, ImportJobError, ImportStatus
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


def import_job_start(
    *, actor, file_name: str, text: str, team=None, dry_run: bool, all_or_nothing: bool, language: str | None = None
) -> ImportJob:
    """Queue the upload; its task is enqueued when this transaction commits. The report is written in
    `language` (default: the active one)."""
    job = ImportJob.objects.create(
        requested_by=actor,
        file_name=file_name[:200],
        source=text,
        team=team,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
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


@contextmanager
def _in_job_language(job_id: int) -> Iterator[None]:
    language = ImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        yield


def import_job_run(job_id: int) -> None:
    """Run (or resume) the job if no other run holds it; a finished job is left alone. A normal run
    splits the job into chunks, then works on whichever chunks no other run holds."""
    with _in_job_language(job_id):
        _job_run(job_id)


def _job_run(job_id: int) -> None:
    token = _claim(job_id)
    if token is not None:
        try:
            job = ImportJob.objects.select_related("team").get(pk=job_id)
            if job.dry_run or job.all_or_nothing:
                prepared = import_prepare(_lines(job), team_name=job.team.name if job.team else None)
                _held(job_id, token).update(total=len(prepared.records))
                _run_whole(job, prepared, token)
                return
            _split(job, token)
        except ClaimLost:
            return
        except Exception:  # noqa: BLE001 - a job never stays "running": it ends with a message
            _failed(job_id, token)
            return
    _job_work(job_id)


def _lines(job: ImportJob):
    return read_lines(job.source.splitlines(keepends=True), name=job.file_name)


def _failed(job_id: int, token: uuid.UUID | None) -> None:
    logger.exception("import job %s failed", job_id)
    running = ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING)
    if token is not None:
        running = running.filter(claim=token)
    running.update(status=ImportStatus.FAILED, error=str(IMPORT_FAILED), finished_at=timezone.now())


def _chunk_records() -> int:
    return max(1, settings.IMPORT_JOB_CHUNK_RECORDS)


@transaction.atomic
def _split(job: ImportJob, token: uuid.UUID) -> None:
    """Chunks of the file in file order, each with its own task; the job's claim ends here (its
    chunks have their own). A job split before (its run died after that) is not split again."""
    if not job.chunks.exists():
        lines = list(_lines(job))
        size = _chunk_records()
        ImportJobChunk.objects.bulk_create(
            ImportJobChunk(
                job=job,
                number=number,
                first=first,
                end=min(first + size, len(lines)),
                lines=[list(line) for line in lines[first : first + size]],
            )
            for number, first in enumerate(range(0, len(lines), size))
        )
        job.total, job.first_lines = len(lines), import_first_lines(lines)
    if not _held(job.pk, token).update(total=job.total, first_lines=job.first_lines, claim=None, claimed_until=None):
        raise ClaimLost
    if settings.IMPORT_JOB_PARALLEL:
        for _chunk in range(max(0, job.chunks.filter(done=False).count() - 1)):  # this run takes one itself
            _enqueue_work(job.pk)
    if not job.chunks.filter(done=False).exists():  # an empty file
        _finish(job.pk, None)


def _enqueue_work(job_id: int) -> None:
    from exchange.tasks import import_job_work_task  # the tasks module imports this one

    transaction.on_commit(lambda: import_job_work_task.delay(job_id))


def _claim_chunk(job_id: int) -> tuple[ImportJobChunk, uuid.UUID] | None:
    """The first chunk of the job that no run holds (never taken, or its claim expired)."""
    now = timezone.now()
    claimable = Q(claim__isnull=True) | Q(claimed_until__lt=now)
    candidates = ImportJobChunk.objects.filter(
        claimable, job_id=job_id, done=False, job__status=ImportStatus.RUNNING
    ).order_by("number")
    for chunk in candidates[:50]:
        token = uuid.uuid4()
        if ImportJobChunk.objects.filter(claimable, pk=chunk.pk, done=False).update(
            claim=token, claimed_until=now + _claim_time()
        ):
            chunk.refresh_from_db()
            return chunk, token
    return None


def import_job_work(job_id: int) -> None:
    """Import chunks of the job until none is left that no other run holds."""
    with _in_job_language(job_id):
        _job_work(job_id)


def _job_work(job_id: int) -> None:
    while (claimed := _claim_chunk(job_id)) is not None:
        chunk, token = claimed
        try:
            _run_chunk(chunk, token)
        except ClaimLost:
            continue
        except Exception:  # noqa: BLE001 - as a whole run: the job ends with a message
            _failed(job_id, None)
            return


def _chunk_held(chunk: ImportJobChunk, token: uuid.UUID):
    return ImportJobChunk.objects.filter(pk=chunk.pk, claim=token, done=False, job__status=ImportStatus.RUNNING)


def _run_chunk(chunk: ImportJobChunk, token: uuid.UUID) -> None:
    """Each case of the chunk with the chunk's cursor, the job's counters and its errors in one
    transaction, after the last one committed; the last chunk to end ends the job."""
    jobs = ImportJob.objects.select_related("team", "requested_by")
    if chunk.lines is not None:  # its own records: the job's file stays in the database
        job = jobs.defer("source").get(pk=chunk.job_id)
        lines = [(number, text) for number, text in chunk.lines[chunk.processed :]]
    else:
        job = jobs.get(pk=chunk.job_id)
        lines = list(_lines(job))[chunk.first + chunk.processed : chunk.end]
    prepared = import_prepare(lines, team_name=job.team.name if job.team else None, first_lines=job.first_lines)
    with access_log_deferred(), deadline_rules_cached():
        for record in prepared.records:
            with transaction.atomic():
                outcome, errors = import_record(prepared, record, imported_by=job.requested_by)
                ImportJobError.objects.bulk_create(_error_rows(job.pk, errors))
                renewed = _chunk_held(chunk, token).update(
                    processed=F("processed") + 1, claimed_until=timezone.now() + _claim_time()
                )
                if not renewed:
                    raise ClaimLost
                ImportJob.objects.filter(pk=job.pk).update(**_counters(outcome, errors))
    with transaction.atomic():
        # Chunks that end at the same moment take turns here, so exactly one sees the job's last.
        ImportJob.objects.select_for_update().filter(pk=job.pk).first()
        if not _chunk_held(chunk, token).update(done=True, claim=None, claimed_until=None, lines=[]):
            raise ClaimLost
        if not job.chunks.filter(done=False).exists():
            _finish(job.pk, None)


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


def _finish(job_id: int, token: uuid.UUID | None) -> None:
    """Done: by the run that holds the job (`token`), or by the run that ended its last chunk."""
    running = ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING)
    running = running.filter(claim=token) if token is not None else running.filter(claim__isnull=True)
    running.update(status=ImportStatus.DONE, finished_at=timezone.now(), claim=None, claimed_until=None)


def import_jobs_resume() -> int:
    """Every minute (beat): queue again the jobs whose task was lost (queued and never taken), whose
    worker died (running, claim expired) or a chunk of which was left (its claim expired, or never
    taken a while after the split). Running them twice is harmless: the claims decide."""
    now = timezone.now()
    stale = ImportJob.objects.filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=now - REQUEUE_AFTER)
        | Q(status=ImportStatus.RUNNING, claimed_until__lt=now)
    ).values_list("pk", flat=True)
    left = (
        ImportJobChunk.objects.filter(done=False, job__status=ImportStatus.RUNNING)
        .filter(Q(claimed_until__lt=now) | Q(claim__isnull=True, job__started_at__lt=now - REQUEUE_AFTER))
        .values_list("job_id", flat=True)
        .distinct()
    )
    ids = sorted(set(stale[:100]) | set(left[:100]))
    for job_id in ids:
        _enqueue(job_id)
    return len(ids)


def import_sources_erase(case_id: int) -> None:
    """A destroyed case may be in any upload: the finished jobs' files go (their counts and errors stay;
    a running job keeps its file until it ends, and the next destruction takes it)."""
    finished = ImportJob.objects.filter(status__in=[ImportStatus.DONE, ImportStatus.FAILED])
    finished.exclude(source="").update(source="")
    ImportJobChunk.objects.filter(job__in=finished, lines__isnull=False).exclude(lines=[]).update(lines=[])
