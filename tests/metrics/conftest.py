import pytest

from tests.metrics import scenario


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path):
    # Argon2 is deliberately slow; these tests log in with force_login and never check a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.METRICS_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def scenario_region(db):
    """The hand-computed metrics scenario (tests/metrics/scenario.py)."""
    return scenario.build()
