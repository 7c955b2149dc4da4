"""The veiligheidsplan (safety plan) the family owns: made with the parents and their network
(Signs of Safety, design §14). The plan is a line of versions; a version is never changed, a change
is the next version, and each version is agreed by named parents, network members and partners."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, GuardedQuerySet, Person
from cases.validators import validate_date_in_range
from partners.models import Organisation


class SafetyPlan(models.Model):
    """One plan per case and episode; `version` is the number of its newest version (0: none yet)
    and serves as the optimistic lock of the next one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safety_plans")
    episode = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=0)
    # The next evaluation date of the newest version: the subject date of its deadline (workflows).
    evaluation_on = models.DateField(_("evaluatiedatum"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("veiligheidsplan")
        verbose_name_plural = _("veiligheidsplannen")
        constraints = [models.UniqueConstraint(fields=["case", "episode"], name="safety_plan_one_per_episode")]

    def __str__(self) -> str:
        return f"SafetyPlan {self.pk}"


class SafetyPlanVersion(models.Model):
    """One version of the plan, as recorded: never changed (the database refuses UPDATE on it).
    Lists are kept in the version itself: danger statements as texts, safety goals as
    {"text", "scale"} (0-10), warning signs as {"sign", "action"}."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    danger_statements = models.JSONField(_("gevaarsstatements"), default=list)
    safety_goals = models.JSONField(_("veiligheidsdoelen"), default=list)
    warning_signs = models.JSONField(_("waarschuwingssignalen"), default=list)
    monitoring = models.TextField(_("zo houden we het in de gaten"), max_length=5000)
    evaluation_on = models.DateField(_("evaluatiedatum"), validators=[validate_date_in_range])
    conditions = models.ManyToManyField(
        "cases.Veiligheidsvoorwaarde", related_name="+", blank=True, verbose_name=_("veiligheidsvoorwaarden")
    )
    interventions = models.ManyToManyField("cases.Intervention", related_name="+", blank=True, verbose_name=_("inzet"))
    reason = models.TextField(_("wat is er veranderd"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("versie van het veiligheidsplan")
        verbose_name_plural = _("versies van het veiligheidsplan")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safety_plan_version_once"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="safety_plan_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"SafetyPlanVersion {self.pk}"


class NetworkCommitment(models.Model):
    """Wie doet wat als …: what one network member (or parent) commits to in one version."""

    version = models.ForeignKey(SafetyPlanVersion, on_delete=models.CASCADE, related_name="commitments")
    # RESTRICT: a person is never deleted on their own (removed softly), only with the whole case.
    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="+", verbose_name=_("wie"))
    commitment = models.TextField(_("doet wat als …"), max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("afspraak met het netwerk")
        verbose_name_plural = _("afspraken met het netwerk")
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return f"NetworkCommitment {self.pk}"


class AgreementWay(models.TextChoices):
    MEETING = "meeting", _("in een overleg")
    PAPER = "paper", _("op papier getekend")


class PlanAgreement(models.Model):
    """An akkoord with one version: of a named parent or network member (a person of the case), or of
    a partner organisation. Once per person or organisation per version; never changed."""

    version = models.ForeignKey(SafetyPlanVersion, on_delete=models.CASCADE, related_name="agreements")
    person = models.ForeignKey(Person, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agreed_on = models.DateField(_("datum akkoord"), validators=[validate_date_in_range])
    way = models.CharField(_("hoe"), max_length=8, choices=AgreementWay.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("akkoord met het veiligheidsplan")
        verbose_name_plural = _("akkoorden met het veiligheidsplan")
        ordering = ["version", "agreed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(organisation__isnull=True))
                | (Q(person__isnull=True) & Q(organisation__isnull=False)),
                name="plan_agreement_one_party",
            ),
            models.CheckConstraint(condition=Q(way__in=AgreementWay.values), name="plan_agreement_way_valid"),
            models.UniqueConstraint(
                fields=["version", "person"], condition=Q(person__isnull=False), name="plan_agreement_once_per_person"
            ),
            models.UniqueConstraint(
                fields=["version", "organisation"],
                condition=Q(organisation__isnull=False),
                name="plan_agreement_once_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"PlanAgreement {self.pk}"
