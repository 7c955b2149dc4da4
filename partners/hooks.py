"""What other apps do when partners changes who may do what: a registry, so partners imports none of them.

partners is the bottom layer (partners <- security <- cases <- workflows) and must not import the apps
above it. They register callbacks here from their `AppConfig.ready()`; partners' services fire them.

Events (callbacks take keyword arguments only; `actor` is None for the system, `request` may be None):
- `on_membership_changed(cb)`: cb(membership=, change=MembershipChange, actor=, request=) after every write
  of a membership: created active, created pending, confirmed, refused, ended. security logs each one.
- `on_membership_ended(cb)`: cb(membership=, actor=, request=) when a membership stops granting: it got an
  end date (`membership.end_date`; it may lie in the future) or was otherwise taken out of use. security
  ends the user's sessions; cases will end the participations that rested on it.
- `on_user_deactivated(cb)`: cb(user=, actor=, request=) when an account is switched off. security ends
  its sessions and API tokens.

When they run: at once, in registration order, *inside* the transaction of the service that fires them
(every service in partners.services is atomic). On purpose, not on_commit: the callbacks end sessions,
revoke tokens, end participations and write log rows, which are database writes that must stand or fall
with the change that caused them. If the change rolls back, they roll back with it; if a callback fails,
the change rolls back (never an ended membership whose session lives on, nor a log line for a change that
did not happen). on_commit would leave a moment, or for ever if the process dies, in which the change is
committed and its consequences are not. A callback that reaches outside the database (mail, Celery) defers
that part itself with `transaction.on_commit` / `delay_on_commit`.

Registering the same callback twice registers it once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from django.http import HttpRequest

    from partners.models import Membership, User


class MembershipChange(StrEnum):
    CREATED = "created"  # active at once (e.g. a coordinator adds a professional to their own team)
    PENDING = "pending"  # asked by an administrator, waits for a coordinator of the team
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    ENDED = "ended"


class MembershipChangedCallback(Protocol):
    def __call__(
        self,
        *,
        membership: Membership,
        change: MembershipChange,
        actor: User | None,
        request: HttpRequest | None,
    ) -> None: ...


class MembershipEndedCallback(Protocol):
    def __call__(self, *, membership: Membership, actor: User | None, request: HttpRequest | None) -> None: ...


class UserDeactivatedCallback(Protocol):
    def __call__(self, *, user: User, actor: User | None, request: HttpRequest | None) -> None: ...


@dataclass
class Registry:
    membership_changed: list[MembershipChangedCallback] = field(default_factory=list)
    membership_ended: list[MembershipEndedCallback] = field(default_factory=list)
    user_deactivated: list[UserDeactivatedCallback] = field(default_factory=list)


REGISTRY = Registry()

C = TypeVar("C", bound=Callable[..., Any])


def _add(callbacks: list, callback: C) -> C:
    if callback not in callbacks:
        callbacks.append(callback)
    return callback


def on_membership_changed(callback: C) -> C:
    return _add(REGISTRY.membership_changed, callback)


def on_membership_ended(callback: C) -> C:
    return _add(REGISTRY.membership_ended, callback)


def on_user_deactivated(callback: C) -> C:
    return _add(REGISTRY.user_deactivated, callback)


# Fired by partners.services only, inside their transaction.


def membership_changed(
    *, membership: Membership, change: MembershipChange, actor: User | None, request: HttpRequest | None = None
) -> None:
    for callback in list(REGISTRY.membership_changed):
        callback(membership=membership, change=change, actor=actor, request=request)


def membership_ended(*, membership: Membership, actor: User | None, request: HttpRequest | None = None) -> None:
    for callback in list(REGISTRY.membership_ended):
        callback(membership=membership, actor=actor, request=request)


def user_deactivated(*, user: User, actor: User | None, request: HttpRequest | None = None) -> None:
    for callback in list(REGISTRY.user_deactivated):
        callback(user=user, actor=actor, request=request)
