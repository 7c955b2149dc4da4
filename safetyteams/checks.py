"""Deploy checks of the site's own secrets (`manage.py check --deploy`): set, long enough, not shared."""

from __future__ import annotations

from itertools import combinations

from django.conf import settings
from django.core.checks import Error, Tags, register

from safetyteams.deploy_secrets import DEV_DEFAULTS, MIN_LENGTH, missing, too_short

HINT = "Set a random value of its own in the environment (for docker compose in .env, see .env.example)."


@register(Tags.security, deploy=True)
def check_secrets(app_configs=None, **kwargs) -> list[Error]:
    """Each secret: not missing, not the public default, long enough; no two the same."""
    errors = []
    values = {name: getattr(settings, name, "") or "" for name in DEV_DEFAULTS}
    for name, value in values.items():
        if missing(name, value):
            errors.append(
                Error(
                    f"{name} is not set: the public development default (or the .env.example placeholder) is in use.",
                    hint=HINT,
                    id="safetyteams.E001",
                )
            )
        elif too_short(name, value):
            errors.append(
                Error(
                    f"{name} is too short: use at least {MIN_LENGTH[name]} random characters.",
                    hint=HINT,
                    id="safetyteams.E002",
                )
            )
    for (a, value_a), (b, value_b) in combinations(values.items(), 2):
        if value_a and value_a == value_b:
            errors.append(
                Error(f"{a} and {b} are the same: each secret needs its own value.", hint=HINT, id="safetyteams.E003")
            )
    return errors
