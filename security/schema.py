"""OpenAPI descriptions of our API authentication classes (same schemes as knox and session)."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class SecondFactorTokenScheme(KnoxTokenScheme):
    target_class = "security.api.SecondFactorTokenAuthentication"


class VerifiedSessionScheme(SessionScheme):
    target_class = "security.api.VerifiedSessionAuthentication"
