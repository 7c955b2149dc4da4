"""A case's documents and their versions. The files themselves live in the `documents` storage
(`settings.STORAGES["documents"]`) under a key that never carries the uploader's file name.

Titles, names and files are read only through `cases.documents.selectors`, which apply the
confidentiality class in the query; anyone else on the case learns "dat, niet wat".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Confidentiality, Person
from cases.validators import validate_date_in_range
from partners.models import Organisation


class DocumentKind(models.TextChoices):
    MELDING = "melding", _("melding")
    RAADSRAPPORT = "raadsrapport", _("raadsrapport")
    VERZOEKSCHRIFT = "verzoekschrift", _("verzoekschrift")
    BESCHIKKING = "beschikking", _("beschikking")
    VEILIGHEIDSPLAN = "veiligheidsplan", _("veiligheidsplan")
    TOESTEMMINGSFORMULIER = "toestemmingsformulier", _("toestemmingsformulier")
    VERSLAG = "verslag", _("verslag")
    OVERIG = "overig", _("overig")


class RetentionClass(models.TextChoices):
    """How long a document is kept; the retention issue builds destruction on it."""

    DOSSIER = "dossier", _("zolang het dossier (Jeugdwet: 20 jaar)")
    JUSTITIEEL = "justitieel", _("justitieel stuk (langer dan het dossier)")
    KORT = "kort", _("kort (tot het einde van de betrokkenheid)")


# The retention class follows the kind; a service sets it, the retention issue reads it.
RETENTION_BY_KIND: dict[str, str] = {
    DocumentKind.MELDING: RetentionClass.DOSSIER,
    DocumentKind.RAADSRAPPORT: RetentionClass.JUSTITIEEL,
    DocumentKind.VERZOEKSCHRIFT: RetentionClass.JUSTITIEEL,
    DocumentKind.BESCHIKKING: RetentionClass.JUSTITIEEL,
    DocumentKind.VEILIGHEIDSPLAN: RetentionClass.DOSSIER,
    DocumentKind.TOESTEMMINGSFORMULIER: RetentionClass.DOSSIER,
    DocumentKind.VERSLAG: RetentionClass.DOSSIER,
    DocumentKind.OVERIG: RetentionClass.KORT,
}


class Measure(models.TextChoices):
    """The child-protection measure a beschikking imposes; OTS and machtiging share their values with
    `cases.interventions.InterventionKind`, so metrics count them the same way."""

    OTS = "ots", _("ondertoezichtstelling (OTS)")
    MACHTIGING_UITHUISPLAATSING = "machtiging_uithuisplaatsing", _("machtiging uithuisplaatsing")
    VOOGDIJ = "voogdij", _("voogdij (gezagsbeëindiging)")
    SPOEDMACHTIGING = "spoedmachtiging", _("spoedmachtiging uithuisplaatsing")
    VOORLOPIGE_OTS = "voorlopige_ots", _("voorlopige ondertoezichtstelling")
    OVERIG = "overig", _("overige maatregel")


class MeasureEndReason(models.TextChoices):
    """How a child's measure ended (the categories of the national statistics, kept few)."""

    TERMIJN_VERSTREKEN = "termijn_verstreken", _("einde van de termijn, niet verlengd")
    OPGEHEVEN = "opgeheven", _("tussentijds opgeheven door de rechter")
    MEERDERJARIG = "meerderjarig", _("het kind werd meerderjarig")
    OMGEZET = "omgezet", _("omgezet in een andere maatregel")
    OVERIG = "overig", _("andere reden")


class VersionStatus(models.TextChoices):
    WORDT_GECONTROLEERD = "wordt_gecontroleerd", _("wordt gecontroleerd")
    BESCHIKBAAR = "beschikbaar", _("beschikbaar")
    QUARANTAINE = "quarantaine", _("in quarantaine (virus gevonden)")


