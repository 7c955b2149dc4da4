"""Celery tasks of the case record: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from cases.memberships import memberships_expire


@shared_task(name="cases.memberships_expire")
def expire_memberships() -> dict:
    """Run by beat every night: memberships whose end date was reached no longer carry participations."""
    return {"ended": memberships_expire()}
