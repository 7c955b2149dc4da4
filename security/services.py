"""Writes of the security app: the security log, login sessions, second factors and API tokens."""

from __future__ import annotations

import json
import logging
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, user_has_device
from knox.models import AuthToken

from partners.selectors import administers_user
from security.models import Outcome, SecurityAction, SecurityEvent, UserSession

# A second channel for the same lines, so operations can ship them to a separate log store.
logger = logging.getLogger("security")

LOGIN_AT_SESSION_KEY = "security_login_at"
LAST_SEEN_SESSION_KEY = "security_last_seen"

PASSWORD_RESET_NOT_ADMINISTERED = gettext_lazy("U beheert dit account niet.")
RESET_MAIL_SUBJECT_TEMPLATE = "security/password_reset_subject.txt"
RESET_MAIL_BODY_TEMPLATE = "security/password_reset_email.txt"


def client_ip(request: HttpRequest | None) -> str | None:
    """The request address as the lockout sees it (see AXES_IPWARE_* in settings)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or None


def _acting_for(user: Any) -> tuple[str, str]:
    """Organisations and roles the user acts for now (active memberships), for the log line."""
    from partners.selectors import active_memberships

    memberships = active_memberships(user)  # read once per request, shared with the pages
    organisations = sorted({m.organisation.name for m in memberships})
    roles = sorted({m.role for m in memberships})
    return ", ".join(organisations)[:500], ", ".join(roles)[:200]


def security_event_record(
    *,
    action: str,
    outcome: str,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one line to the security log: time (UTC), who, acting for whom, what, outcome, address."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    organisation = role = ""
    if user is not None and getattr(user, "pk", None):
        organisation, role = _acting_for(user)
        username = username or user.get_username()
    event = SecurityEvent.objects.create(
        user_id=getattr(user, "pk", None),
        username=(username or "")[:150],
        organisation=organisation,
        role=role,
        action=action,
        outcome=outcome,
        ip=client_ip(request),
        detail=detail or {},
    )
    logger.info(
        json.dumps(
            {
                "at": event.at.isoformat(),
                "user_id": event.user_id,
                "username": event.username,
                "organisation": organisation,
                "role": role,
                "action": action,
                "outcome": outcome,
                "ip": event.ip,
                "detail": event.detail,
            },
            default=str,
        )
    )
    return event


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_session_start(*, request: HttpRequest, user: Any) -> UserSession | None:
    """Remember a fresh login session; marks its login time for the absolute timeout."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    now = timezone.now()
    session[LOGIN_AT_SESSION_KEY] = now.timestamp()
    session[LAST_SEEN_SESSION_KEY] = now.timestamp()
    if session.session_key is None:
        session.save()
    user_session, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen": now,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    return user_session


def user_session_touch(*, request: HttpRequest) -> None:
    """Keep last_seen of the current session row roughly current (at most one write a minute)."""
    session_key = request.session.session_key
    if session_key is None:
        return
    updated = UserSession.objects.filter(session_key=session_key).update(
        last_seen=timezone.now(), ip=client_ip(request)
    )
    if not updated:
        # The key was cycled (e.g. password change) or the session predates tracking.
        UserSession.objects.create(
            session_key=session_key,
            user=request.user,  # type: ignore[misc]  # a session with a key belongs to a user
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )


