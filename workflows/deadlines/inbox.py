"""Writes of a user on their own notifications, preferences and calendar feed."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from workflows.deadlines.models import CalendarFeedToken, Notification, NotificationPreference


@transaction.atomic
def notifications_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user, delivery: str, digest_hour: int) -> NotificationPreference:
    """Choose immediate e-mail or a daily digest at `digest_hour` (Amsterdam time)."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.delivery, preference.digest_hour = delivery, digest_hour
    preference.full_clean()
    preference.save(update_fields=["delivery", "digest_hour"])
    return preference


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, user) -> str:
    """A new secret feed token (shown once); any earlier feed URL of the user stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.update_or_create(
        user=user, defaults={"token_hash": feed_token_hash(token), "created_at": timezone.now()}
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, user) -> None:
    CalendarFeedToken.objects.filter(user=user).delete()
