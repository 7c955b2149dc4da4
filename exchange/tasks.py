"""Thin Celery wrappers around exchange.jobs."""

from celery import shared_task

from exchange import jobs


# acks_late with reject_on_worker_lost: a worker that dies hands the task on; the job's claim decides
# which run goes on, and the resume sweep queues it again when the message itself was lost.
@shared_task(
    name="exchange.import_job_run",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=jobs.IMPORT_SOFT_TIME_LIMIT,
    time_limit=jobs.IMPORT_TIME_LIMIT,
)
def import_job_run_task(job_id: int) -> None:
    jobs.import_job_run(job_id)


@shared_task(
    name="exchange.import_job_work",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=jobs.IMPORT_SOFT_TIME_LIMIT,
    time_limit=jobs.IMPORT_TIME_LIMIT,
)
def import_job_work_task(job_id: int) -> None:
    """One more worker on a split job: imports chunks that no other run holds."""
    jobs.import_job_work(job_id)


@shared_task(name="exchange.import_jobs_resume", acks_late=True)
def import_jobs_resume_task() -> int:
    return jobs.import_jobs_resume()
