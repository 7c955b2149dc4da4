"""The pages of a sign-in with the organisation's provider: start, the way back, the local code, logout."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from partners.models import IdentityProvider
from security.digits import parse_id
from security.models import Outcome, SecurityAction
from security.oidc import (
    SIGN_IN_FAILED,
    SIGN_IN_UNKNOWN_DOMAIN,
    SIGNED_IN_SESSION_KEY,
    TOTP_SESSION_KEY,
    SignInError,
    SignInResult,
    end_session_url,
    provider_device_for,
    provider_for_email,
    remember_sign_in,
    sign_in_finish,
    sign_in_start,
)
from security.selectors import local_second_factors
from security.services import security_event_record

BACKEND = "django.contrib.auth.backends.ModelBackend"
TOTP_WRONG = gettext_lazy("De code klopt niet. Probeer het opnieuw.")
TOTP_EXPIRED = gettext_lazy("Het inloggen duurde te lang. Begin opnieuw.")


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _go_to(request: HttpRequest, url: str, *, title: str) -> HttpResponse:
    """Leaves the site for the provider by a meta refresh (with a link): a redirect answering a form
    would be held against the login page's Content-Security-Policy form-action 'self'."""
    return render(request, "security/oidc_redirect.html", {"target": url, "title": title})


@require_GET
def oidc_start(request: HttpRequest) -> HttpResponse:
    """?organisatie=<id> (a link on the login page) or ?email=<address> (recognised by its domain)."""
    provider = None
    if request.GET.get("organisatie"):
        pk = parse_id(request.GET["organisatie"])
        provider = (
            IdentityProvider.objects.filter(pk=pk, is_active=True, organisation__is_active=True).first()
            if pk is not None
            else None
        )
    elif request.GET.get("email"):
        provider = provider_for_email(request.GET["email"][:254])
    if provider is None:
        messages.error(request, SIGN_IN_UNKNOWN_DOMAIN)
        return redirect("login")
    try:
        url = sign_in_start(request=request, provider=provider, next_url=request.GET.get("next", "")[:500])
    except SignInError as exc:
        messages.error(request, exc.message)
        return redirect("login")
    return _go_to(request, url, title=_("Door naar %(organisation)s") % {"organisation": provider.organisation})


def _log_in(request: HttpRequest, result: SignInResult, device=None) -> None:
    user = result.user
    user.otp_device = device  # the login line in the security log names the second factor
    auth_login(request, user, backend=BACKEND)
    if device is not None:
        otp_login(request, device)
    remember_sign_in(request=request, result=result)


def _token_for_session(result: SignInResult) -> dict:
    return {k: result.token.get(k) for k in ("access_token", "refresh_token", "id_token", "next")}


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    try:
        result = sign_in_finish(request=request, params=request.GET.dict())
    except SignInError as exc:
        return render(request, "security/oidc_refused.html", {"message": exc.message}, status=403)
    next_url = _safe_next(request, result.token.get("next", ""))
    if result.mfa:
        _log_in(request, result, provider_device_for(result.user, result.provider))
        return redirect(next_url)
    if local_second_factors(result.user):
        request.session[TOTP_SESSION_KEY] = {
            "user": result.user.pk,
            "provider": result.provider.pk,
            "token": _token_for_session(result),
            "at": time.time(),
        }
        return redirect("security:oidc_totp")
    # No second factor from the provider and none of its own: logged in, but only to set one up
    # (security.middleware.RequireSecondFactorMiddleware allows nothing else).
    _log_in(request, result)
    return redirect("two_factor:setup")


@require_http_methods(["GET", "POST"])
def oidc_totp(request: HttpRequest) -> HttpResponse:
    """The provider asserted no second factor: the account's own authenticator code is asked."""
    pending = request.session.get(TOTP_SESSION_KEY)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_LOGIN_TIMEOUT:
        request.session.pop(TOTP_SESSION_KEY, None)
        messages.error(request, TOTP_EXPIRED)
        return redirect("login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    provider = IdentityProvider.objects.filter(pk=pending["provider"], is_active=True).first()
    if user is None or provider is None:
        request.session.pop(TOTP_SESSION_KEY, None)
        messages.error(request, SIGN_IN_FAILED)
        return redirect("login")
    error = ""
    if request.method == "POST":
        code = request.POST.get("otp_token", "").strip()[:16]
        device = next((d for d in local_second_factors(user) if code and d.verify_token(code)), None)
        if device is not None:
            del request.session[TOTP_SESSION_KEY]
            result = SignInResult(user=user, provider=provider, mfa=False, token=pending["token"])
            _log_in(request, result, device)
            return redirect(_safe_next(request, pending["token"].get("next") or ""))
        security_event_record(
            action=SecurityAction.LOGIN_FAILED,
            outcome=Outcome.FAILURE,
            request=request,
            user=user,
            detail={"step": "token", "issuer": provider.issuer},
        )
        error = str(TOTP_WRONG)
    return render(request, "security/oidc_totp.html", {"error": error, "organisation": provider.organisation})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Ends the local session; then the provider's, where it offers an end_session_endpoint."""
    signed_in = request.session.get(SIGNED_IN_SESSION_KEY)
    target = end_session_url(request=request, session_data=signed_in) if signed_in else None
    auth_logout(request)
    if target:
        return _go_to(request, target, title=_("Uitloggen bij uw organisatie"))
    return redirect(settings.LOGOUT_REDIRECT_URL)
