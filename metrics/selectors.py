"""Reads of the metrics app, always for one user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from metrics.access import is_evaluator
from metrics.models import ExportJob


def export_jobs_of(user) -> QuerySet[ExportJob]:
    """The user's own export jobs; nobody sees another's."""
    if not is_evaluator(user):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requester=user)


def export_job_for(user, job_id: int) -> ExportJob:
    """The user's own job, or 404 (someone else's job is as unknown as a missing one)."""
    job = export_jobs_of(user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
