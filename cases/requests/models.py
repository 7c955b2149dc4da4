"""The family's requests under the AVG and the Jeugdwet: inzage, afschrift, correctie, eigen
verklaring, vernietiging, beperking and bezwaar. Each names who asks, their relation to the case and
how their identity was verified, runs a term in the deadline engine (one month, extendable by two;
vernietiging: three months) and ends with a decision and its reasoning."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, GuardedQuerySet, Person
from cases.validators import validate_date_in_range, validate_not_in_future
from partners.models import Organisation


class RequestKind(models.TextChoices):
    INZAGE = "inzage", _("inzage")
    AFSCHRIFT = "afschrift", _("afschrift")
    CORRECTIE = "correctie", _("correctie")
    EIGEN_VERKLARING = "eigen_verklaring", _("eigen verklaring")
    VERNIETIGING = "vernietiging", _("vernietiging")
    BEPERKING = "beperking", _("beperking van de verwerking")
    BEZWAAR = "bezwaar", _("bezwaar")


class RequesterRelation(models.TextChoices):
    OUDER = "ouder", _("ouder")
    VERZORGER = "verzorger", _("verzorger")
    JEUGDIGE = "jeugdige", _("jeugdige zelf")
    VERTEGENWOORDIGER = "vertegenwoordiger", _("wettelijk vertegenwoordiger of gemachtigde")


class IdentityCheck(models.TextChoices):
    DOCUMENT = "document", _("identiteitsbewijs getoond")
    DIGID = "digid", _("DigiD")
    KNOWN = "bekend", _("persoonlijk bekend bij de professional")
    MACHTIGING = "machtiging", _("machtiging met kopie identiteitsbewijs")


class RequestDecision(models.TextChoices):
    GRANTED = "toegewezen", _("toegewezen")
    PARTLY = "deels", _("deels toegewezen")
    REFUSED = "afgewezen", _("afgewezen")


class RefusalGround(models.TextChoices):
    OTHER_PERSON = "belang_ander", _("zwaarwegend belang van een ander")
    LEGAL_DUTY = "wettelijke_plicht", _("wettelijke bewaarplicht")


class FamilyRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family_requests")
    kind = models.CharField(_("soort verzoek"), max_length=20, choices=RequestKind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("verzoeker")
    )
    requester_name = models.CharField(_("naam verzoeker"), max_length=200)
    relation = models.CharField(_("relatie tot de casus"), max_length=20, choices=RequesterRelation.choices)
    identity_check = models.CharField(_("identiteit vastgesteld met"), max_length=16, choices=IdentityCheck.choices)
    received_on = models.DateField(_("ontvangen op"), validators=[validate_date_in_range, validate_not_in_future])
    text = models.TextField(_("inhoud van het verzoek"), max_length=10000, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    extension_reason = models.TextField(_("reden van verlenging"), max_length=2000, blank=True)
    extended_at = models.DateTimeField(_("verlengd op"), null=True, blank=True)
    decision = models.CharField(_("besluit"), max_length=16, choices=RequestDecision.choices, blank=True)
    refusal_ground = models.CharField(
        _("grond van afwijzing"), max_length=20, choices=RefusalGround.choices, blank=True
    )
    decision_reason = models.TextField(_("motivering"), max_length=5000, blank=True)
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("verzoek van het gezin")
        verbose_name_plural = _("verzoeken van het gezin")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RequestKind.values), name="family_request_kind_valid"),
            models.CheckConstraint(
                condition=~Q(decision=RequestDecision.REFUSED) | ~Q(refusal_ground="") & ~Q(decision_reason=""),
                name="family_request_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"FamilyRequest {self.pk}"
