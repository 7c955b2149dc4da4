"""Celery tasks of the access log: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from cases.access_log.integrity import access_log_anchor


@shared_task(name="cases.access_log_anchor")
def anchor() -> dict:
    """Run by beat every hour: append the chain's head to the anchor file and the security log."""
    written = access_log_anchor()
    return {"seq": written.seq, "rows": written.rows, "last_id": written.last_id}
