"""Reads of the security app, always for one user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_otp import devices_for_user

from security.models import UserSession


def sessions_of(user: Any) -> QuerySet[UserSession]:
    """The user's tracked login sessions, most recently active first."""
    return UserSession.objects.filter(user=user).order_by("-last_seen")


def second_factors_of(user: Any) -> dict[str, Any]:
    """What the user has as second factor: authenticator apps and the number of unused backup codes."""
    devices = list(devices_for_user(user, confirmed=True))
    apps = [d for d in devices if type(d).__name__ == "TOTPDevice"]
    backup_codes = sum(d.token_set.count() for d in devices if type(d).__name__ == "StaticDevice")
    return {"apps": apps, "backup_codes": backup_codes}


def local_second_factors(user: Any) -> list[Any]:
    """The account's own confirmed second factors (app, backup codes), not the provider's assertion."""
    return [d for d in devices_for_user(user, confirmed=True) if type(d).__name__ != "ProviderDevice"]