class Document(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("soort document"), max_length=24, choices=DocumentKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    document_date = models.DateField(_("datum van het document"), validators=[validate_date_in_range])
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie van de auteur")
    )
    confidentiality = models.CharField(
        _("vertrouwelijkheid"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.GEDEELD
    )
    persons = models.ManyToManyField(Person, blank=True, related_name="documents", verbose_name=_("betreft"))
    retention_class = models.CharField(_("bewaarklasse"), max_length=16, choices=RetentionClass.choices)

    # A beschikking: the measure the judge imposed, when, and for which period.
    measure = models.CharField(_("maatregel"), max_length=32, choices=Measure.choices, blank=True)
    decided_on = models.DateField(
        _("datum van de beschikking"), null=True, blank=True, validators=[validate_date_in_range]
    )
    measure_start = models.DateField(_("ingangsdatum"), null=True, blank=True, validators=[validate_date_in_range])
    measure_end = models.DateField(_("einddatum"), null=True, blank=True, validators=[validate_date_in_range])
    # The day the extension request is due (the end minus MEASURE_EXTENSION_LEAD_DAYS); the deadline reads it.
    extension_request_due = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["-document_date", "-id"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"),
            models.CheckConstraint(
                condition=Q(confidentiality__in=Confidentiality.values), name="document_confidentiality_valid"
            ),
            models.CheckConstraint(
                condition=Q(retention_class__in=RetentionClass.values), name="document_retention_valid"
            ),
            models.CheckConstraint(
                condition=Q(measure="") | Q(kind=DocumentKind.BESCHIKKING), name="document_measure_on_beschikking"
            ),
            models.CheckConstraint(
                condition=Q(measure_end__isnull=True)
                | Q(measure_start__isnull=True)
                | Q(measure_end__gte=models.F("measure_start")),
                name="document_measure_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        # Never the title: a str() may end up in a log line.
        return f"Document {self.pk}"


class DocumentVersion(models.Model):
    """One upload of a document; a new upload adds a version and keeps the old ones."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("bestandsnaam"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=24, choices=VersionStatus.choices, default=VersionStatus.WORDT_GECONTROLEERD)
    scanned_at = models.DateTimeField(null=True, blank=True)
    # The scanner's verdict (a signature name on a hit); never file content.
    scan_result = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document_id", "-number"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_once"),
            models.CheckConstraint(condition=Q(status__in=VersionStatus.values), name="document_version_status_valid"),
        ]

    def __str__(self) -> str:
        return f"DocumentVersion {self.pk}"


class ChildMeasure(models.Model):
    """One child's protection measure: a beschikking imposes its measure on each child it concerns, one
    row per child, so the national statistics count per child (start, end, age at start, how it ended).
    A measure imported through the exchange format has no document (the format carries no files).

    The end is the day the measure stopped (`ended_on`, with its reason) or else its planned end
    (`planned_end`); the row, the child's role and date of birth outlive a destruction of the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="child_measures")
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="child_measures"
    )
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="measures", verbose_name=_("kind"))
    measure = models.CharField(_("maatregel"), max_length=32, choices=Measure.choices)
    decided_on = models.DateField(_("datum van de beschikking"), validators=[validate_date_in_range])
    starts_on = models.DateField(_("ingangsdatum"), validators=[validate_date_in_range])
    planned_end = models.DateField(_("einddatum"), null=True, blank=True, validators=[validate_date_in_range])
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True, validators=[validate_date_in_range])
    end_reason = models.CharField(
        _("reden van beëindiging"), max_length=24, choices=MeasureEndReason.choices, blank=True
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door organisatie")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("maatregel per kind")
        verbose_name_plural = _("maatregelen per kind")
        ordering = ["starts_on", "id"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=Q(measure__in=Measure.values), name="child_measure_kind_valid"),
            models.CheckConstraint(
                condition=Q(end_reason="") | Q(end_reason__in=MeasureEndReason.values),
                name="child_measure_end_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="") | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                name="child_measure_ended_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=models.F("starts_on")),
                name="child_measure_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                name="child_measure_ended_after_start",
            ),
            models.UniqueConstraint(
                fields=["document", "child"], condition=Q(document__isnull=False), name="child_measure_once_per_child"
            ),
        ]
        indexes = [models.Index(fields=["starts_on"], name="child_measure_start_idx")]

    def __str__(self) -> str:
        return f"ChildMeasure {self.pk}"
