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
