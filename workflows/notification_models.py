"""In-app notifications, delivery preferences, daily digests and calendar feed tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.deadline_models import Delivery


class Notification(models.Model):
    """A message in the user's list ("Meldingen"). Holds case references only, never family names."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.OneToOneField(
        "workflows.Reminder", on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("bericht"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
            # The bell's unread count.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(
        _("e-mail over termijnen"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("tijdstip van het dagelijkse overzicht (uur)"), default=8, validators=[MaxValueValidator(23)]
    )

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [models.CheckConstraint(condition=Q(digest_hour__lte=23), name="preference_hour_valid")]

    def __str__(self) -> str:
        return f"{self.user}: {self.delivery}"


class Digest(models.Model):
    """One daily e-mail per user; the unique key makes a second sweep the same day a no-op."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dagoverzicht")
        verbose_name_plural = _("dagoverzichten")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_day")]
        indexes = [models.Index(fields=["retry_at"], condition=Q(sent_at__isnull=True), name="digest_unsent_idx")]

    def __str__(self) -> str:
        return f"Digest {self.user_id} {self.day}"


class CalendarFeedToken(models.Model):
    """The secret of a user's .ics feed; only its SHA-256 is stored. Revoking deletes the row."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda-abonnement")
        verbose_name_plural = _("agenda-abonnementen")

    def __str__(self) -> str:
        return f"CalendarFeedToken {self.user_id}"
