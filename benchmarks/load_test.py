#!/usr/bin/env python
"""Load test over HTTP: gunicorn with gunicorn.conf.py (the file docker-compose.yml runs) on loopback,
Locust headless (FastHttpUser, one process).

50 concurrent professionals of the shared data set browse "Mijn zaken", open dossiers and add notes
for LOAD_TEST_SECONDS (60) at most, each stopping after 200 tasks, pausing LOAD_TEST_THINK (3-10 s)
between actions as a reader does. Then a second, shorter run without pauses measures capacity: how many
requests per second the server answers when 50 clients click as fast as it replies. Logging in with two
factors over HTTP for 50 users would dominate the run, so each gets an authenticated,
second-factor-verified session made directly in the database (as `tests/twofactor.login_verified` does),
signed with the server's SECRET_KEY and passed to Locust as its session cookie. gunicorn runs with the
production settings (DEBUG off), on plain http on loopback: no https redirect, and the client hands the
Secure cookies back itself. A page that does not answer 200 (a redirect to the login page) is an error.
Figures: p50/p95/p99 over all requests, requests/s, the error count, and the CPU milliseconds per
request of gunicorn, of PostgreSQL's backends for this database and of Locust, read from /proc over
the same seconds (what the machine's other load disturbs least; 2 cores / their sum is the capacity of
two idle cores). Budget: p95 <= 60 ms, capacity >= 300 requests/s, 0 errors.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shlex
import socket
import subprocess  # noqa: S404 - starts our own gunicorn and locust
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, report, setup_django  # noqa: E402
from dataset import BENCH_USER_PREFIX, ensure_database, prepare  # noqa: E402

USERS = 50
SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "60"))
SATURATION_SECONDS = int(os.environ.get("LOAD_TEST_SATURATION_SECONDS", "30"))
# CPU is counted from this many seconds after a run starts (the 50 users spawned) to a second before its end.
SETTLE = 3
# A professional reads a list or a dossier before the next click (seconds, min,max).
THINK = os.environ.get("LOAD_TEST_THINK", "3,10")
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def verified_sessions(count: int = USERS) -> list[dict]:
    """`count` professionals with at least 5 cases each: a logged-in, OTP-verified session per user."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import CaseUserObjectPermission
    from cases.selectors import _view_permission_id
    from partners.models import User
    from security.services import LAST_SEEN_SESSION_KEY, LOGIN_AT_SESSION_KEY

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806 - a class
    permission_id = _view_permission_id()
    grants = CaseUserObjectPermission.objects.filter(
        permission_id=permission_id, user__username__startswith=BENCH_USER_PREFIX
    )
    per_user = grants.values("user_id").annotate(n=Count("id")).filter(n__gte=5).order_by("user_id")
    user_ids = list(per_user.values_list("user_id", flat=True)[:count])
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


