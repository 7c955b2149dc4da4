"""The login's second step in Dutch (two_factor's forms say "Token" and django-otp answers in
English), and the one check of where a login may lead afterwards."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

CODE_REQUIRED = _("Vul de verificatiecode in.")
CODE_SHAPE = _("De verificatiecode bestaat uit zes cijfers.")
CODE_WRONG = _("Deze verificatiecode klopt niet. Kijk in uw authenticator-app en probeer het opnieuw.")
BACKUP_CODE_WRONG = _("Deze back-upcode klopt niet of is al gebruikt.")

# django-otp's messages, in Dutch; the keys are django-otp's (OTPAuthenticationFormMixin).
OTP_ERRORS_NL = {
    "token_required": CODE_REQUIRED,
    "challenge_exception": _("Er kon geen code worden verstuurd: {0}"),
    "not_interactive": _("Dit apparaat kan geen code sturen."),
    "challenge_message": _("Code verstuurd: {0}"),
    "invalid_token": CODE_WRONG,
    "n_failed_attempts": ngettext_lazy(
        "Na %(failure_count)d verkeerde code kunt u het even niet opnieuw proberen. Probeer het zo weer.",
        "Na %(failure_count)d verkeerde codes kunt u het even niet opnieuw proberen. Probeer het zo weer.",
        "failure_count",
    ),
    "verification_not_allowed": _("Controle van de code is nu niet mogelijk. Probeer het zo weer."),
    "device_required": _("Kies een apparaat."),
}


def code_form_in_dutch(form, *, backup: bool = False):
    """Label and answer the second step's code field in Dutch, whichever form two_factor picked for the
    user's device (it sets the token form per device, so the form is adjusted, not replaced)."""
    form.otp_error_messages = {**OTP_ERRORS_NL, "invalid_token": BACKUP_CODE_WRONG} if backup else OTP_ERRORS_NL
    field = form.fields.get("otp_token")
    if field is None:
        return form
    if backup:
        field.label = _("Back-upcode")
        field.error_messages.update(required=_("Vul een back-upcode in."))
    else:
        field.label = _("Verificatiecode")
        field.help_text = _("De zes cijfers die uw authenticator-app nu toont.")
        field.error_messages.update(
            required=CODE_REQUIRED, invalid=CODE_SHAPE, min_length=CODE_SHAPE, max_length=CODE_SHAPE
        )
        field.widget.attrs["inputmode"] = "numeric"
    # The length validators carry their own (English-capable) messages: answer with ours.
    for validator in field.validators:
        if getattr(validator, "code", "") in ("min_length", "max_length", "invalid"):
            validator.message = CODE_SHAPE if not backup else validator.message
    return form


def safe_next(target: str, *, request) -> str:
    """`target` when it is a path on this site ("/zaken/12/?tijdlijn=2"); otherwise "" (the start page).
    Refused: other hosts, scheme-relative "//host", backslashes browsers read as slashes, schemes."""
    if not target or not target.startswith("/") or "\\" in target or any(ord(c) < 32 for c in target):
        return ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""
