"""Auth, lockout and second-factor signals, and partners' hooks -> the security log, sessions and tokens.
Wired in SecurityConfig.ready()."""

from __future__ import annotations

from typing import Any

from partners.hooks import MembershipChange
from security.models import Outcome, SecurityAction
from security.services import (
    api_tokens_revoke,
    security_event_record,
    user_session_forget,
    user_session_start,
    user_sessions_end,
)

MEMBERSHIP_ACTIONS = {
    MembershipChange.CREATED: SecurityAction.MEMBERSHIP_CREATED,
    MembershipChange.PENDING: SecurityAction.MEMBERSHIP_PENDING,
    MembershipChange.CONFIRMED: SecurityAction.MEMBERSHIP_CONFIRMED,
    MembershipChange.REFUSED: SecurityAction.MEMBERSHIP_REFUSED,
    MembershipChange.ENDED: SecurityAction.MEMBERSHIP_ENDED,
}


def _by(actor: Any) -> str:
    return actor.get_username() if actor is not None else "system"


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    device = getattr(user, "otp_device", None)
    user_session_start(request=request, user=user)
    security_event_record(
        action=SecurityAction.LOGIN,
        outcome=Outcome.SUCCESS,
        request=request,
        user=user,
        detail={"second_factor": type(device).__name__ if device else None},
    )


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    user_session_forget(session_key=session.session_key if session is not None else None)
    if user is not None:
        security_event_record(action=SecurityAction.LOGOUT, outcome=Outcome.SUCCESS, request=request, user=user)


def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # Credentials arrive cleansed (password masked); only the username is kept.
    security_event_record(
        action=SecurityAction.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        request=request,
        username=str(credentials.get("username") or ""),
        detail={"step": "password"},
    )


def on_locked_out(sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kw) -> None:
    security_event_record(
        action=SecurityAction.LOCKED_OUT,
        outcome=Outcome.DENIED,
        request=request,
        username=username or "",
        detail={"ip_address": ip_address},
    )


def on_user_verified(sender: Any, request: Any, user: Any, device: Any, **kwargs: Any) -> None:
    security_event_record(
        action=SecurityAction.OTP_VERIFIED,
        outcome=Outcome.SUCCESS,
        request=request,
        user=user,
        detail={"device": type(device).__name__},
    )


def on_device_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        security_event_record(
            action=SecurityAction.OTP_DEVICE_ADDED,
            outcome=Outcome.SUCCESS,
            user=instance.user,
            detail={"device": sender.__name__, "name": instance.name, "confirmed": instance.confirmed},
        )


def on_device_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    security_event_record(
        action=SecurityAction.OTP_DEVICE_REMOVED,
        outcome=Outcome.SUCCESS,
        user=instance.user,
        detail={"device": sender.__name__, "name": instance.name},
    )


# partners.hooks: run inside the partners service's transaction (see partners/hooks.py).


def on_membership_changed(*, membership: Any, change: MembershipChange, actor: Any, request: Any) -> None:
    """Every grant, request, confirmation, refusal and end of a membership: one line, about its user."""
    security_event_record(
        action=MEMBERSHIP_ACTIONS[change],
        outcome=Outcome.SUCCESS,
        request=request,
        user=membership.user,
        detail={
            "by": _by(actor),
            "membership": membership.pk,
            "role": membership.role,
            "organisation": membership.organisation.name,
            "team": membership.team.name if membership.team_id else None,
            "status": membership.status,
            "end_date": membership.end_date.isoformat() if membership.end_date else None,
        },
    )


def on_membership_ended(*, membership: Any, actor: Any, request: Any) -> None:
    # Rights changed: the user logs in again rather than keep a session from before.
    user_sessions_end(user=membership.user, actor=actor, request=request, reason="membership_end")


def on_user_deactivated(*, user: Any, actor: Any, request: Any) -> None:
    """A switched-off account loses every session and API token at once, not at its next request."""
    security_event_record(
        action=SecurityAction.USER_DEACTIVATED,
        outcome=Outcome.SUCCESS,
        request=request,
        user=user,
        detail={"by": _by(actor)},
    )
    api_tokens_revoke(user=user, actor=actor, request=request)
    user_sessions_end(user=user, actor=actor, request=request, reason="deactivated")
