"""Real Celery workers (subprocesses) for the tests that need them: they run `celery -A safetyteams
worker` on the TEST database (committed data: transactional tests), a Redis database of their own,
and a file mail backend whose messages the test counts."""

import os
import signal
import subprocess  # noqa: S404 - the test starts its own workers
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).with_name("celery"))


class Stack:
    """Workers (and optionally a private Redis) for one test; everything is stopped afterwards."""

    def __init__(self, tmp_path: Path, broker: str) -> None:
        self.tmp_path, self.broker = tmp_path, broker
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.processes: list[subprocess.Popen] = []

    def env(self, **extra) -> dict:
        db = connection.settings_dict
        return {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": self.broker,
            "REDIS_URL": self.broker,
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "REMINDER_SEND_LEASE_SECONDS": "3",
            "REMINDER_REDISPATCH_SECONDS": "2",
            "CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
            **extra,
        }

    def start_worker(
        self, name: str, *, queues: str = "sweeps,mail,celery", pool: str = "solo", concurrency: int = 1, **extra
    ) -> subprocess.Popen:
        """A worker on `queues` (by default all of them: sweeps and e-mails in one process)."""
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(  # noqa: S603
            [
                CELERY,
                "-A",
                "safetyteams",
                "worker",
                "-P",
                pool,
                "-c",
                str(concurrency),
                "-Q",
                queues,
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env(**extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(proc)
        self._wait_for(lambda: "ready" in (self.tmp_path / f"{name}.log").read_text(), 30, f"{name} did not start")
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)

    def sweep(self, now) -> None:
        from safetyteams.celery import app

        with app.connection_for_write(self.broker) as conn:
            app.send_task("workflows.sweep", kwargs={"now": now.isoformat()}, connection=conn)

    def emails(self) -> list[str]:
        """Message-IDs of every e-mail written by the workers."""
        ids = []
        for path in self.mail_dir.glob("*.log"):
            ids += [
                line.split(":", 1)[1].strip()
                for line in path.read_text().splitlines()
                if line.startswith("Message-ID:")
            ]
        return ids

    def _wait_for(self, check, seconds: float, message: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.2)
        logs = "\n".join(p.read_text()[-2000:] for p in self.tmp_path.glob("*.log") if p.parent == self.tmp_path)
        pytest.fail(f"{message}\n{logs}")

    def wait_for_emails(self, count: int, seconds: float = 30) -> None:
        self._wait_for(
            lambda: len(self.emails()) >= count, seconds, f"expected {count} e-mails, got {len(self.emails())}"
        )
