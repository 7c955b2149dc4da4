"""Retention rules (how long a closed file is kept, with the legal source) and the destruction of a
case: scheduled by the daily sweep, proposed by the privacy officer, confirmed by a coordinator.

The rules are region-wide and kept by the functional administrator (admin). A rule applies to a case
when an organisation of its kind took part (a blank kind: every case); a case is kept until the
latest date its rules give, because a shared file is kept or destroyed as a whole.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from partners.models import OrganisationKind


class RetentionRule(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    organisation_kind = models.CharField(
        _("geldt als betrokken was"),
        max_length=20,
        choices=OrganisationKind.choices,
        blank=True,
        help_text=_("Leeg: geldt voor elke casus."),
    )
    years_after_last_involvement = models.PositiveSmallIntegerField(
        _("jaren na de laatste betrokkenheid"), null=True, blank=True
    )
    until_youngest_child_adult = models.BooleanField(_("ten minste tot het jongste kind 18 is"), default=False)
    # Only where a measure (OTS, machtiging uithuisplaatsing) ran: the GI's file of the measure.
    only_with_measure = models.BooleanField(_("alleen bij een kinderbeschermingsmaatregel"), default=False)
    whole_file = models.BooleanField(
        _("als geheel bewaren of vernietigen"),
        default=True,
        help_text=_("Het dossier wordt niet in delen vernietigd."),
    )
    source = models.CharField(_("wettelijke bron"), max_length=300)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DestructionState(models.TextChoices):
    SCHEDULED = "scheduled", _("bewaren tot de vernietigingsdatum")
    DUE = "due", _("te vernietigen")
    PROPOSED = "proposed", _("voorgesteld")
    DESTROYED = "destroyed", _("vernietigd")


class Destruction(models.Model):
    """A closed case's destruction date and its destruction: the privacy officer proposes, a
    coordinator of the team confirms (two different people), then the content is removed."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="destruction")
    destroy_on = models.DateField(_("vernietigen op"))
    rule_codes = models.CharField(_("bewaartermijnen"), max_length=300, blank=True)
    state = models.CharField(_("stand"), max_length=16, choices=DestructionState.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("voorgesteld op"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destroyed_at = models.DateTimeField(_("vernietigd op"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vernietiging")
        verbose_name_plural = _("vernietigingen")
        ordering = ["destroy_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=DestructionState.values), name="destruction_state_valid"),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("proposed_by")),
                name="destruction_four_eyes",
            ),
        ]
        indexes = [models.Index(fields=["state", "destroy_on"], name="destruction_state_idx")]

    def __str__(self) -> str:
        return f"Destruction {self.pk}"
