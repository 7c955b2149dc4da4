"""Exactly-once reminders against real Celery workers and Redis (subprocesses).

The workers run `celery -A safetyteams worker` on the TEST database (committed data: transactional
tests), a Redis database of their own, and a file mail backend whose messages the test counts.
"""

import os
import shutil
import signal
import socket
import subprocess  # noqa: S404 - the test starts its own workers and Redis
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis

from tests.celery_stack import Stack
from tests.conftest import require_service
from tests.world import at
from workflows.deadlines.models import Reminder

WORKER_REDIS = os.environ.get("WORKER_REDIS_URL", "redis://127.0.0.1:6379/7")
BEFORE_STAGE = at(2027, 6, 17, 8, 0)  # the "2 working days before" moment of the joint assessment


@pytest.fixture
def stack(transactional_db, tmp_path):
    client = redis.Redis.from_url(WORKER_REDIS, socket_connect_timeout=2)
    try:
        client.flushdb()  # this Redis database belongs to these tests: no stale tasks
    except redis.RedisError as exc:
        require_service("Redis", str(exc))
    s = Stack(tmp_path, WORKER_REDIS)
    yield s
    s.stop()


def _cases(region, n: int) -> None:
    for _ in range(n):
        region.open_case(opened_at=at(2027, 6, 7, 10))


def test_a_due_reminder_is_delivered_exactly_once(stack, region):
    _cases(region, 1)
    stack.start_worker("w1")
    stack.sweep(BEFORE_STAGE)
    stack.wait_for_emails(1)
    stack.sweep(BEFORE_STAGE)
    stack.sweep(BEFORE_STAGE + timedelta(minutes=5))
    time.sleep(3)
    assert len(stack.emails()) == 1
    reminder = Reminder.objects.get()
    assert reminder.sent_at is not None and reminder.attempts == 1


