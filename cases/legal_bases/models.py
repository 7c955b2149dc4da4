"""The bases a participation rests on (docs/design.md §11): the statutory list the functional
administrator keeps, and the consents given on a case. The participation itself records which one
(`cases.models.Participant.basis_kind`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, GuardedQuerySet, Person
from cases.validators import validate_date_in_range, validate_not_in_future


class LegalBasis(models.Model):
    """A statutory basis for sharing without consent; kept in the admin, switched off rather than removed."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    article = models.TextField(_("artikeltekst"), max_length=5000, blank=True)
    active = models.BooleanField(_("in gebruik"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wettelijke grondslag")
        verbose_name_plural = _("wettelijke grondslagen")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ConsentGiver(models.TextChoices):
    OUDER_MET_GEZAG = "ouder_met_gezag", _("ouder met gezag")
    # Jeugdwet 7.3.11 lid 1: from 16 the child consents on their own.
    JEUGDIGE_16_PLUS = "jeugdige_16_plus", _("jeugdige (16 jaar of ouder)")


class Consent(models.Model):
    """Consent to share the case's data, given by a parent with gezag or a child of 16 or older;
    withdrawing it ends every participation that rests on it (cases.legal_bases.services)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("toestemming van"), max_length=20, choices=ConsentGiver.choices)
    # The person on the case who gave it, where they are registered there.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("persoon")
    )
    given_on = models.DateField(_("datum toestemming"), validators=[validate_date_in_range, validate_not_in_future])
    scope = models.TextField(_("reikwijdte"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(given_by__in=ConsentGiver.values), name="consent_given_by_valid"),
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
