"""Request-level guards: second factor required, session timeouts, refused access logged, headers."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from security.models import Outcome, SecurityAction
from security.oidc import SESSION_ENDED_BY_PROVIDER, SIGNED_IN_SESSION_KEY, recheck_due, session_still_allowed
from security.selectors import local_second_factors
from security.services import (
    LAST_SEEN_SESSION_KEY,
    LOGIN_AT_SESSION_KEY,
    security_event_record,
    user_session_forget,
    user_session_touch,
    user_sessions_end,
)

# Writing last_seen (and so saving the session) on every request would cost queries each time; a minute
# is precise enough: an idle session ends between 29 and 30 minutes after the last request.
TOUCH_EVERY_SECONDS = 60


def _is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


class SecurityLogMiddleware:
    """Every refused request (401/403) lands in the security log; sensitive pages are not cached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (401, 403):
            security_event_record(
                action=SecurityAction.ACCESS_DENIED,
                outcome=Outcome.DENIED,
                request=request,
                detail={"path": request.path[:300], "method": request.method, "status": response.status_code},
            )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            # Pages for a logged-in user carry case data: never keep them in a (shared) cache.
            patch_cache_control(response, no_store=True, private=True)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_COOKIE_AGE idle seconds or SESSION_ABSOLUTE_SECONDS after login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = time.time()
        login_at = session.get(LOGIN_AT_SESSION_KEY)
        last_seen = session.get(LAST_SEEN_SESSION_KEY, login_at)
        reason = None
        if login_at is None or now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
            reason = "absolute"
        elif last_seen is not None and now - last_seen > settings.SESSION_COOKIE_AGE:
            reason = "idle"
        if reason is not None:
            security_event_record(
                action=SecurityAction.SESSION_EXPIRED,
                outcome=Outcome.SUCCESS,
                request=request,
                detail={"reason": reason, "path": request.path[:300]},
            )
            user_session_forget(session_key=session.session_key)
            session.flush()
            request.user = AnonymousUser()
            messages.info(request, _("Uw sessie is verlopen. Log opnieuw in."))
            return
        if last_seen is None or now - last_seen > TOUCH_EVERY_SECONDS:
            # The only per-request writes, once a minute: the session (sliding expiry) and its row.
            user_session_touch(request=request)
            session[LAST_SEEN_SESSION_KEY] = now


class RequireSecondFactorMiddleware:
    """No page for a logged-in user without a verified second factor, except the way to get one.

    The API (/api/) is guarded by its authentication classes instead (security.api).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_prefixes(self) -> tuple[str, ...]:
        if self._exempt is None:
            names = ["login", "logout", "two_factor:setup", "two_factor:qr", "health", "javascript-catalog"]
            names += ["security:oidc_start", "security:oidc_callback", "security:oidc_totp"]
            static = "/" + settings.STATIC_URL.lstrip("/")
            self._exempt = (*(reverse(name) for name in names), reverse("set_language"), static, "/api/")
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not _is_verified(user) and not request.path.startswith(self.exempt_prefixes()):
            return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        # The provider's assertion (ProviderDevice) is no device of the account's own to log in with.
        has_device = bool(local_second_factors(request.user))
        security_event_record(
            action=SecurityAction.ACCESS_DENIED,
            outcome=Outcome.DENIED,
            request=request,
            detail={"path": request.path[:300], "reason": "second_factor_not_verified"},
        )
        if not has_device:
            return redirect("two_factor:setup")
        # Logged in with a password only (e.g. another login path): start again with both factors.
        user_session_forget(session_key=request.session.session_key)
        request.session.flush()
        return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")


class ProviderSessionMiddleware:
    """A session from the organisation's provider asks it again every OIDC_RECHECK_SECONDS (refresh
    token, else userinfo). Refused: this and every other session of the account end."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        data = request.session.get(SIGNED_IN_SESSION_KEY) if request.user.is_authenticated else None
        if data and recheck_due(data) and not session_still_allowed(request=request):
            user = request.user
            security_event_record(
                action=SecurityAction.OIDC_SESSION_ENDED,
                outcome=Outcome.DENIED,
                request=request,
                user=user,
                detail={"path": request.path[:300]},
            )
            user_sessions_end(user=user, request=request, reason="provider_refused")
            request.session.flush()
            request.user = AnonymousUser()
            messages.error(request, SESSION_ENDED_BY_PROVIDER)
            if request.path.startswith("/api/"):
                return HttpResponse(status=401)
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
