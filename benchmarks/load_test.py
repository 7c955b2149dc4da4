#!/usr/bin/env python
"""Load test over HTTP: gunicorn (3 workers, as in docker-compose.yml) on loopback, Locust headless.

50 concurrent professionals of the shared data set browse "Mijn zaken", open dossiers and add notes
for LOAD_TEST_SECONDS (60) at most, each stopping after 200 tasks, pausing LOAD_TEST_THINK (3-10 s)
between actions as a reader does. Then a second, shorter run without pauses measures capacity: how many
requests per second the server answers when 50 clients click as fast as it replies. Logging in with two
factors over HTTP for 50 users would dominate the run, so each gets an authenticated,
second-factor-verified session made directly in the database (as `tests/twofactor.login_verified` does),
passed to Locust as its session cookie. gunicorn runs with the production settings (DEBUG off), on
plain http on loopback: no https redirect, and the client hands the Secure CSRF cookie back itself.
Figures: p50/p95/p99 over all requests, requests/s, and the error count. Budget: p95 <= 200 ms, 0 errors.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import socket
import subprocess  # noqa: S404 - starts our own gunicorn and locust
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, report, setup_django  # noqa: E402
from dataset import BENCH_USER_PREFIX, ensure_database, prepare  # noqa: E402

USERS = 50
SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "60"))
SATURATION_SECONDS = int(os.environ.get("LOAD_TEST_SATURATION_SECONDS", "30"))
# A professional reads a list or a dossier before the next click (seconds, min,max).
THINK = os.environ.get("LOAD_TEST_THINK", "3,10")
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def verified_sessions() -> list[dict]:
    """50 professionals with at least 5 cases each: a logged-in, OTP-verified session per user."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import CaseUserObjectPermission
    from cases.selectors import _view_permission_id
    from partners.models import User
    from security.services import LAST_SEEN_SESSION_KEY, LOGIN_AT_SESSION_KEY

    permission_id = _view_permission_id()
    grants = CaseUserObjectPermission.objects.filter(
        permission_id=permission_id, user__username__startswith=BENCH_USER_PREFIX
    )
    per_user = grants.values("user_id").annotate(n=Count("id")).filter(n__gte=5).order_by("user_id")
    user_ids = list(per_user.values_list("user_id", flat=True)[:USERS])
    sessions = []
    now = time.time()
    for user in User.objects.filter(pk__in=user_ids):
        device = TOTPDevice.objects.filter(user=user, name="default", confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        store = SessionStore()
        store.update(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[1],
                HASH_SESSION_KEY: user.get_session_auth_hash(),
                DEVICE_ID_SESSION_KEY: device.persistent_id,
                LOGIN_AT_SESSION_KEY: now,
                LAST_SEEN_SESSION_KEY: now,
            }
        )
        store.create()
        case_ids = list(
            CaseUserObjectPermission.objects.filter(user=user, permission_id=permission_id)
            .order_by("content_object_id")
            .values_list("content_object_id", flat=True)[:50]
        )
        sessions.append({"sessionid": store.session_key, "case_ids": case_ids})
    return sessions


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {url}")


def warm_up(port: int, session: dict, rounds: int = 30) -> None:
    """Load every worker's templates, URL patterns and connections before measuring (a server that
    has been up for a while has done this; a cold start is not what the budget is about)."""
    paths = ["/mijn-zaken/", *(f"/zaken/{case_id}/" for case_id in session["case_ids"][:3])]
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={session['sessionid']}")]
    for _ in range(rounds):
        for path in paths:
            opener.open(f"http://127.0.0.1:{port}{path}", timeout=10).read()  # noqa: S310 - loopback


def production_env() -> dict:
    """gunicorn as in production (DEBUG off, manifest static files), except that TLS would end at a
    proxy: here it is plain http on loopback, so no redirect to https."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PSEUDONYM_SECRET": secrets.token_urlsafe(32),
        "ACCESS_LOG_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "REMINDER_DISPATCH": "false",
        "CONN_MAX_AGE": "60",
    }


def run_locust(port: int, session_file: Path, folder: str, *, think: str, seconds: int, label: str) -> dict:
    """One headless Locust run; prints the per-endpoint lines and returns the aggregated row."""
    prefix = str(Path(folder) / f"stats-{label}")
    locust = subprocess.run(  # noqa: S603
        [
            str(BIN / "locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            "25",
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "LOAD_TEST_SESSIONS": str(session_file), "LOAD_TEST_THINK": think},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))  # noqa: SIM115
    print(f"-- {label} (think {think} s)")
    for row in rows:
        if row["Name"] != "Aggregated":
            print(
                f"{row['Type']:>5} {row['Name']:<32} n={row['Request Count']:>6} p50={row['50%']:>5} "
                f"p95={row['95%']:>5} p99={row['99%']:>5} failures={row['Failure Count']}"
            )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    if int(total["Failure Count"]):
        print(Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")[:2000])
    if locust.returncode not in (0, 1):
        print(locust.stderr[-2000:])
    return total


def main() -> int:
    ensure_database()
    setup_django()
    prepare()
    sessions = verified_sessions()
    port = free_port()
    env = production_env()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with tempfile.TemporaryDirectory() as folder:
        session_file = Path(folder) / "sessions.json"
        session_file.write_text(json.dumps(sessions))
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "safetyteams.wsgi:application",
                "--workers",
                "3",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/accounts/login/")
            warm_up(port, sessions[0])
            paced = run_locust(port, session_file, folder, think=THINK, seconds=SECONDS, label="paced")
            flat_out = run_locust(
                port, session_file, folder, think="0,0", seconds=SATURATION_SECONDS, label="saturation"
            )
        finally:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
    note = (
        f"{USERS} users, think {THINK} s, {SECONDS} s, {paced['Request Count']} requests, "
        f"{float(paced['Requests/s']):.0f} req/s"
    )
    report("HTTP load (gunicorn 3 workers): p50", float(paced["50%"]), "ms", note=note)
    report("HTTP load: p95", float(paced["95%"]), "ms", budget=200)
    report("HTTP load: p99", float(paced["99%"]), "ms")
    report("HTTP load: errors", float(paced["Failure Count"]), "errors", budget=0)
    report(
        "HTTP capacity (no think time): requests/s",
        float(flat_out["Requests/s"]),
        "req/s",
        note=f"p50 {flat_out['50%']} ms, p95 {flat_out['95%']} ms, {flat_out['Failure Count']} errors",
    )
    report("HTTP capacity: errors", float(flat_out["Failure Count"]), "errors", budget=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