def test_two_workers_and_two_sweeps_at_once_still_send_each_reminder_once(stack, region):
    _cases(region, 20)
    stack.start_worker("w1")
    stack.start_worker("w2")
    stack.sweep(BEFORE_STAGE)
    stack.sweep(BEFORE_STAGE)
    stack.wait_for_emails(20)
    time.sleep(3)
    ids = stack.emails()
    assert len(ids) == 20 and len(set(ids)) == 20
    assert Reminder.objects.count() == 20
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_a_worker_killed_while_sending_delivers_once_after_restart(stack, region):
    _cases(region, 1)
    slow = stack.start_worker("slow", REMINDER_SEND_DELAY_SECONDS="60")
    stack.sweep(BEFORE_STAGE)
    stack._wait_for(lambda: Reminder.objects.filter(attempts=1).exists(), 30, "the reminder was never claimed")
    stack.kill(slow)
    assert stack.emails() == []
    time.sleep(3.5)  # the dead worker's claim (3 s) expires
    stack.start_worker("fresh")
    stack.sweep(BEFORE_STAGE + timedelta(minutes=1))  # the next beat tick re-dispatches the unsent e-mail
    stack.wait_for_emails(1)
    stack.sweep(BEFORE_STAGE + timedelta(minutes=2))
    time.sleep(3)
    assert len(stack.emails()) == 1
    assert Reminder.objects.get().attempts == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int, tmp_path: Path) -> subprocess.Popen:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        require_service("redis-server", "not installed")
    proc = subprocess.Popen(  # noqa: S603
        [redis_server, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    client = redis.Redis(port=port)
    for _ in range(50):
        try:
            client.ping()
            return proc
        except redis.RedisError:
            time.sleep(0.1)
    pytest.fail("private redis-server did not start")


def test_nothing_is_lost_when_redis_restarts(transactional_db, tmp_path, region, settings):
    from workflows.deadlines.reminders import reminders_sweep

    port = _free_port()
    own_redis = _start_redis(port, tmp_path)
    s = Stack(tmp_path, f"redis://127.0.0.1:{port}/0")
    try:
        _cases(region, 3)
        s.start_worker("w1")
        # Redis goes down while the sweep records reminders: their e-mail tasks never reach a queue.
        os.killpg(own_redis.pid, signal.SIGKILL)
        own_redis.wait(10)
        settings.REMINDER_DISPATCH = False
        settings.REMINDER_REDISPATCH_SECONDS = 2
        assert reminders_sweep(now=BEFORE_STAGE).reminders == 3
        own_redis = _start_redis(port, tmp_path)  # empty: whatever was queued is gone
        s.sweep(BEFORE_STAGE + timedelta(minutes=1))
        s.wait_for_emails(3, seconds=60)
        time.sleep(3)
        assert sorted(s.emails()) == sorted({*s.emails()}) and len(s.emails()) == 3
    finally:
        s.stop()
        os.killpg(own_redis.pid, signal.SIGKILL)


def test_after_beat_was_down_each_recipient_gets_one_catch_up_email_once(stack, region):
    _cases(region, 1)
    stack.start_worker("w1")
    # Due Mon 21 June 2027 (end of day), escalating hourly; beat returns on the 22nd at 08:30, in office
    # hours: the latest stage to each, once: overdue to the vast gezicht, escalation:8 to the coordinator.
    from workflows.deadlines.models import Deadline

    Deadline.objects.update(escalation_interval_hours=1)
    stack.sweep(at(2027, 6, 22, 8, 30))
    stack.wait_for_emails(2)
    stack.sweep(at(2027, 6, 22, 8, 30))
    time.sleep(3)
    stages = sorted(Reminder.objects.values_list("stage", flat=True))
    assert stages == ["escalation:8", "overdue"]
    assert len(stack.emails()) == 2


def test_a_mail_server_slower_than_the_lease_gets_each_email_once_while_sweeps_keep_running(stack, region):
    from tests.workflows.deadlines.slow_smtp import SlowSMTPServer

    _cases(region, 2)  # both remind at BEFORE_STAGE
    later = region.open_case(opened_at=at(2027, 6, 8, 10))  # reminds a day later
    lease = 10
    # The first two sessions answer MAIL FROM after twice the lease. The SMTP timeout is set above the
    # lease here (as if the server dripped its answers, each within the timeout): the send tasks' time
    # limits alone must end those sends before their claims run out.
    with SlowSMTPServer(slow_sessions=2, delay=2 * lease) as server:
        env = {
            "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
            "REMINDER_SEND_LEASE_SECONDS": str(lease),
            "EMAIL_TIMEOUT": str(3 * lease),
        }
        # As in docker-compose.yml: sweeps on a worker of their own; e-mails on a pool with room to spare.
        stack.start_worker("sweeper", queues="sweeps", **env)
        stack.start_worker("mailer", queues="mail,celery", pool="prefork", concurrency=3, **env)
        stack.sweep(BEFORE_STAGE)
        stack._wait_for(lambda: server.waiting == 2, 30, "the two e-mails never reached the slow server")
        started = time.monotonic()

        # Both sends hang; the sweep still runs: the next case's reminder is recorded (and its e-mail sent).
        stack.sweep(at(2027, 6, 18, 8, 0))
        stack._wait_for(lambda: Reminder.objects.filter(deadline__case=later).exists(), 10, "the sweep was held up")
        assert server.waiting == 2

        # Beat goes on every second; once the time limits ended the hung sends and their claims ran out,
        # the sweep dispatches them again.
        tick = 0
        while Reminder.objects.filter(sent_at__isnull=True).exists():
            assert time.monotonic() - started < 60, "the hung e-mails were never sent"
            tick += 1
            stack.sweep(at(2027, 6, 18, 8, 0) + timedelta(minutes=tick))
            time.sleep(1)
        assert time.monotonic() - started < 2 * lease, "sent again only after the slow server answered"
        # The slow sessions answer at last: whatever still waited on them would send a second copy now.
        stack._wait_for(lambda: server.waiting == 0, 3 * lease, "the slow sessions never ended")
        time.sleep(3)
        ids = server.message_ids
    assert len(ids) == 3 and len(set(ids)) == 3
    expected = [f"<reminder-{pk}@veiligheidsteam>" for pk in Reminder.objects.values_list("pk", flat=True)]
    assert sorted(ids) == sorted(expected)
    assert Reminder.objects.filter(deadline__case=later).get().attempts == 1


def test_beats_sweep_expires_so_a_sweep_queued_too_long_is_dropped(stack, region, settings):
    import json

    from celery.beat import ScheduleEntry, Scheduler

    import workflows.deadlines.tasks  # noqa: F401 - registers workflows.sweep in this process
    from safetyteams.celery import app

    _cases(region, 1)  # reminds at BEFORE_STAGE (17 June)
    region.open_case(opened_at=at(2027, 6, 14, 10))  # reminds on 24 June
    configured = settings.CELERY_BEAT_SCHEDULE["workflows-sweep"]
    assert 0 < configured["options"]["expires"] < configured["schedule"]
    client = redis.Redis.from_url(WORKER_REDIS)

    def publish(now, **options):
        """The sweep as beat sends it (its schedule entry's options), with a moment for the test."""
        entry = ScheduleEntry(
            name="workflows-sweep",
            task=configured["task"],
            schedule=configured["schedule"],
            kwargs={"now": now.isoformat()},
            options={**configured["options"], **options},
            app=app,
        )
        with app.connection_for_write(stack.broker) as conn:
            Scheduler(app=app, lazy=True).apply_async(entry, producer=app.amqp.Producer(conn), advance=False)

    # What beat queues: on the sweeps queue, expiring 55 seconds after it was sent.
    publish(at(2027, 6, 24, 9, 0))
    [raw] = client.lrange("sweeps", 0, -1)
    message = json.loads(raw)
    sent = time.time()
    from django.utils.dateparse import parse_datetime

    assert message["headers"]["task"] == "workflows.sweep"
    assert abs(parse_datetime(message["headers"]["expires"]).timestamp() - sent - configured["options"]["expires"]) < 5
    client.delete("sweeps")

    # Workers were down longer than the expiry (shortened to a second here): that sweep must not run.
    publish(at(2027, 6, 24, 9, 0), expires=1)
    time.sleep(2)
    stack.start_worker("sweeper", queues="sweeps")
    publish(BEFORE_STAGE)  # a fresh sweep behind it runs
    stack._wait_for(lambda: Reminder.objects.exists(), 20, "the fresh sweep did not run")
    time.sleep(2)
    # Only the 17 June sweep ran: had the expired 24 June one run, both cases would have reminders of then.
    assert list(Reminder.objects.values_list("stage", flat=True)) == ["before:2wd"]
    assert "Discarding revoked task: workflows.sweep" in (stack.tmp_path / "sweeper.log").read_text()
