"""Celery tasks of the documents: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from cases.documents.scan import document_version_scan
from cases.documents.scanning import ScannerUnavailable


@shared_task(
    name="cases.document_scan",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ScannerUnavailable,),
    retry_backoff=30,
    max_retries=20,
)
def document_scan(version_id: int) -> str | None:
    """Scan one uploaded version; a scanner that is down is tried again later (the file stays hidden)."""
    return document_version_scan(version_id=version_id)
