"""The site's own secrets: public development defaults, and what makes a value unfit for production.

Read by the settings (production refuses to start without its own value) and by the deploy check
(`safetyteams.checks`). The settings module imports this before Django is set up.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

# The defaults are in this public repository: they only exist so that a fresh checkout starts.
DEV_DEFAULTS = {
    # Django's signing key (sessions, password reset tokens, signed cookies).
    "SECRET_KEY": "insecure-dev-key-only-for-local-use-" + "x" * 20,
    # HMAC key of the evaluators' case pseudonyms: whoever knows it links every pseudonym to its case.
    "PSEUDONYM_SECRET": "dev-only-pseudonym-secret",
    # HMAC key of the access log's hash chain: whoever knows it can rewrite the chain unnoticed.
    "ACCESS_LOG_KEY": "dev-only-access-log-key",
}
# SECRET_KEY as Django's own check (security.W009) wants it; the HMAC keys at least 32 characters.
MIN_LENGTH = {"SECRET_KEY": 50, "PSEUDONYM_SECRET": 32, "ACCESS_LOG_KEY": 32}
PLACEHOLDER_PREFIX = "change-me"  # the values in .env.example


def missing(name: str, value: str) -> bool:
    """Not set: empty, the public development default, or the placeholder copied from .env.example."""
    return not value or value == DEV_DEFAULTS[name] or value.startswith(PLACEHOLDER_PREFIX)


def too_short(name: str, value: str) -> bool:
    return len(value) < MIN_LENGTH[name] or len(set(value)) < 5


def production_secrets(values: dict[str, str], *, debug: bool) -> dict[str, str]:
    """The secrets to use: their own values; the development defaults when debugging; else refuse to start,
    naming every secret that is not set."""
    unset = [name for name, value in values.items() if missing(name, value)]
    if unset and not debug:
        lengths = ", ".join(f"{name} at least {MIN_LENGTH[name]}" for name in unset)
        raise ImproperlyConfigured(
            f"{', '.join(unset)}: not set. With DEBUG=false the site needs its own random value for each "
            f"({lengths} characters, each different from the others); the development defaults are public. "
            "Set them in the environment (for docker compose in .env, see .env.example)."
        )
    return {name: value or DEV_DEFAULTS[name] for name, value in values.items()}
