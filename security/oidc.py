"""Sign-in with an organisation's own OpenID Connect provider (Authlib as the client).

One provider per organisation, configured in the database (partners.IdentityProvider), so the client is
built per request from that row rather than from settings. The flow is the authorization-code grant
with PKCE, state and nonce; the ID token is checked against the configured issuer, the client id and
the provider's published keys.

Accounts are matched by issuer + subject only. An unknown person gets an inactive account that waits
for a membership (given by an administrator, confirmed by a coordinator); nothing is granted on the fly.
A second factor the provider asserts (amr/acr) counts as the second factor here (ProviderDevice);
without it, the account's own TOTP is asked. At an interval the session's refresh token is used again:
a provider that refuses it (account disabled or revoked there) ends the local session.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from partners.models import IdentityProvider, Membership
from security.models import ExternalIdentity, Outcome, ProviderDevice, SecurityAction
from security.services import security_event_record

logger = logging.getLogger(__name__)

PENDING_SESSION_KEY = "oidc_pending"  # state, nonce, PKCE verifier of a sign-in under way
SIGNED_IN_SESSION_KEY = "oidc"  # provider id, refresh token, id token (for logout), last check
TOTP_SESSION_KEY = "oidc_totp"  # account that signed in without the provider's second factor

SIGN_IN_FAILED = gettext_lazy("Inloggen via uw organisatie is mislukt. Probeer het opnieuw.")
SIGN_IN_UNKNOWN_DOMAIN = gettext_lazy(
    "Voor dit e-mailadres is geen organisatie met eigen inlog bekend. Log in met uw gebruikersnaam."
)
SIGN_IN_DOMAIN_REFUSED = gettext_lazy("Uw e-mailadres hoort niet bij een domein dat deze organisatie mag gebruiken.")
SIGN_IN_WAITING = gettext_lazy(
    "U bent bij uw organisatie ingelogd, maar hebt hier nog geen toegang. Uw account wacht op een "
    "lidmaatschap dat een beheerder geeft en een coördinator bevestigt."
)
SIGN_IN_ACCOUNT_INACTIVE = gettext_lazy("Dit account is niet actief. Neem contact op met uw beheerder.")
SESSION_ENDED_BY_PROVIDER = gettext_lazy("Uw organisatie heeft uw inlog beëindigd. Log opnieuw in.")

# RFC 8176 methods that are, or include, a second factor.
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk", "sc", "fpt", "face", "iris", "retina", "vbm"})
SCOPES = "openid email profile offline_access"
TIMEOUT_SECONDS = 10
METADATA_CACHE_SECONDS = 3600


class SignInError(Exception):
    """A sign-in that ends here, with the (Dutch) message for the person and a reason for the log."""

    def __init__(self, message: Any, reason: str):
        super().__init__(reason)
        self.message = message
        self.reason = reason


@dataclass
class SignInResult:
    user: Any
    provider: IdentityProvider
    mfa: bool
    token: dict


def active_providers() -> list[IdentityProvider]:
    return list(
        IdentityProvider.objects.filter(is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def provider_for_email(email: str) -> IdentityProvider | None:
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    return next((p for p in active_providers() if domain in p.domains()), None)


def provider_metadata(provider: IdentityProvider) -> dict:
    """The provider's discovery document; its `issuer` must be exactly the configured one."""
    key = f"oidc-metadata:{provider.issuer}"
    metadata = cache.get(key)
    if metadata is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=TIMEOUT_SECONDS)
            response.raise_for_status()
            metadata = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SignInError(SIGN_IN_FAILED, "discovery_failed") from exc
        if metadata.get("issuer") != provider.issuer:
            raise SignInError(SIGN_IN_FAILED, "discovery_issuer_mismatch")
        cache.set(key, metadata, METADATA_CACHE_SECONDS)
    return metadata


def _jwks(metadata: dict) -> Any:
    key = f"oidc-jwks:{metadata['jwks_uri']}"
    keys = cache.get(key)
    if keys is None:
        try:
            response = requests.get(metadata["jwks_uri"], timeout=TIMEOUT_SECONDS)
            response.raise_for_status()
            keys = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SignInError(SIGN_IN_FAILED, "jwks_failed") from exc
        cache.set(key, keys, METADATA_CACHE_SECONDS)
    return KeySet.import_key_set(keys)


def _client(provider: IdentityProvider, redirect_uri: str | None = None) -> OAuth2Session:
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT_SECONDS,
    )


def callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("security:oidc_callback"))


