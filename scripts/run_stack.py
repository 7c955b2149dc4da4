#!/usr/bin/env python
"""`make run`: web server, Celery workers and beat together; Ctrl-C stops all of them.

Two workers, as in docker-compose.yml: one for e-mails and other jobs (queues mail, celery), one for
the reminder sweep alone (queue sweeps), so that a mail server that hangs never stops the sweep."""

from __future__ import annotations

import os
import signal
import socket
import subprocess  # noqa: S404 - starts our own processes with fixed arguments
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def commands(port: str) -> dict[str, list[str]]:
    celery = str(BIN / "celery")
    return {
        "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            celery,
            "-A",
            "safetyteams",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--queues",
            "mail,celery",
            "--hostname",
            "mail@%h",
        ],
        "worker-sweeps": [
            celery,
            "-A",
            "safetyteams",
            "worker",
            "--loglevel",
            "INFO",
            "--pool",
            "solo",
            "--queues",
            "sweeps",
            "--hostname",
            "sweeps@%h",
        ],
        "beat": [
            celery,
            "-A",
            "safetyteams",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(ROOT / "var" / "celerybeat-schedule"),
        ],
    }


def print_banner(port: str) -> None:
    """The demo banner (safetyteams.demo): URL, logins, password and TOTP secret, after the start-up logs."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyteams.settings")
    import django

    django.setup()
    from safetyteams.demo import demo_banner

    print(demo_banner(f"http://127.0.0.1:{port}/"), flush=True)
    print("Ctrl-C stopt alles.\n", flush=True)


def wait_for_web(port: str, *, timeout: float = 60.0) -> bool:
    """True once the web server accepts connections (so the banner comes after its start-up lines)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=1):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def main() -> int:
    port = os.environ.get("PORT", "8000")
    (ROOT / "var").mkdir(exist_ok=True)
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    procs = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in commands(port).items()}  # noqa: S603
    wait_for_web(port)
    time.sleep(2)  # let the workers and beat print their start-up lines first
    print_banner(port)
    exit_code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} stopte onverwacht (code {proc.returncode}); alles wordt gestopt.", flush=True)
                exit_code = 1
                stopping = True
        time.sleep(0.5)
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
