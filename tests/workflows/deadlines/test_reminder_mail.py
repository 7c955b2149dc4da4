"""Reminder e-mails: a link to the deadline and nothing more of the case; a slow mail server never makes
one go out twice (the SMTP timeout and the send tasks' time limits lie below the claim's lease)."""

import smtplib
import time

import pytest
from django.core import mail

from tests.workflows.deadlines.slow_smtp import SlowSMTPServer
from tests.world import at
from workflows.deadlines.inbox import preference_set
from workflows.deadlines.models import Reminder
from workflows.deadlines.notifications import digest_email_send, digests_collect, reminder_email_send
from workflows.deadlines.reminders import reminders_sweep
from workflows.deadlines.tasks import send_digest_email, send_reminder_email

BEFORE_STAGE = at(2027, 6, 17, 8, 0)


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def test_a_reminder_email_links_to_the_deadline_and_names_no_family(region, settings):
    settings.SITE_URL = "https://veiligheidsteam.example.org/"
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    [reminder_id] = reminders_sweep(now=BEFORE_STAGE).reminder_ids
    deadline_id = Reminder.objects.get(pk=reminder_id).deadline_id

    assert reminder_email_send(reminder_id=reminder_id) is True

    [message] = mail.outbox
    assert f"https://veiligheidsteam.example.org/termijnen/{deadline_id}/" in message.body
    assert case.reference in message.subject
    assert "Testfamilie" not in message.subject + message.body


def test_a_digest_links_to_each_deadline(region, settings):
    settings.SITE_URL = "https://veiligheidsteam.example.org"
    preference_set(user=region.cvc_user, delivery="digest", digest_hour=17)
    for _ in range(2):
        region.open_case(opened_at=at(2027, 6, 7, 10))
    reminders_sweep(now=BEFORE_STAGE)
    [digest_id] = digests_collect(now=at(2027, 6, 17, 17, 0))

    assert digest_email_send(digest_id=digest_id) is True

    body = mail.outbox[0].body
    for deadline_id in Reminder.objects.values_list("deadline_id", flat=True):
        assert f"https://veiligheidsteam.example.org/termijnen/{deadline_id}/" in body
    assert "Testfamilie" not in body


def test_the_smtp_timeout_and_the_send_time_limits_lie_below_the_lease(settings):
    lease = settings.REMINDER_SEND_LEASE_SECONDS
    assert 0 < settings.EMAIL_TIMEOUT < lease
    for task in (send_reminder_email, send_digest_email):
        assert 0 < task.soft_time_limit < task.time_limit < lease


def test_a_mail_server_slower_than_the_timeout_gives_the_claim_back_and_the_email_goes_once(region, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = "127.0.0.1", 1
    region.open_case(opened_at=at(2027, 6, 7, 10))
    [reminder_id] = reminders_sweep(now=BEFORE_STAGE).reminder_ids
    with SlowSMTPServer(slow_sessions=1, delay=settings.EMAIL_TIMEOUT + 3) as server:
        settings.EMAIL_PORT = server.port
        started = time.monotonic()
        with pytest.raises(smtplib.SMTPException):
            reminder_email_send(reminder_id=reminder_id)
        assert time.monotonic() - started < settings.EMAIL_TIMEOUT + 2
        reminder = Reminder.objects.get(pk=reminder_id)
        assert reminder.claimed_until is None and reminder.sent_at is None  # free for the next dispatch

        assert reminder_email_send(reminder_id=reminder_id) is True
        assert reminder_email_send(reminder_id=reminder_id) is False
        time.sleep(settings.EMAIL_TIMEOUT + 3)  # the slow session wakes up: nothing was left to send
        assert server.message_ids == [f"<reminder-{reminder_id}@veiligheidsteam>"]
