"""What the exchange remembers of an imported case: the last imported document and which rows its
parts became, so that importing it again changes nothing and a changed record updates the case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class ImportedCase(models.Model):
    """One case that came in through the exchange format (source organisation + external reference
    are on the case itself). Deleted with the case, so destruction leaves nothing here."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="import_record")
    # sha256 of the canonical JSON of the last imported document: equal means nothing to do.
    digest = models.CharField(max_length=64)
    document = models.JSONField()
    # Document part (JSON pointer, "person:<key>", "meeting:<key>") -> row id, to apply later changes.
    keys = models.JSONField(default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("geïmporteerde casus")
        verbose_name_plural = _("geïmporteerde casussen")

    def __str__(self) -> str:
        return f"ImportedCase {self.pk}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("mislukt")


class ImportJob(models.Model):
    """An upload imported in the background (Celery). Each case commits together with the job's
    counters and errors, so a job whose worker died resumes after the last case it committed and
    nothing is imported or reported twice. A dry run and an all-or-nothing run write nothing until
    the end, so they start again from the first record."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("bestand"), max_length=200)
    # The upload itself (UTF-8 text, at most the form's limit): worker and web need no shared disk.
    source = models.TextField()
    team = models.ForeignKey("partners.SafetyTeam", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dry_run = models.BooleanField(default=False)
    all_or_nothing = models.BooleanField(default=False)
    # The uploader's language: the report's messages are written in it (the worker has none of its own).
    language = models.CharField(max_length=10, default="nl")
    status = models.CharField(_("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    # Records handled so far, in file order: where a resumed run goes on.
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed_records = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    # The running worker's claim: a token of its own, renewed with every committed case.
    claim = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A normal run is split into chunks (ImportJobChunk) that workers import side by side. The
    # first line of each (source, external reference) in the file: a later line with it is a
    # duplicate, whichever chunk it is in. Keys are "source\nreference".
    first_lines = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("importtaak")
        verbose_name_plural = _("importtaken")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportStatus.values), name="importjob_status_valid"),
            models.CheckConstraint(condition=models.Q(processed__lte=models.F("total")), name="importjob_progress"),
        ]

    def __str__(self) -> str:
        return f"ImportJob {self.pk} ({self.status})"

    @property
    def progress(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(99, self.processed * 100 // self.total) if self.total else 0

    @property
    def written(self) -> bool:
        """Whether what the job imported stays (as ImportReport.written)."""
        return not self.dry_run and not (self.all_or_nothing and self.failed_records)


class ImportJobError(models.Model):
    """One problem of one record of a job (line, external reference, JSON pointer, message)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField()
    reference = models.CharField(max_length=200, blank=True)
    pointer = models.CharField(max_length=300, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"ImportJobError {self.pk}"


class ImportJobChunk(models.Model):
    """Records [first, end) of a job (indexes in file order), imported by one worker at a time: its
    own claim and cursor, each case committed with the chunk's cursor and the job's counters (the sum
    of its chunks'), so a chunk whose worker died resumes after its last committed case."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    processed = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    claim = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Its records as [line number, text] (written at the split), so that a chunk reads its own part and
    # not the whole file; emptied when the chunk is done and with the job's file (a destroyed case).
    # None in chunks split before it was kept: they read the job's file.
    lines = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="importjobchunk_once"),
            models.CheckConstraint(
                condition=models.Q(processed__lte=models.F("end") - models.F("first")), name="importjobchunk_progress"
            ),
        ]

    def __str__(self) -> str:
        return f"ImportJobChunk {self.job_id}/{self.number}"
