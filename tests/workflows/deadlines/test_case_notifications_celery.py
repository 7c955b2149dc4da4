"""Safety signals by e-mail through a real Celery worker (a subprocess) and a real SMTP server (aiosmtpd):
queued when the service's transaction commits, sent once to each recipient, each with an absolute link
(SITE_URL) that opens the page for that recipient."""

import re
import time
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from cases.assessments.services import condition_agree, condition_check
from cases.services import participant_add
from tests.conftest import require_service
from tests.workflows.deadlines.slow_smtp import SlowSMTPServer
from tests.workflows.deadlines.test_reminders_celery import Stack
from tests.world import basis, in_days, judge
from workflows.deadlines.models import Notification, NotificationKind
from workflows.lifecycle.services import case_flag_crisis

SITE = "https://veiligheidsteam.example.org"


@pytest.fixture
def stack(transactional_db, tmp_path):
    """Workers on this process's own broker, so the tasks its services queue on commit reach them."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        require_service("Redis", "CELERY_BROKER_URL is not a Redis URL")
    client = redis.Redis.from_url(broker, socket_connect_timeout=2)
    try:
        client.delete("mail", "celery", "sweeps")  # no stale tasks of an earlier test
    except redis.RedisError as exc:
        require_service("Redis", str(exc))
    s = Stack(tmp_path, broker)
    yield s
    s.stop()


def _case(region):
    case = region.open_case(opened_at=timezone.now())
    for organisation, user, role in (
        (region.vt, region.vt_user, "onderzoeker"),
        (region.gi, region.gi_user, "jeugdbeschermer"),
    ):
        participant_add(
            actor=region.cvc_user, case=case, organisation=organisation, professional=user, role=role, **basis()
        )
    return case


def _wait(check, seconds, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(message)


def _link(message) -> str:
    [link] = re.findall(rf"{re.escape(SITE)}/\S+", message.get_payload())
    return link


def test_a_breached_condition_is_emailed_once_to_each_recipient_with_a_working_link(
    stack, region, login_verified, client
):
    with SlowSMTPServer(slow_sessions=0, delay=0) as server:
        stack.start_worker("w1", EMAIL_URL=f"smtp://127.0.0.1:{server.port}", SITE_URL=SITE)
        case = _case(region)
        condition = condition_agree(
            actor=region.cvc_user,
            judgement=judge(region, case),
            description="Vader woont elders",
            owner_organisation=region.vt,
            owner=region.vt_user,
            check_date=in_days(14),
        )
        # First the "added to a case" e-mails of VT and the GI (not this test's subject).
        _wait(lambda: len(server.messages) >= 2, 30, "the participant e-mails did not arrive")
        before = len(server.messages)

        condition_check(actor=region.gi_user, condition=condition, met=False, expected_version=condition.version)

        recipients = {region.vt_user, region.cvc_user, region.coordinator}
        _wait(lambda: len(server.messages) - before >= 3, 30, "the breach e-mails did not arrive")
        stack.sweep(timezone.now())  # a sweep re-dispatches nothing already sent
        time.sleep(3)
        messages = server.messages[before:]
        assert len(messages) == 3
        assert sorted(m["To"] for m in messages) == sorted(u.email for u in recipients)
        assert all(case.reference in m["Subject"] and "Testfamilie" not in m.get_payload() for m in messages)
        sent = Notification.objects.filter(kind=NotificationKind.CONDITION_BREACHED)
        assert sent.count() == 3 and not sent.filter(sent_at__isnull=True).exists()
        assert {m["Message-ID"] for m in messages} == {
            f"<notification-{pk}@veiligheidsteam>" for pk in sent.values_list("pk", flat=True)
        }

    # Each link opens the case for its recipient.
    for message in messages:
        link = _link(message)
        assert link.startswith(f"{SITE}/zaken/{case.pk}/")
        user = next(u for u in recipients if u.email == message["To"])
        login_verified(client, user)
        assert client.get(urlsplit(link).path).status_code == 200
        client.logout()


def test_acute_onveiligheid_alerts_the_coordinators_and_participants_by_email_at_once(stack, region):
    with SlowSMTPServer(slow_sessions=0, delay=0) as server:
        stack.start_worker("w1", EMAIL_URL=f"smtp://127.0.0.1:{server.port}", SITE_URL=SITE)
        case = _case(region)
        _wait(lambda: len(server.messages) >= 2, 30, "the participant e-mails did not arrive")  # VT and GI added
        before = len(server.messages)
        case_flag_crisis(actor=region.vt_user, case=case, reason="Kind met letsel", expected_version=case.version)
        everyone = {region.coordinator.email, region.cvc_user.email, region.vt_user.email, region.gi_user.email}
        _wait(lambda: len(server.messages) - before >= 4, 30, "the crisis alerts did not arrive")
        time.sleep(2)
        alerts = server.messages[before:]
        assert sorted(m["To"] for m in alerts) == sorted(everyone)
        assert all(_link(m) == f"{SITE}/zaken/{case.pk}/" for m in alerts)
