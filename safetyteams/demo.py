"""The demo's start banner: where it runs, every demo login with its role, the password and the TOTP
secret (all public on purpose, README; fictional data only). Printed last by `seed_demo` and by
`make run` once the web server answers."""

from __future__ import annotations

from django.conf import settings

from partners.demo import demo_logins
from security.demo import DEMO_TOTP_SECRET


def demo_banner(url: str = "http://127.0.0.1:8000/") -> str:
    """The address, every demo login with its role and the one TOTP secret, to read at a glance."""
    logins = demo_logins()
    width = max(len(username) for username, _role in logins)
    lines = [
        "",
        "=" * 72,
        f"Veiligheidsteam (fictieve demo): {url}",
        f"Wachtwoord voor elke demo-login: {settings.DEMO_PASSWORD}",
        f"TOTP-geheim (authenticator-app) voor elke demo-login: {DEMO_TOTP_SECRET}",
        "Demo-logins:",
    ]
    lines += [f"  {username.ljust(width)}  {role}" for username, role in logins]
    lines += ["=" * 72, ""]
    return "\n".join(lines)
