"""Thin Celery wrappers around metrics.services."""

from celery import shared_task

from metrics import services


# Time limits: the soft one raises inside the export (it ends as failed, "took too long"); the hard one
# kills a run that ignores it. acks_late with reject_on_worker_lost: a worker that dies hands the task on.
@shared_task(
    name="metrics.export_job_run",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=services.EXPORT_SOFT_TIME_LIMIT,
    time_limit=services.EXPORT_TIME_LIMIT,
)
def export_job_run_task(job_id: int) -> None:
    services.export_job_run(job_id)


@shared_task(name="metrics.expire_exports", acks_late=True)
def export_jobs_expire_task() -> int:
    """Hourly: jobs left running by a killed worker end as failed; expired files and jobs go."""
    services.export_jobs_fail_abandoned()
    return services.export_jobs_expire()
