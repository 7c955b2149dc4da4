"""The joint safety assessment (gezamenlijke veiligheidsbeoordeling): rounds, each partner's
contribution, the joint judgement with dissent, and the veiligheidsvoorwaarden agreed in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, GuardedQuerySet, confidentiality_field
from cases.validators import validate_date_in_range
from partners.models import Organisation


class Classification(models.TextChoices):
    ACUTE = "acute", _("acute onveiligheid")
    STRUCTUREEL = "structureel", _("structurele onveiligheid")
    GEEN = "geen", _("geen onveiligheid")


class RiskLevel(models.TextChoices):
    LAAG = "laag", _("laag")
    MIDDEL = "middel", _("middel")
    HOOG = "hoog", _("hoog")


class Assessment(models.Model):
    """One round of the joint safety assessment; repeated over time."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    episode = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("veiligheidsbeoordeling")
        verbose_name_plural = _("veiligheidsbeoordelingen")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"


class SafetyScoreField(models.PositiveSmallIntegerField):
    """Signs of Safety scale: 0 = the child cannot stay, 10 = safe enough to close."""


class ContributionContent(models.Model):
    """What a partner contributes to a round; shared by the contribution and each of its versions."""

    worries = models.TextField(_("zorgen (schade en gevaar)"), blank=True)
    strengths = models.TextField(_("wat gaat goed (bestaande veiligheid)"), blank=True)
    must_happen = models.TextField(_("wat moet er gebeuren"), blank=True)
    safety_score = SafetyScoreField(_("veiligheidsscore (0–10)"))
    classification = models.CharField(_("classificatie"), max_length=16, choices=Classification.choices)
    arij_outcome = models.CharField(_("ARIJ-veiligheidstaxatie"), max_length=200, blank=True)
    risk_level = models.CharField(_("risiconiveau"), max_length=8, choices=RiskLevel.choices, blank=True)
    lirik_outcome = models.CharField(_("LIRIK-uitkomst"), max_length=200, blank=True)
    # Who reads this content (cases.confidentiality); the contribution's organisation is its "eigen organisatie".
    confidentiality = confidentiality_field()

    class Meta:
        abstract = True


CONTRIBUTION_CONTENT_FIELDS = tuple(f.name for f in ContributionContent._meta.fields)


class PartnerContribution(ContributionContent):
    """A partner's contribution to a round. Its content is the version in force: a copy of its newest
    `PartnerContributionVersion`, written only together with that version (a correction by the
    author adds a version; the original stays). `author` and `recorded_at` are the first recording."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnerbijdrage")
        verbose_name_plural = _("partnerbijdragen")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "organisation"], name="contribution_one_per_partner"),
            models.CheckConstraint(condition=Q(safety_score__lte=10), name="contribution_score_0_10"),
        ]

    def __str__(self) -> str:
        return f"PartnerContribution {self.pk}"


class JudgementContent(models.Model):
    """What the team judged; shared by the joint judgement and each of its versions."""

    classification = models.CharField(_("classificatie"), max_length=16, choices=Classification.choices)
    joint_score = SafetyScoreField(_("gezamenlijke veiligheidsscore (0–10)"))
    rationale = models.TextField(_("onderbouwing"))
    parents_view = models.TextField(_("wat ouders zeggen"), blank=True)
    children_view = models.TextField(_("wat kinderen zeggen"), blank=True)
    parents_present = models.BooleanField(_("ouders aanwezig"), default=False)
    children_present = models.BooleanField(_("kinderen aanwezig"), default=False)
    # Who reads the judgement's texts (cases.confidentiality); the organisation the recorder worked for is
    # their "eigen organisatie" (None on judgements recorded before it was kept).
    confidentiality = confidentiality_field()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("organisatie")
    )

    class Meta:
        abstract = True


JUDGEMENT_CONTENT_FIELDS = tuple(f.name for f in JudgementContent._meta.fields)


class JointJudgement(JudgementContent):
    """The team's one joint judgement for an assessment round: the record of a decision.

    Its content is the version in force, a copy of its newest `JointJudgementVersion` written only
    together with that version, so every reader of `assessment.judgement` sees the current judgement.
    The versions are the record and never change; an amendment adds one. `recorded_by` and
    `recorded_at` are the first recording, `version` the number of the version in force."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="judgement")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gezamenlijk oordeel")
        verbose_name_plural = _("gezamenlijke oordelen")
        constraints = [models.CheckConstraint(condition=Q(joint_score__lte=10), name="judgement_score_0_10")]

    def __str__(self) -> str:
        return f"JointJudgement {self.pk}"


