"""Thin Celery wrappers around metrics.services."""

from celery import shared_task

from metrics import services


@shared_task(name="metrics.export_job_run", acks_late=True, reject_on_worker_lost=True)
def export_job_run_task(job_id: int) -> None:
    services.export_job_run(job_id)


@shared_task(name="metrics.expire_exports", acks_late=True)
def export_jobs_expire_task() -> int:
    return services.export_jobs_expire()
