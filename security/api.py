"""API guards: session only when verified with a second factor, tokens only for 2FA users, per-token throttle."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts for the API only after the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if not getattr(user, "is_verified", lambda: False)():
            return None
        return user, auth


class SecondFactorTokenAuthentication(TokenAuthentication):
    """A knox token opens the API only while its user still has a confirmed second factor."""

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        if not user_has_device(user, confirmed=True):
            raise exceptions.AuthenticationFailed(_("Dit account heeft geen tweestapsverificatie meer."))
        return user, auth_token


class TokenRateThrottle(SimpleRateThrottle):
    """Rate limit per API token (per user for sessions, per address for anonymous callers)."""

    scope = "api"

    def get_rate(self) -> str | None:
        # Read at request time so a deployment (or a test) can change it without reloading DRF settings.
        return settings.API_THROTTLE_RATE or None

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, AuthToken):
            ident = f"token-{request.auth.token_key}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class MethodCheckedFirst:
    """A method the endpoint does not have answers 405 before anything else runs (DRF checks the
    permissions first): no access-log row and no permission check for a request that does nothing."""

    http_method_names: list[str]

    def initial(self, request: Request, *args, **kwargs) -> None:
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