def warm_up(port: int, sessions: list[dict], rounds: int = 6, clients: int = 8) -> None:
    """Load every worker's templates, URL patterns and connections before measuring (a server that
    has been up for a while has done this; a cold start is not what the budget is about). Several
    clients at once, so that every worker takes its share."""
    from concurrent.futures import ThreadPoolExecutor

    def browse(session: dict) -> None:
        paths = ["/mijn-zaken/", *(f"/zaken/{case_id}/" for case_id in session["case_ids"][:3])]
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", f"sessionid={session['sessionid']}")]
        for _ in range(rounds):
            for path in paths:
                response = opener.open(f"http://127.0.0.1:{port}{path}", timeout=30)  # noqa: S310 - loopback
                response.read()
                if urllib.parse.urlsplit(response.geturl()).path != path:
                    raise RuntimeError(f"{path} answered with a redirect to {response.geturl()}: session refused")

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(browse, sessions[:clients]))


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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one process so far (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return pids


def _postgres_backends() -> list[int]:
    """The PostgreSQL backends serving this database (the workers' persistent connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, every process of every session included."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / CLOCK_TICKS, sum(values[:8]) / CLOCK_TICKS


class Sample:
    """CPU seconds of server, database and load generator, and the requests answered, at one moment."""

    def __init__(self, *, gunicorn: int, locust: int) -> None:
        self.at = time.time()
        self.server = {pid: _cpu_seconds(pid) for pid in [gunicorn, *_children(gunicorn)]}
        self.database = {pid: _cpu_seconds(pid) for pid in _postgres_backends()}
        self.generator = {pid: _cpu_seconds(pid) for pid in [locust, *_children(locust)]}
        self.requests = 0.0  # from Locust's history once the run is over (answered_by)
        self.machine = _machine_busy()


def answered_by(history_csv: str, at: float) -> float:
    """Requests Locust had answered at `at` (epoch seconds), interpolated from its per-second history."""
    points = [
        (float(row["Timestamp"]), float(row["Total Request Count"]))
        for row in csv.DictReader(open(history_csv, encoding="utf-8"))  # noqa: SIM115
        if row["Name"] == "Aggregated"
    ]
    before = [point for point in points if point[0] <= at] or points[:1]
    after = [point for point in points if point[0] > at] or points[-1:]
    (t0, n0), (t1, n1) = before[-1], after[0]
    return n0 if t1 == t0 else n0 + (n1 - n0) * (at - t0) / (t1 - t0)


def _spent(before: dict, after: dict) -> float:
    # A process that started in between counts from zero; one that ended in between is lost (rare:
    # connections persist, workers are not recycled).
    return sum(cpu - (before.get(pid) or 0.0) for pid, cpu in after.items() if cpu is not None)


def cpu_split(first: Sample, last: Sample) -> dict:
    """CPU milliseconds per answered request between two samples, per part, and what they project."""
    requests = max(int(last.requests - first.requests), 1)
    seconds = last.at - first.at
    per = {
        "server": _spent(first.server, last.server) * 1000 / requests,
        "database": _spent(first.database, last.database) * 1000 / requests,
        "generator": _spent(first.generator, last.generator) * 1000 / requests,
    }
    busy = last.machine[0] - first.machine[0]
    ours = sum(per.values()) * requests / 1000
    return {
        **per,
        "requests": requests,
        "req_per_s": requests / seconds,
        # What else ran meanwhile (other sessions), in cores: the figure's noise.
        "other_cores": max(busy - ours, 0.0) / seconds,
        # Two cores divided by what one request costs: the capacity when nothing else runs.
        "projected_req_per_s": 2000 / (per["server"] + per["database"] + per["generator"]),
        "projected_without_generator": 2000 / (per["server"] + per["database"]),
    }


def run_locust(
    port: int, session_file: Path, folder: str, *, gunicorn: int, think: str, seconds: int, label: str
) -> tuple[dict, dict]:
    """One headless Locust run; prints the per-endpoint lines; returns the aggregated row and the CPU
    split measured from SETTLE seconds after the start (users spawned) to a second before the end."""
    prefix = str(Path(folder) / f"stats-{label}")
    locust = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "locust"),
            "-f",
            os.environ.get("LOAD_TEST_LOCUSTFILE", str(Path(__file__).with_name("locustfile.py"))),
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    time.sleep(SETTLE)
    first = Sample(gunicorn=gunicorn, locust=locust.pid)
    time.sleep(max(started + seconds - 1 - time.monotonic(), 1))
    last = Sample(gunicorn=gunicorn, locust=locust.pid)
    _out, stderr = locust.communicate(timeout=60)
    for sample in (first, last):
        sample.requests = answered_by(f"{prefix}_stats_history.csv", sample.at)
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))  # noqa: SIM115
    print(f"-- {label} (think {think} s)")
    for row in rows:
        if row["Name"] != "Aggregated":
            print(
                f"{row['Type']:>5} {row['Name']:<32} n={row['Request Count']:>6} p50={row['50%']:>5} "
                f"p95={row['95%']:>5} p99={row['99%']:>5} failures={row['Failure Count']}"
            )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    split = cpu_split(first, last)
    print(
        f"   CPU per request: server {split['server']:.2f} ms, PostgreSQL {split['database']:.2f} ms, "
        f"generator {split['generator']:.2f} ms ({split['requests']} requests, {split['req_per_s']:.0f} req/s; "
        f"other processes meanwhile {split['other_cores']:.2f} cores) -> two idle cores would answer "
        f"{split['projected_req_per_s']:.0f} req/s ({split['projected_without_generator']:.0f} without the generator)"
    )
    if int(total["Failure Count"]):
        print(Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")[:2000])
    if locust.returncode not in (0, 1):
        print(stderr[-2000:])
    return total, split


def gunicorn_settings() -> dict:
    """The settings gunicorn.conf.py gives (the file docker-compose.yml runs with), for the report."""
    namespace: dict = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own settings file
    return {name: namespace[name] for name in ("workers", "worker_class", "threads", "keepalive") if name in namespace}


def main() -> int:
    ensure_database()
    setup_django()
    prepare()
    env = production_env()
    from django.conf import settings

    # Sessions and their auth hashes are signed with the server's SECRET_KEY: made with another key,
    # every request is "Session data corrupted" and a redirect to the login page (which is what the
    # figures until 2026-12-01 measured).
    settings.SECRET_KEY = env["SECRET_KEY"]
    sessions = verified_sessions()
    port = free_port()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = gunicorn_settings()
    with tempfile.TemporaryDirectory() as folder:
        session_file = Path(folder) / "sessions.json"
        session_file.write_text(json.dumps(sessions))
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "safetyteams.wsgi:application",
                # As docker-compose.yml runs it; only the address differs.
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                # Experiments only (e.g. "--workers 4"): the figures in the README use the file alone.
                *shlex.split(os.environ.get("LOAD_TEST_GUNICORN_ARGS", "")),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/accounts/login/")
            warm_up(port, sessions)
            paced, paced_cpu = run_locust(
                port,
                session_file,
                folder,
                gunicorn=gunicorn.pid,
                think=THINK,
                seconds=SECONDS,
                label="paced",
            )
            flat_out, flat_cpu = run_locust(
                port,
                session_file,
                folder,
                gunicorn=gunicorn.pid,
                think="0,0",
                seconds=SATURATION_SECONDS,
                label="saturation",
            )
        finally:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
    load = os.getloadavg()[0]
    described = ", ".join(f"{key} {value}" for key, value in server.items())
    note = (
        f"{USERS} users, think {THINK} s, {SECONDS} s, {paced['Request Count']} requests, "
        f"{float(paced['Requests/s']):.0f} req/s; gunicorn {described}; load {load:.1f}"
    )
    report("HTTP load: p50", float(paced["50%"]), "ms", note=note)
    report("HTTP load: p95", float(paced["95%"]), "ms", budget=60)
    report("HTTP load: p99", float(paced["99%"]), "ms")
    report("HTTP load: errors", float(paced["Failure Count"]), "errors", budget=0)
    report(
        "HTTP capacity (no think time): requests/s",
        float(flat_out["Requests/s"]),
        "req/s",
        budget=300,
        higher_is_better=True,
        note=(
            f"p50 {flat_out['50%']} ms, p95 {flat_out['95%']} ms, {flat_out['Failure Count']} errors; "
            f"other processes {flat_cpu['other_cores']:.2f} cores"
        ),
    )
    report("HTTP capacity: errors", float(flat_out["Failure Count"]), "errors", budget=0)
    for part in ("server", "database", "generator"):
        report(
            f"HTTP capacity: CPU per request, {part}",
            flat_cpu[part],
            "ms",
            note=f"paced run: {paced_cpu[part]:.2f} ms",
        )
    report(
        "HTTP capacity on two idle cores (2 cores / CPU per request)",
        flat_cpu["projected_req_per_s"],
        "req/s",
        note=f"{flat_cpu['projected_without_generator']:.0f} req/s with the generator on another machine",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
