"""API guards: session only when verified with a second factor, tokens only for 2FA users, per-token throttle,
and request bodies bounded in size and JSON depth before they are parsed."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, MethodNotAllowed, ParseError
from rest_framework.parsers import FormParser, JSONParser, get_encoding
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from security.json_input import JSONInputError, loads_bounded, max_body_bytes, too_large_message


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


class BodyTooLarge(APIException):
    status_code = 413
    default_code = "too_large"


def _read_bounded(stream) -> bytes:
    """The body, or BodyTooLarge past API_MAX_BODY_BYTES (one byte more is read to tell, never the rest)."""
    limit = max_body_bytes()
    raw = stream.read(limit + 1) if stream is not None else b""
    if len(raw) > limit:
        raise BodyTooLarge(too_large_message(limit))
    return raw


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the body's size and nesting bounded before parsing (security.json_input):
    413 past API_MAX_BODY_BYTES, 400 past API_MAX_JSON_DEPTH or for malformed JSON, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = _read_bounded(stream)
        try:
            text = raw.decode(get_encoding(parser_context or {}))
            return loads_bounded(text)
        except UnicodeDecodeError as exc:
            raise ParseError(_("De invoer is geen tekst in de opgegeven tekenset.")) from exc
        except JSONInputError as exc:
            raise ParseError(exc.message) from exc


class BoundedFormParser(FormParser):
    """A url-encoded form body, bounded in size like a JSON one (DRF reads the stream past Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE check)."""

    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(io.BytesIO(_read_bounded(stream)), media_type, parser_context)
