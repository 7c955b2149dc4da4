"""Production refuses to start without its own secrets, and `check --deploy` names a missing, default,
short or shared one."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from safetyteams.deploy_secrets import DEV_DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("SECRET_KEY", "PSEUDONYM_SECRET", "ACCESS_LOG_KEY")
GOOD = {
    "SECRET_KEY": "prod-like-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "PSEUDONYM_SECRET": "prod-like-pseudonym-key-0123456789-abcdef",
    "ACCESS_LOG_KEY": "prod-like-access-log-key-0123456789-abcdef",
}


def run_production(code: str, **secrets) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter with DEBUG=false and only the given secrets in the environment."""
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for this process; production never has it.
    dropped = {*SECRETS, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="safetyteams.settings", DEBUG="false", ALLOWED_HOSTS="vt.example.org", **secrets)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("absent", SECRETS)
def test_production_settings_refuse_to_start_without_each_secret(absent):
    given = {name: value for name, value in GOOD.items() if name != absent}
    result = run_production("import safetyteams.settings", **given)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.split(":")[1].strip() == absent, message  # names the one that is missing, only that one


@pytest.mark.parametrize("name", SECRETS)
@pytest.mark.parametrize("kind", ["development default", "env example placeholder", "empty"])
def test_production_settings_refuse_a_public_or_empty_value(name, kind):
    value = {"development default": DEV_DEFAULTS[name], "env example placeholder": "change-me-please", "empty": ""}[
        kind
    ]
    result = run_production("import safetyteams.settings", **{**GOOD, name: value})
    assert result.returncode != 0 and f"{name}: not set" in result.stderr


def test_production_settings_start_with_all_three_and_the_deploy_check_is_clean():
    result = run_production(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        **GOOD,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def deploy_errors(settings, **values) -> dict[str, str]:
    for name, value in values.items():
        setattr(settings, name, value)
    return {e.id: e.msg for e in run_checks(include_deployment_checks=True) if e.id.startswith("safetyteams.")}


@pytest.mark.parametrize("name", SECRETS)
def test_the_deploy_check_names_a_secret_left_at_its_default(settings, name):
    errors = deploy_errors(settings, **{**GOOD, name: DEV_DEFAULTS[name]})
    assert list(errors) == ["safetyteams.E001"] and errors["safetyteams.E001"].startswith(f"{name} is not set")


@pytest.mark.parametrize("name", SECRETS)
def test_the_deploy_check_names_a_secret_that_is_too_short(settings, name):
    errors = deploy_errors(settings, **{**GOOD, name: "kort-maar-eigen-1"})
    assert list(errors) == ["safetyteams.E002"] and errors["safetyteams.E002"].startswith(f"{name} is too short")


def test_the_deploy_check_refuses_one_value_for_two_secrets(settings):
    errors = deploy_errors(settings, **{**GOOD, "ACCESS_LOG_KEY": GOOD["PSEUDONYM_SECRET"]})
    assert errors == {
        "safetyteams.E003": "PSEUDONYM_SECRET and ACCESS_LOG_KEY are the same: each secret needs its own value."
    }


def test_the_deploy_check_passes_own_long_secrets(settings):
    assert deploy_errors(settings, **GOOD) == {}


def test_make_deploy_check_sets_all_three_secrets_and_docs_name_them():
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^deploy-check:.*?(?=^\S)", makefile, re.M | re.S).group(0)
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in SECRETS:
        assert f"{name}=" in target, name
        assert re.search(rf"^{name}=change-me", example, re.M), name
        assert f"`{name}`" in readme, name
