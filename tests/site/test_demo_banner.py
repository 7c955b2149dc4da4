"""`seed_demo` ends with a banner to read at a glance, without the security log's JSON lines before it."""

import io
import logging

import pytest
from django.conf import settings
from django.core.management import call_command

from partners.demo import demo_usernames
from security.demo import DEMO_TOTP_SECRET
from security.models import SecurityEvent

pytestmark = pytest.mark.django_db


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_seed_demo_prints_no_security_log_lines_but_still_records_them():
    heard = _Lines()
    security = logging.getLogger("security")
    security.addHandler(heard)
    try:
        call_command("seed_demo", cases=0, stdout=io.StringIO())
    finally:
        security.removeHandler(heard)
    assert heard.lines == []
    assert SecurityEvent.objects.exists()  # the events are in the security log all the same
    assert security.getEffectiveLevel() <= logging.INFO  # and the console hears them again afterwards


def test_seed_demo_ends_with_the_url_every_login_and_the_totp_secret():
    out = io.StringIO()
    call_command("seed_demo", cases=0, stdout=out)
    banner = out.getvalue().rstrip().split("=" * 72)[-2]  # the last block of the output
    assert "http://127.0.0.1:" in banner
    assert DEMO_TOTP_SECRET in banner and settings.DEMO_PASSWORD in banner
    for username in demo_usernames():
        assert username in banner
    assert "coördinator · Veiligheidsteam Bergen op Zoom e.o." in banner
