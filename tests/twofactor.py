"""Logging in for tests: `client.force_login` alone reaches no protected page since the second factor."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def login_verified(client, user):
    """Log `user` in on `client` with a confirmed TOTP device, as after a complete two-step login."""
    device = TOTPDevice.objects.filter(user=user, name="default", confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


def totp_code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the device's app shows now (offset in time steps)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + offset)
    return f"{code:0{device.digits}d}"
