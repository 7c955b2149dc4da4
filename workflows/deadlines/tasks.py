"""Celery tasks: thin wrappers around the services. They take ids and are idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from workflows.deadlines.notifications import (
    digest_email_send,
    digests_collect,
    notification_email_send,
    notifications_redispatch,
    reminder_email_send,
)
from workflows.deadlines.reminders import reminders_sweep


@shared_task(name="workflows.sweep")
def sweep(now: str | None = None) -> dict:
    """Run by beat every minute: record due reminders, dispatch e-mails, start digests.

    `now` (ISO 8601) moves the sweep's clock; beat never passes it (tests and catch-up runs do)."""
    moment = parse_datetime(now) if now else None
    result = reminders_sweep(now=moment)
    notifications_redispatch(now=moment or timezone.now())
    digests = digests_collect(now=moment)
    return {"claimed": result.claimed, "reminders": result.reminders, "digests": len(digests)}


# A send ends before its claim's lease does (notifications._claim), so no second worker sends the
# same e-mail while this one still might: the soft limit raises in the task (the claim is given back),
# the hard one ends the worker process. Queues: CELERY_TASK_ROUTES.
SEND_LIMITS = {
    "soft_time_limit": settings.REMINDER_SEND_SOFT_TIME_LIMIT,
    "time_limit": settings.REMINDER_SEND_TIME_LIMIT,
}


@shared_task(name="workflows.send_reminder_email", **SEND_LIMITS)
def send_reminder_email(reminder_id: int) -> bool:
    return reminder_email_send(reminder_id=reminder_id)


@shared_task(name="workflows.send_digest_email", **SEND_LIMITS)
def send_digest_email(digest_id: int) -> bool:
    return digest_email_send(digest_id=digest_id)


@shared_task(name="workflows.send_notification_email", **SEND_LIMITS)
def send_notification_email(notification_id: int) -> bool:
    return notification_email_send(notification_id=notification_id)
