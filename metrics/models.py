"""Export jobs: a large export runs as a Celery task; its file is kept a limited time for its requester."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    EVENTS = "events", _("gebeurtenissen (gepseudonimiseerd)")
    AGGREGATES = "aggregates", _("tabellen (met celonderdrukking)")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("mislukt")


class ExportJob(models.Model):
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("soort"), max_length=16, choices=ExportKind.choices)
    format = models.CharField(_("formaat"), max_length=8, choices=ExportFormat.choices)
    # The filters as plain JSON (dates as ISO strings, ids); never case content.
    params = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("voortgang"), default=0)
    rows = models.PositiveIntegerField(default=0)
    # Relative to settings.METRICS_EXPORT_DIR; the name is random, never derived from the content.
    file_path = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=200, blank=True)
    # A running job's claim; a worker that died leaves it to expire, and the re-delivered task takes over.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="exportjob_progress_0_100"),
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="exportjob_status_valid"),
        ]
        indexes = [models.Index(fields=["requester", "-created_at"], name="exportjob_requester_idx")]

    def __str__(self) -> str:
        return f"ExportJob {self.pk} ({self.kind}, {self.format}, {self.status})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class MetricsRelease(models.Model):
    """A published quarter: its figures computed once, on one snapshot, and stored as the exact bytes
    that are downloaded ever after. Never changed: a correction is a new version with a changelog."""

    period_start = models.DateField(_("begin van de periode"))
    period_end = models.DateField(_("einde van de periode"))
    version = models.PositiveIntegerField(_("versie"))
    published_at = models.DateTimeField(_("gepubliceerd op"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gepubliceerd door")
    )
    changelog = models.TextField(_("wat is er veranderd"), blank=True)
    # The figures as published: the suppressed tables in CSV and in JSON, and the SHA-256 of each.
    csv = models.BinaryField()
    json = models.BinaryField()
    csv_sha256 = models.CharField(max_length=64)
    json_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("publicatie")
        verbose_name_plural = _("publicaties")
        ordering = ["-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period_start", "version"], name="metrics_release_one_per_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="metrics_release_version_from_1"),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(changelog=""), name="metrics_release_correction_has_changelog"
            ),
        ]

    def __str__(self) -> str:
        return f"MetricsRelease {self.period_start} v{self.version}"

    @property
    def label(self) -> str:
        """The quarter as the tables label it: 2025-K1."""
        return f"{self.period_start.year}-K{(self.period_start.month - 1) // 3 + 1}"