def user_session_forget(*, session_key: str | None) -> None:
    """The session ended normally (logout): drop its row."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def user_session_end(
    *, user_session: UserSession, actor: Any, request: HttpRequest | None = None, reason: str = "ended"
) -> None:
    """End one session of a user: the owner or an administrator only."""
    if actor.pk != user_session.user_id and not administers_user(actor, user_session.user):
        raise PermissionDenied(_("U mag deze sessie niet beëindigen."))
    _session_store()().delete(user_session.session_key)
    security_event_record(
        action=SecurityAction.SESSION_ENDED,
        outcome=Outcome.SUCCESS,
        request=request,
        user=user_session.user,
        detail={"reason": reason, "by": actor.get_username(), "sessions": 1},
    )
    user_session.delete()


@transaction.atomic
def user_sessions_end(
    *,
    user: Any,
    actor: Any = None,
    request: HttpRequest | None = None,
    reason: str = "ended",
    keep_session_key: str | None = None,
) -> int:
    """End every session of `user` at once (deactivation, membership end, reset); returns how many."""
    rows = UserSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store().delete(key)
    rows.delete()
    security_event_record(
        action=SecurityAction.SESSION_ENDED,
        outcome=Outcome.SUCCESS,
        request=request,
        user=user,
        detail={"reason": reason, "by": actor.get_username() if actor else "system", "sessions": len(keys)},
    )
    return len(keys)


@transaction.atomic
def otp_devices_reset(*, user: Any, actor: Any, request: HttpRequest | None = None) -> int:
    """An administrator removes all second factors of `user`: sessions and tokens end too."""
    if not administers_user(actor, user):
        raise PermissionDenied(_("Alleen een beheerder mag de tweede factor resetten."))
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    security_event_record(
        action=SecurityAction.OTP_RESET,
        outcome=Outcome.SUCCESS,
        request=request,
        user=user,
        detail={"by": actor.get_username(), "devices": len(devices)},
    )
    api_tokens_revoke(user=user, actor=actor, request=request)
    user_sessions_end(user=user, actor=actor, request=request, reason="otp_reset")
    return len(devices)


def api_token_issue(*, user: Any, actor: Any = None, request: HttpRequest | None = None) -> str:
    """A new API token for an active user with a confirmed second factor; returns the token once."""
    by = actor.get_username() if actor else "manage.py"
    if not user.is_active or not user_has_device(user, confirmed=True):
        security_event_record(
            action=SecurityAction.TOKEN_REFUSED,
            outcome=Outcome.DENIED,
            request=request,
            user=user,
            detail={"by": by, "reason": "inactive" if not user.is_active else "no_second_factor"},
        )
        raise PermissionDenied(_("Een API-token krijgt alleen een actieve gebruiker met tweestapsverificatie."))
    with transaction.atomic():
        instance, token = AuthToken.objects.create(user=user)
        security_event_record(
            action=SecurityAction.TOKEN_ISSUED,
            outcome=Outcome.SUCCESS,
            request=request,
            user=user,
            detail={"by": by, "token_key": instance.token_key, "expiry": str(instance.expiry)},
        )
    return token


@transaction.atomic
def api_tokens_revoke(*, user: Any, actor: Any = None, request: HttpRequest | None = None) -> int:
    """Revoke every API token of `user`; returns how many."""
    tokens = AuthToken.objects.filter(user=user)
    keys = list(tokens.values_list("token_key", flat=True))
    tokens.delete()
    security_event_record(
        action=SecurityAction.TOKEN_REVOKED,
        outcome=Outcome.SUCCESS,
        request=request,
        user=user,
        detail={"by": actor.get_username() if actor else "manage.py", "token_keys": keys},
    )
    return len(keys)


def password_reset_send(*, user: Any, actor: Any, request: HttpRequest) -> bool:
    """Mail `user` a one-time link to choose a new password (Django's reset tokens: the link stops working
    once the password changed, and after PASSWORD_RESET_TIMEOUT). No administrator sees or sets a password.

    Returns False (and sends nothing) for an inactive account or one without an e-mail address. The mail
    leaves after the transaction commits, so a rolled-back request sends nothing."""
    if not administers_user(actor, user):
        raise PermissionDenied(PASSWORD_RESET_NOT_ADMINISTERED)
    sent = bool(user.is_active and user.email)
    security_event_record(
        action=SecurityAction.PASSWORD_RESET_SENT,
        outcome=Outcome.SUCCESS if sent else Outcome.FAILURE,
        request=request,
        user=user,
        detail={"by": actor.get_username(), **({} if sent else {"reason": "inactive_or_no_email"})},
    )
    if not sent:
        return False
    path = reverse(
        "security:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    valid_days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context = {"user": user, "reset_url": request.build_absolute_uri(path), "valid_days": valid_days}
    transaction.on_commit(
        lambda: PasswordResetForm().send_mail(
            RESET_MAIL_SUBJECT_TEMPLATE, RESET_MAIL_BODY_TEMPLATE, context, None, user.email
        )
    )
    return True


# What a destroyed case's paths in the security log become (migration 0006 lets exactly this through).
TOMBSTONE_PATH = "vernietigd"


def security_log_tombstone(*, path_pattern: str) -> int:
    """Replace the request paths matching `path_pattern` (a regular expression; the caller knows its
    own URLs) by a tombstone, keeping every row and every other detail. Returns the count."""
    count = 0
    rows = SecurityEvent.objects.filter(detail__path__regex=path_pattern).exclude(detail__has_key="tombstone")
    for pk, detail in rows.values_list("pk", "detail").iterator():
        # QuerySet.update, not save(): the model refuses saves of existing rows; the trigger checks this one.
        SecurityEvent.objects.filter(pk=pk).update(detail={**detail, "path": TOMBSTONE_PATH, "tombstone": True})
        count += 1
    return count
