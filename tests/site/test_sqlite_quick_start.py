"""The quick start's database (SQLite): the demo has deadlines from its timeline, and the reminder
sweep that beat runs every minute works there too (its fast path is PostgreSQL's), exactly once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SWEEP_TWICE = """
import json
from collections import Counter
from datetime import timedelta
from django.utils import timezone
from workflows.models import Deadline, Notification, Reminder
from workflows.deadlines.reminders import reminders_sweep

states = Counter(Deadline.objects.values_list("state", flat=True))
runs = []
for _ in range(2):
    Deadline.objects.filter(state="open").update(remind_at=timezone.now() - timedelta(days=30))
    runs.append([reminders_sweep().reminders, Reminder.objects.count(), Notification.objects.count()])
print("RESULT " + json.dumps({"states": states, "runs": runs}))
"""


@pytest.mark.slow
def test_the_demo_on_sqlite_has_deadlines_and_the_sweep_records_each_reminder_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3",
        VAR_DIR=str(tmp_path / "var"),
        REMINDER_DISPATCH="false",
        LOG_LEVEL="WARNING",
    )

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    manage("seed_demo")
    line = next(line for line in manage("shell", "-v0", "-c", SWEEP_TWICE).splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))

    assert result["states"].get("open", 0) > 0
    (first, reminders, notifications), (second, reminders_after, notifications_after) = result["runs"]
    assert first > 0 and reminders == first and notifications == first
    assert (second, reminders_after, notifications_after) == (0, reminders, notifications)
