"""Smoke test of the `make run` path: SQLite and the embedded broker, web + worker + beat."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django_otp.oath import totp

from security.demo import demo_totp_key_hex

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_make_run_starts_a_usable_demo_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3", VAR_DIR=str(tmp_path / "var"), PORT=str(port))
    proc = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        health = None
        while time.monotonic() < deadline:
            try:
                health = requests.get(f"{base}/health/", timeout=2)
                if health.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, "make run stopped before it was healthy"
            time.sleep(1)
        assert health is not None and health.json() == {"database": "ok", "broker": "ok"}

        session = requests.Session()
        login_page = session.get(f"{base}/accounts/login/", timeout=5)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
        step = session.post(
            f"{base}/accounts/login/",
            data={
                "login_view-current_step": "auth",
                "auth-username": "boz-coordinator",
                "auth-password": settings.DEMO_PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=10,
        )
        assert 'name="token-otp_token"' in step.text, "the second step asks for the app code"
        # The demo users' TOTP secret is documented in the README (fictional region).
        code = f"{totp(bytes.fromhex(demo_totp_key_hex())):06d}"
        home = session.post(
            f"{base}/accounts/login/",
            data={"login_view-current_step": "token", "token-otp_token": code, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=10,
        )
        assert home.status_code == 200
        assert "Veiligheidsteam Bergen op Zoom e.o." in home.text
        # The pages a coordinator works on answer on SQLite too (no PostgreSQL-only SQL on them).
        team_cases = session.get(f"{base}/teamzaken/", timeout=10)
        assert team_cases.status_code == 200
        case_path = re.search(r'href="(/zaken/\d+/)"', team_cases.text).group(1)
        case_page = session.get(f"{base}{case_path}", timeout=10)
        assert case_page.status_code == 200, case_page.text[:500]
        assert "Documenten" in case_page.text
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert "Demo-logins" in output
    assert "boz-coordinator" in output
    assert proc.returncode is not None
    leftovers = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", "processes survived Ctrl-C"
