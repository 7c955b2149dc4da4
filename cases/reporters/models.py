"""The melder (reporter) of a melding at Veilig Thuis and the feedback Veilig Thuis gave them.

Content fields are read only through `cases.reporters.selectors`, which let them out of the database
for Veilig Thuis participants alone. Not registered in the admin; left out of the case export.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, GuardedQuerySet
from cases.validators import validate_date_in_range, validate_not_in_future
from partners.models import Organisation


class ReporterKind(models.TextChoices):
    PROFESSIONAL = "professional", _("beroepskracht")
    PRIVATE = "prive", _("privépersoon")


class FeedbackOutcome(models.TextChoices):
    TERUGGEKOPPELD = "teruggekoppeld", _("teruggekoppeld")
    NIET_GEWENST = "niet_gewenst", _("melder wilde geen terugkoppeling")
    NIET_BEREIKBAAR = "niet_bereikbaar", _("melder niet bereikbaar")


class Reporter(models.Model):
    """The melder of a case's melding, one per episode (a re-report brings its own melder)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reporters")
    episode = models.PositiveIntegerField(default=1)
    full_name = models.CharField(
        _("naam van de melder"), max_length=200, blank=True, help_text=_("Leeg als de melder anoniem bleef.")
    )
    relation = models.CharField(
        _("relatie tot het gezin"), max_length=200, help_text=_("Bijvoorbeeld: buurvrouw, leerkracht, huisarts.")
    )
    kind = models.CharField(_("soort melder"), max_length=16, choices=ReporterKind.choices)
    profession = models.CharField(_("beroep"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisatie van de melder"), max_length=200, blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=40, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    contact_notes = models.CharField(
        _("overige contactgegevens"), max_length=500, blank=True, help_text=_("Bijvoorbeeld: bereikbaar na 17 uur.")
    )
    anonymity_requested = models.BooleanField(_("anonimiteit gevraagd"), default=False)
    anonymity_promised = models.BooleanField(_("anonimiteit toegezegd"), default=False)
    promise = models.TextField(_("wat is toegezegd"), max_length=2000, blank=True)

    feedback_outcome = models.CharField(_("terugkoppeling"), max_length=16, choices=FeedbackOutcome.choices, blank=True)
    feedback_on = models.DateField(
        _("datum terugkoppeling"), null=True, blank=True, validators=[validate_date_in_range, validate_not_in_future]
    )
    feedback_how = models.CharField(_("hoe teruggekoppeld"), max_length=200, blank=True)
    feedback_summary = models.TextField(_("wat is in algemene termen gezegd"), max_length=2000, blank=True)
    feedback_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    feedback_recorded_at = models.DateTimeField(null=True, blank=True)

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("melder")
        verbose_name_plural = _("melders")
        ordering = ["episode", "id"]
        # Nobody but the services' selectors reads these rows: no default permissions for the admin.
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["case", "episode"], name="reporter_once_per_episode"),
            models.CheckConstraint(condition=Q(kind__in=ReporterKind.values), name="reporter_kind_valid"),
            models.CheckConstraint(
                condition=Q(feedback_outcome="") | Q(feedback_outcome__in=FeedbackOutcome.values),
                name="reporter_feedback_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        # Never the name: a str() may end up in a log line or an error page.
        return f"Reporter {self.pk}"
