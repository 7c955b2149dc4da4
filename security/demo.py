"""Second factors for the fictional demo users, with a known secret so the demo (and its tests) can log in.

Never use this outside the demo: everyone who reads the README can compute the codes.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import User

# Base32 as an authenticator app wants it; documented in README.md.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - public on purpose, demo only
# two_factor asks for the code of the device named "default" at login.
DEMO_DEVICE_NAME = "default"


def demo_totp_key_hex() -> str:
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def seed_demo_devices(*, usernames: Iterable[str]) -> int:
    """Give each demo user a confirmed TOTP device with the demo secret (idempotent); returns how many exist."""
    key = demo_totp_key_hex()
    count = 0
    for user in User.objects.filter(username__in=list(usernames)):
        TOTPDevice.objects.get_or_create(user=user, name=DEMO_DEVICE_NAME, defaults={"key": key, "confirmed": True})
        count += 1
    return count
