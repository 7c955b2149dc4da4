"""Writes of a user on their own notifications, preferences and calendar feed."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.selectors import coordinated_team_ids
from workflows.deadlines.models import CalendarFeedToken, FeedScope, Notification, NotificationPreference


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


FEED_TEAM_ONLY_FOR_COORDINATORS = _("Alleen een coördinator kan zich abonneren op de termijnen van het team.")


@transaction.atomic
def calendar_feed_create(*, user, scope: str = FeedScope.MINE) -> str:
    """A new secret feed token of this scope (shown once); any earlier feed URL of the user for the scope
    stops working. The team feed is for coordinators (checked again at every fetch)."""
    if scope == FeedScope.TEAM and not coordinated_team_ids(user):
        raise PermissionDenied(FEED_TEAM_ONLY_FOR_COORDINATORS)
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.update_or_create(
        user=user, scope=scope, defaults={"token_hash": feed_token_hash(token), "created_at": timezone.now()}
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, user, scope: str = FeedScope.MINE) -> None:
    CalendarFeedToken.objects.filter(user=user, scope=scope).delete()