class JointJudgementVersion(JudgementContent):
    """One version of a joint judgement as it was recorded (number 1) or amended, with who, when and
    (for an amendment) why. Never changed: the database refuses UPDATE on these rows."""

    judgement = models.ForeignKey(JointJudgement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reden van de wijziging"), blank=True)

    class Meta:
        verbose_name = _("versie van het gezamenlijk oordeel")
        verbose_name_plural = _("versies van het gezamenlijk oordeel")
        ordering = ["judgement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["judgement", "number"], name="judgement_version_once"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="judgement_amendment_has_reason"),
            models.CheckConstraint(condition=Q(joint_score__lte=10), name="judgement_version_score_0_10"),
        ]

    def __str__(self) -> str:
        return f"JointJudgementVersion {self.pk}"

    @property
    def is_amendment(self) -> bool:
        return self.number > 1


class Standpoint(models.Model):
    """A partner's standpoint on one version of a joint judgement: recorded once per organisation per
    version (akkoord or afwijkend, never both; a new version asks again), never overwritten."""

    judgement = models.ForeignKey(JointJudgement, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(JointJudgementVersion, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Agreement(Standpoint):
    """A partner's akkoord with one version of the joint judgement."""

    judgement = models.ForeignKey(JointJudgement, on_delete=models.CASCADE, related_name="agreements")
    version = models.ForeignKey(JointJudgementVersion, on_delete=models.CASCADE, related_name="agreements")

    class Meta:
        verbose_name = _("akkoord")
        verbose_name_plural = _("akkoorden")
        constraints = [
            models.UniqueConstraint(fields=["version", "organisation"], name="agreement_one_per_partner_per_version")
        ]

    def __str__(self) -> str:
        return f"Agreement {self.pk}"


class Dissent(Standpoint):
    """A partner that disagrees with a version of the joint judgement, with its reason: recorded,
    never overwritten."""

    judgement = models.ForeignKey(JointJudgement, on_delete=models.CASCADE, related_name="dissents")
    version = models.ForeignKey(JointJudgementVersion, on_delete=models.CASCADE, related_name="dissents")
    reason = models.TextField(_("reden van afwijkend standpunt"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("afwijkend standpunt")
        verbose_name_plural = _("afwijkende standpunten")
        constraints = [
            models.UniqueConstraint(fields=["version", "organisation"], name="dissent_one_per_partner_per_version")
        ]

    def __str__(self) -> str:
        return f"Dissent {self.pk}"


class PartnerContributionVersion(ContributionContent):
    """One version of a partner contribution: as first recorded (number 1) or as corrected by its
    author, with when and why. Never changed: the database refuses UPDATE on these rows."""

    contribution = models.ForeignKey(PartnerContribution, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reden van de correctie"), blank=True)

    class Meta:
        verbose_name = _("versie van de partnerbijdrage")
        verbose_name_plural = _("versies van de partnerbijdrage")
        ordering = ["contribution", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contribution", "number"], name="contribution_version_once"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="contribution_correction_has_reason"),
            models.CheckConstraint(condition=Q(safety_score__lte=10), name="contribution_version_score_0_10"),
        ]

    def __str__(self) -> str:
        return f"PartnerContributionVersion {self.pk}"

    @property
    def is_correction(self) -> bool:
        return self.number > 1


class ConditionStatus(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("nagekomen")
    NOT_MET = "not_met", _("niet nagekomen")


class Veiligheidsvoorwaarde(models.Model):
    """A minimum safety condition agreed in a joint judgement, with an owner and a check date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="veiligheidsvoorwaarden")
    judgement = models.ForeignKey(
        JointJudgement, on_delete=models.PROTECT, related_name="veiligheidsvoorwaarden", null=True, blank=True
    )
    description = models.TextField(_("voorwaarde"))
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("eigenaar (organisatie)")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("eigenaar")
    )
    check_date = models.DateField(_("controledatum"), validators=[validate_date_in_range])
    status = models.CharField(_("status"), max_length=8, choices=ConditionStatus.choices, default=ConditionStatus.OPEN)
    agreed_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("veiligheidsvoorwaarde")
        verbose_name_plural = _("veiligheidsvoorwaarden")
        ordering = ["check_date", "id"]

    def __str__(self) -> str:
        return f"Veiligheidsvoorwaarde {self.pk}"
