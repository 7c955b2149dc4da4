"""Writes of a user on their own notifications, preferences and calendar feed."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.selectors import coordinated_team_ids
from workflows.deadlines.models import (
    CHOOSABLE_KINDS,
    CalendarFeedToken,
    Delivery,
    FeedScope,
    Notification,
    NotificationKindPreference,
    NotificationPreference,
)


@transaction.atomic
def notifications_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preference_set(
    *, user, delivery: str, digest_hour: int, kinds: dict[str, str] | None = None
) -> NotificationPreference:
    """Choose, for deadlines (`delivery`) and per other kind (`kinds`), immediate e-mail, the daily digest
    at `digest_hour` (Amsterdam time) or no e-mail. Safety signals are not choosable: always at once."""
    kinds = kinds or {}
    choosable = {kind.value for kind in CHOOSABLE_KINDS}
    for kind, value in kinds.items():
        if kind not in choosable:
            raise ValidationError(_("Meldingen over veiligheid gaan altijd direct en kunnen niet uit."))
        if value not in Delivery.values:
            raise ValidationError({f"kind_{kind}": _("Kies direct, dagelijks overzicht of geen e-mail.")})
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.delivery, preference.digest_hour = delivery, digest_hour
    preference.full_clean()
    preference.save(update_fields=["delivery", "digest_hour"])
    for kind, value in kinds.items():
        NotificationKindPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": value})
    return preference


def kind_deliveries(user) -> dict[str, str]:
    """The user's choice per choosable kind (immediate where none was made)."""
    chosen = dict(NotificationKindPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.value: chosen.get(kind.value, Delivery.IMMEDIATE) for kind in CHOOSABLE_KINDS}


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


FEED_TEAM_ONLY_FOR_COORDINATORS = gettext_lazy(
    "Alleen een coördinator kan zich abonneren op de termijnen van het team."
)


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
