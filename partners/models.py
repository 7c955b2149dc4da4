"""Organisations, safety teams, the people in them and their roles. Knows nothing of cases."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. Login by username; e-mail for reminders."""

    full_name = models.CharField(_("volledige naam"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class Municipality(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    # CBS municipality code ("GM0748"), the key evaluators join on.
    code = models.CharField(_("CBS-code"), max_length=6, unique=True)

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    CVC = "cvc", _("CVC (lokaal team)")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    RVDK = "rvdk", _("Raad voor de Kinderbescherming")
    GI = "gi", _("Gecertificeerde Instelling")
    OTHER = "other", _("Overig (expertise)")


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=OrganisationKind.choices)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class SafetyTeam(models.Model):
    """A veiligheidsteam: serves municipalities, has member organisations and people."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    municipalities = models.ManyToManyField(Municipality, related_name="teams", verbose_name=_("gemeenten"))
    organisations = models.ManyToManyField(
        Organisation, related_name="teams", verbose_name=_("lidorganisaties"), blank=True
    )

    class Meta:
        verbose_name = _("veiligheidsteam")
        verbose_name_plural = _("veiligheidsteams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("jeugdprofessional")
    COORDINATOR = "coordinator", _("coördinator")
    EVALUATOR = "evaluator", _("evaluator")
    FUNCTIONAL_ADMIN = "functional_admin", _("functioneel beheerder")
    PRIVACY_OFFICER = "privacy_officer", _("privacy officer")


# The roles that work on cases: only they open cases, take part in one and see its content.
WORKING_ROLES = (Role.PROFESSIONAL, Role.COORDINATOR)


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("actief")
    # Asked by an administrator, not yet confirmed by a coordinator of the team: grants nothing.
    PENDING = "pending", _("wacht op bevestiging")
    REFUSED = "refused", _("geweigerd")


class MembershipQuerySet(models.QuerySet):
    def active(self, on: date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            Q(status=MembershipStatus.ACTIVE), Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gt=on)
        )

    def pending(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.PENDING)


class Membership(models.Model):
    """A user's role for an organisation, in a team (team is empty for region-wide roles)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisatie")
    )
    team = models.ForeignKey(
        SafetyTeam,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("veiligheidsteam"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    start_date = models.DateField(_("startdatum"), default=timezone.localdate)
    # The membership grants nothing from this day on.
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    # Who asked for it and who (a coordinator of the team) confirmed or refused it: the four eyes.
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("aangevraagd door")
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("besloten door")
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["user__username", "team__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "team", "role"],
                condition=Q(end_date__isnull=True, team__isnull=False),
                name="membership_unique_open_in_team",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(end_date__isnull=True, team__isnull=True),
                name="membership_unique_open_regionwide",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(condition=Q(status__in=MembershipStatus.values), name="membership_status_valid"),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        where = self.team or _("regio")
        return f"{self.user} · {self.get_role_display()} · {self.organisation} · {where}"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == MembershipStatus.ACTIVE
            and self.start_date <= on
            and (self.end_date is None or self.end_date > on)
        )


class IdentityProvider(models.Model):
    """An organisation's own OpenID Connect provider: its people sign in with their account there.

    Configured by a functional administrator (partners.admin). It grants nothing by itself: an account
    signing in through it is matched by issuer + subject (security.oidc) and has only the memberships
    given and confirmed here."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider", verbose_name=_("organisatie")
    )
    issuer = models.URLField(
        _("issuer"), max_length=300, unique=True, help_text=_("De issuer-URL van de provider, zonder /.well-known.")
    )
    client_id = models.CharField(_("client-id"), max_length=200)
    client_secret = models.CharField(_("client-secret"), max_length=500)
    allowed_domains = models.CharField(
        _("toegestane e-maildomeinen"),
        max_length=500,
        help_text=_("Gescheiden door spaties, bijvoorbeeld: gemeente.nl veiligthuis.nl"),
    )
    # acr values that count as a second factor, besides an amr that names one (mfa, otp, hwk, ...).
    mfa_acr_values = models.CharField(
        _("acr-waarden met tweede factor"),
        max_length=500,
        blank=True,
        help_text=_("Gescheiden door spaties. Leeg: alleen amr (mfa, otp, hwk …) telt als tweede factor."),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.issuer}"

    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.allowed_domains.replace(",", " ").split() if d.strip()]

    def acr_values(self) -> list[str]:
        return self.mfa_acr_values.replace(",", " ").split()