def sign_in_start(*, request: HttpRequest, provider: IdentityProvider, next_url: str = "") -> str:
    """The provider's authorization URL; state, nonce and PKCE verifier wait in the session."""
    metadata = provider_metadata(provider)
    nonce = generate_token(32)
    verifier = generate_token(64)
    url, state = _client(provider, callback_uri(request)).create_authorization_url(
        metadata["authorization_endpoint"], nonce=nonce, code_verifier=verifier
    )
    request.session[PENDING_SESSION_KEY] = {
        "provider": provider.pk,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
    }
    return url


def _refuse(request: HttpRequest, provider: IdentityProvider | None, message: Any, reason: str, **detail) -> NoReturn:
    security_event_record(
        action=SecurityAction.OIDC_SIGN_IN_REFUSED,
        outcome=Outcome.DENIED,
        request=request,
        username=str(detail.pop("username", ""))[:150],
        detail={"issuer": provider.issuer if provider else None, "reason": reason, **detail},
    )
    raise SignInError(message, reason)


ID_TOKEN_ALGORITHMS = ["RS256", "PS256", "ES256"]  # asymmetric only: never "none", never the client secret


def id_token_claims(*, provider: IdentityProvider, id_token: str, nonce: str) -> dict:
    """Checks signature (the provider's published keys), issuer (the configured one), audience,
    authorised party, expiry and nonce."""
    metadata = provider_metadata(provider)
    try:
        token = jwt.decode(id_token, _jwks(metadata), algorithms=ID_TOKEN_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": provider.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise SignInError(SIGN_IN_FAILED, f"id_token_invalid:{getattr(exc, 'error', type(exc).__name__)}") from exc
    claims = dict(token.claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SignInError(SIGN_IN_FAILED, "id_token_invalid:azp")
    return claims


def has_provider_mfa(provider: IdentityProvider, claims: dict) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(MFA_AMR_VALUES.intersection(amr)) or (claims.get("acr") in provider.acr_values())


def sign_in_finish(*, request: HttpRequest, params: dict) -> SignInResult:
    """The provider's redirect back: code for tokens, ID token checked, account matched."""
    pending = request.session.pop(PENDING_SESSION_KEY, None)
    if not pending:
        _refuse(request, None, SIGN_IN_FAILED, "no_sign_in_pending")
    provider = IdentityProvider.objects.filter(pk=pending["provider"], is_active=True).first()
    if provider is None:
        _refuse(request, None, SIGN_IN_FAILED, "provider_inactive")
    if not secrets.compare_digest(str(params.get("state", "")), pending["state"]):
        _refuse(request, provider, SIGN_IN_FAILED, "state_mismatch")
    if params.get("error") or not params.get("code"):
        _refuse(request, provider, SIGN_IN_FAILED, "provider_error", error=str(params.get("error", ""))[:100])
    try:
        metadata = provider_metadata(provider)
        token = _client(provider, callback_uri(request)).fetch_token(
            metadata["token_endpoint"], code=params["code"], code_verifier=pending["verifier"]
        )
        if "id_token" not in token:
            raise SignInError(SIGN_IN_FAILED, "no_id_token")
        claims = id_token_claims(provider=provider, id_token=token["id_token"], nonce=pending["nonce"])
    except SignInError as exc:
        _refuse(request, provider, exc.message, exc.reason)
    except (OAuthError, requests.RequestException, ValueError) as exc:
        _refuse(request, provider, SIGN_IN_FAILED, "token_request_failed", error=str(exc)[:200])
    email = str(claims.get("email") or "").lower()
    if email.rpartition("@")[2] not in provider.domains():
        _refuse(request, provider, SIGN_IN_DOMAIN_REFUSED, "domain_not_allowed", sub=claims["sub"], username=email)
    user = _account_for(request=request, provider=provider, claims=claims)
    token["next"] = pending.get("next", "")
    return SignInResult(user=user, provider=provider, mfa=has_provider_mfa(provider, claims), token=token)


def _new_username(email: str) -> str:
    local = email.partition("@")[0] or "gebruiker"
    return f"{local[:100]}-{secrets.token_hex(4)}"


def _account_for(*, request: HttpRequest, provider: IdentityProvider, claims: dict) -> Any:
    user, refusal = _match_account(request=request, provider=provider, claims=claims)
    if refusal is not None:
        # Raised outside the transaction: a new waiting account and the log lines stay.
        message, reason = refusal
        if reason == "account_waiting_new":
            raise SignInError(message, "account_waiting")
        _refuse(request, provider, message, reason, sub=claims["sub"], username=user.get_username())
    return user


@transaction.atomic
def _match_account(*, request: HttpRequest, provider: IdentityProvider, claims: dict) -> tuple[Any, Any]:
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=provider.issuer, subject=claims["sub"])
        .first()
    )
    if identity is None:
        user = get_user_model()(
            username=_new_username(str(claims.get("email") or "")),
            email=str(claims.get("email") or "")[:254],
            full_name=str(claims.get("name") or "")[:200],
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        ExternalIdentity.objects.create(
            user=user, provider=provider, issuer=provider.issuer, subject=claims["sub"], awaiting_membership=True
        )
        security_event_record(
            action=SecurityAction.OIDC_ACCOUNT_WAITING,
            outcome=Outcome.DENIED,
            request=request,
            user=user,
            detail={"issuer": provider.issuer, "sub": claims["sub"]},
        )
        return user, (SIGN_IN_WAITING, "account_waiting_new")
    user = identity.user
    if not user.is_active and identity.awaiting_membership:
        if not Membership.objects.active().filter(user=user).exists():
            return user, (SIGN_IN_WAITING, "account_waiting")
        # The membership an administrator gave and a coordinator confirmed opens the account.
        user.is_active = True
        user.save(update_fields=["is_active"])
        identity.awaiting_membership = False
    if not user.is_active:
        return user, (SIGN_IN_ACCOUNT_INACTIVE, "account_inactive")
    identity.provider = provider
    identity.last_sign_in = timezone.now()
    identity.save(update_fields=["provider", "last_sign_in", "awaiting_membership"])
    return user, None


def provider_device_for(user: Any, provider: IdentityProvider) -> ProviderDevice:
    device, _created = ProviderDevice.objects.get_or_create(
        user=user, name=f"provider-{provider.pk}", defaults={"confirmed": True}
    )
    return device


def remember_sign_in(*, request: HttpRequest, result: SignInResult) -> None:
    """After the login: what the periodic check and the logout need, and the security log's line."""
    request.session[SIGNED_IN_SESSION_KEY] = {
        "provider": result.provider.pk,
        "refresh_token": result.token.get("refresh_token"),
        "access_token": result.token.get("access_token"),
        "id_token": result.token.get("id_token"),
        "checked_at": time.time(),
    }
    security_event_record(
        action=SecurityAction.OIDC_SIGN_IN,
        outcome=Outcome.SUCCESS,
        request=request,
        user=result.user,
        detail={"issuer": result.provider.issuer, "second_factor": "provider" if result.mfa else "local"},
    )


def recheck_due(session_data: dict) -> bool:
    return time.time() - float(session_data.get("checked_at", 0)) >= settings.OIDC_RECHECK_SECONDS


def session_still_allowed(*, request: HttpRequest) -> bool:
    """Asks the provider again (refresh token, else userinfo). False: the provider refuses the account.

    An unreachable provider counts as a refusal too: access follows the organisation's account, and a
    session that cannot be confirmed is not kept (the person signs in again once it answers)."""
    data = dict(request.session.get(SIGNED_IN_SESSION_KEY) or {})
    provider = IdentityProvider.objects.filter(pk=data.get("provider") or 0, is_active=True).first()
    if provider is None:
        return False
    try:
        metadata = provider_metadata(provider)
        if data.get("refresh_token"):
            token = _client(provider).refresh_token(metadata["token_endpoint"], refresh_token=data["refresh_token"])
            data["refresh_token"] = token.get("refresh_token") or data["refresh_token"]
            data["access_token"] = token.get("access_token")
        else:
            response = requests.get(
                metadata["userinfo_endpoint"],
                headers={"Authorization": f"Bearer {data.get('access_token')}"},
                timeout=TIMEOUT_SECONDS,
            )
            if response.status_code != 200:
                return False
    except (SignInError, OAuthError, requests.RequestException, ValueError, KeyError) as exc:
        logger.info("provider refused the session: %s", exc)
        return False
    data["checked_at"] = time.time()
    request.session[SIGNED_IN_SESSION_KEY] = data
    return True


def end_session_url(*, request: HttpRequest, session_data: dict) -> str | None:
    """The provider's end_session_endpoint with the ID token as hint, if it offers one."""
    provider = IdentityProvider.objects.filter(pk=session_data.get("provider") or 0).first()
    if provider is None:
        return None
    try:
        endpoint = provider_metadata(provider).get("end_session_endpoint")
    except SignInError:
        return None
    if not endpoint:
        return None
    query = {
        "id_token_hint": session_data.get("id_token") or "",
        "client_id": provider.client_id,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{endpoint}?{urlencode(query)}"
