"""Agreed interventions (passende inzet): kind, responsible organisation and professional,
start, due date, status, result and the record of their agreement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, GuardedQuerySet
from cases.validators import validate_date_in_range
from partners.models import Organisation


class InterventionKind(models.TextChoices):
    VRIJWILLIG_LOKAAL_TEAM = "vrijwillig_lokaal_team", _("vrijwillige hulp via het lokale team")
    VEILIGHEIDSPLAN = "veiligheidsplan", _("veiligheidsplan / netwerkberaad")
    VT_ONDERZOEK = "vt_onderzoek", _("onderzoek Veilig Thuis")
    VERZOEK_TOT_ONDERZOEK = "verzoek_tot_onderzoek", _("verzoek tot onderzoek bij de RvdK")
    GI_VRIJWILLIG_KADER = "gi_vrijwillig_kader", _("GI in vrijwillig kader")
    OTS = "ots", _("ondertoezichtstelling (OTS)")
    MACHTIGING_UITHUISPLAATSING = "machtiging_uithuisplaatsing", _("machtiging uithuisplaatsing")
    CRISISINTERVENTIE = "crisisinterventie", _("crisisinterventie")
    VOLWASSENENZORG = "volwassenenzorg", _("hulp voor volwassenen")
    OVERIG = "overig", _("overig")


class InterventionStatus(models.TextChoices):
    AFGESPROKEN = "afgesproken", _("afgesproken")
    LOPEND = "lopend", _("lopend")
    AFGEROND = "afgerond", _("afgerond")
    GESTOPT = "gestopt", _("gestopt")


class Intervention(models.Model):
    """Agreed intervention (passende inzet) with its owner, dates and the record of its agreement."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    episode = models.PositiveIntegerField(default=1)
    kind = models.CharField(_("soort inzet"), max_length=32, choices=InterventionKind.choices)
    description = models.TextField(_("omschrijving"), blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("verantwoordelijke organisatie")
    )
    responsible_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("verantwoordelijke")
    )
    start_date = models.DateField(_("startdatum"), validators=[validate_date_in_range])
    due_date = models.DateField(_("uiterlijk klaar op"), validators=[validate_date_in_range])
    status = models.CharField(
        _("status"), max_length=12, choices=InterventionStatus.choices, default=InterventionStatus.AFGESPROKEN
    )
    result = models.TextField(_("resultaat"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The agreement record: when, which partners agreed (the meeting is linked from workflows).
    agreed_at = models.DateTimeField(default=timezone.now)
    agreed_by = models.ManyToManyField(Organisation, related_name="+", verbose_name=_("afgesproken door"))
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(m2m_fields=[agreed_by])
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inzet")
        verbose_name_plural = _("inzet")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")), name="intervention_due_after_start"
            ),
            models.CheckConstraint(condition=Q(status__in=InterventionStatus.values), name="intervention_status_valid"),
        ]
        indexes = [models.Index(fields=["responsible_organisation", "status"], name="intervention_org_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


PROTECTION_MEASURES = (InterventionKind.OTS, InterventionKind.MACHTIGING_UITHUISPLAATSING)
OPEN_INTERVENTION_STATUSES = (InterventionStatus.AFGESPROKEN, InterventionStatus.LOPEND)
