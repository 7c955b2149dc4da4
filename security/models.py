"""The security log (NEN 7513 fields) and the sessions a user can see and end."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class SecurityAction(models.TextChoices):
    LOGIN = "login", _("ingelogd")
    LOGIN_FAILED = "login_failed", _("inloggen mislukt")
    LOCKED_OUT = "locked_out", _("account tijdelijk geblokkeerd")
    LOGOUT = "logout", _("uitgelogd")
    OTP_VERIFIED = "otp_verified", _("tweede factor gecontroleerd")
    OTP_DEVICE_ADDED = "otp_device_added", _("tweede factor toegevoegd")
    OTP_DEVICE_REMOVED = "otp_device_removed", _("tweede factor verwijderd")
    OTP_BACKUP_CODES_NEW = "otp_backup_codes_new", _("nieuwe back-upcodes")
    OTP_RESET = "otp_reset", _("tweede factor gereset door beheerder")
    ACCESS_DENIED = "access_denied", _("toegang geweigerd")
    SESSION_EXPIRED = "session_expired", _("sessie verlopen")
    SESSION_ENDED = "session_ended", _("sessie beëindigd")
    TOKEN_ISSUED = "token_issued", _("API-token uitgegeven")
    TOKEN_REFUSED = "token_refused", _("API-token geweigerd")
    TOKEN_REVOKED = "token_revoked", _("API-token ingetrokken")
    MEMBERSHIP_CREATED = "membership_created", _("lidmaatschap gegeven")
    MEMBERSHIP_PENDING = "membership_pending", _("lidmaatschap aangevraagd, wacht op bevestiging")
    MEMBERSHIP_CONFIRMED = "membership_confirmed", _("lidmaatschap bevestigd")
    MEMBERSHIP_REFUSED = "membership_refused", _("lidmaatschap geweigerd")
    MEMBERSHIP_ENDED = "membership_ended", _("lidmaatschap beëindigd")
    USER_DEACTIVATED = "user_deactivated", _("account gedeactiveerd")
    PASSWORD_RESET_SENT = "password_reset_sent", _("e-mail voor een nieuw wachtwoord verstuurd")
    PASSWORD_RESET_DONE = "password_reset_done", _("nieuw wachtwoord ingesteld")

    OIDC_SIGN_IN = "oidc_sign_in", _("ingelogd via de organisatie")
    OIDC_SIGN_IN_REFUSED = "oidc_sign_in_refused", _("inloggen via de organisatie geweigerd")
    OIDC_ACCOUNT_WAITING = "oidc_account_waiting", _("account via de organisatie aangemaakt, wacht op lidmaatschap")
    OIDC_SESSION_ENDED = "oidc_session_ended", _("sessie beëindigd: account bij de organisatie geweigerd")

    ACCESS_LOG_ANCHORED = "access_log_anchored", _("toegangslog verankerd")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("gelukt")
    FAILURE = "failure", _("mislukt")
    DENIED = "denied", _("geweigerd")


class AppendOnlyError(RuntimeError):
    pass


class SecurityEvent(models.Model):
    """One line of the security log. Append-only: no updates, no deletes through the ORM."""

    at = models.DateTimeField(_("tijdstip (UTC)"), default=timezone.now, db_index=True)
    # No foreign key: the log outlives the account and must not cascade.
    user_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    organisation = models.CharField(_("organisatie"), max_length=500, blank=True)
    role = models.CharField(_("rol"), max_length=200, blank=True)
    action = models.CharField(_("actie"), max_length=30, choices=SecurityAction.choices)
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=Outcome.choices)
    ip = models.GenericIPAddressField(_("adres"), null=True, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("beveiligingsgebeurtenis")
        verbose_name_plural = _("beveiligingslog")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("SecurityEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("SecurityEvent is append-only")


class UserSession(models.Model):
    """A live login session of a user, so the user (or an administrator) can see and end it."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_sessions")
    created_at = models.DateTimeField(_("ingelogd op"), default=timezone.now)
    last_seen = models.DateTimeField(_("laatst actief"), default=timezone.now)
    ip = models.GenericIPAddressField(_("adres"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sessie")
        verbose_name_plural = _("sessies")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class ExternalIdentity(models.Model):
    """An account's identity at an organisation's provider: issuer + subject, never the e-mail address."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.ForeignKey(
        "partners.IdentityProvider", on_delete=models.SET_NULL, null=True, related_name="identities"
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    # Created at a first sign-in: the (inactive) account waits for a membership given and confirmed.
    awaiting_membership = models.BooleanField(_("wacht op lidmaatschap"), default=False)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    last_sign_in = models.DateTimeField(_("laatst ingelogd"), null=True, blank=True)

    class Meta:
        verbose_name = _("externe identiteit")
        verbose_name_plural = _("externe identiteiten")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.issuer}"


class ProviderDevice(Device):
    """The second factor the organisation's provider asserted (amr/acr) at sign-in.

    Never verifies a code itself: security.oidc logs it in with django_otp.login when the provider's
    ID token names a second factor, so the OTP middleware treats that session as verified."""

    class Meta:
        verbose_name = _("tweede factor van de organisatie")
        verbose_name_plural = _("tweede factoren van de organisatie")

    def verify_token(self, token) -> bool:
        return False
