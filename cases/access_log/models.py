"""The access log (NEN 7513): who did what with which case, when, for which organisation, and
whether it was allowed. Append-only (database triggers refuse UPDATE and DELETE) and
tamper-evident: each row's hash covers its content and the previous row's hash.

Rows are written on their own connection ("audit" alias on PostgreSQL) so that a denied or failed
attempt stays logged even when the request's transaction rolls back.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    READ = "read", _("inzien")
    SEARCH = "search", _("zoeken")
    CREATE = "create", _("aanmaken")
    CHANGE = "change", _("wijzigen")
    EXPORT = "export", _("exporteren")
    DELETE = "delete", _("vernietigen")


class AccessOutcome(models.TextChoices):
    ALLOWED = "allowed", _("toegestaan")
    DENIED = "denied", _("geweigerd")


class AccessLogEntry(models.Model):
    # Plain ids, no foreign keys: a log row must outlive (and never be changed by) what it names.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    organisation_id = models.BigIntegerField(null=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=32, blank=True)
    case_id = models.BigIntegerField(null=True, db_index=True)
    person_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    outcome = models.CharField(max_length=16, choices=AccessOutcome.choices)
    ip_address = models.GenericIPAddressField(null=True)
    # What was touched ("case", "person:12", a search term's length, an export's kind); never case content.
    detail = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("toegangslogregel")
        verbose_name_plural = _("toegangslog")
        ordering = ["id"]
        indexes = [models.Index(fields=["case_id", "at"], name="accesslog_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.outcome}"
