"""Celery task of retention: a thin wrapper around the sweep."""

from __future__ import annotations

from celery import shared_task

from cases.retention.services import retention_sweep


@shared_task(name="cases.retention_sweep")
def sweep() -> dict:
    """Run by beat daily: give closed cases their destruction date and list those now due."""
    due = retention_sweep()
    return {"due": len(due)}
