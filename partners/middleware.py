"""Per-request reads about the logged-in user (memberships), read once and reused by the selectors."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from partners.selectors import REQUEST_CACHE_ATTR


def _with_request_cache(user):
    setattr(user, REQUEST_CACHE_ATTR, {})  # through the lazy object: lands on the loaded user
    return user._wrapped if isinstance(user, SimpleLazyObject) else user


class RequestCacheMiddleware:
    """Gives the request's user object an empty cache; it goes away with the request. Lazy: a request
    that never looks at its user (static files, health) loads nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(lambda: _with_request_cache(user))
        return self.get_response(request)
