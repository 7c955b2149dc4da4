"""Starts tests/oidc_provider/app.py as a second process on a free loopback port, once per test session."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
REDIRECT_PATH = "/accounts/oidc/terug/"

USERS = [
    # otp: the provider asks a one-time code too, and its ID token says amr=["pwd", "otp", "mfa"].
    {
        "username": "anna",
        "password": "anna-wachtwoord",
        "otp": "123456",
        "sub": "sub-anna",
        "email": "anna@gemeente.test",
        "name": "Anna de Vries",
    },
    {
        "username": "bert",
        "password": "bert-wachtwoord",
        "sub": "sub-bert",
        "email": "bert@gemeente.test",
        "name": "Bert Jansen",
    },
    {
        "username": "carla",
        "password": "carla-wachtwoord",
        "otp": "654321",
        "sub": "sub-carla",
        "email": "carla@gemeente.test",
        "name": "Carla Smit",
    },
    {
        "username": "dirk",
        "password": "dirk-wachtwoord",
        "otp": "111111",
        "sub": "sub-dirk",
        "email": "dirk@elders.test",
        "name": "Dirk Elders",
    },
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str
    secret: str
    process: subprocess.Popen

    def set_user(self, username: str, **changes) -> None:
        """Changes a user at the provider (e.g. active=False), as its own administrator would."""
        response = requests.post(
            f"{self.issuer}/_test/users/{username}", json=changes, headers={"X-Test-Secret": self.secret}, timeout=5
        )
        response.raise_for_status()


def start_provider(*, token_issuer: str | None = None) -> RunningProvider:
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = {
        "issuer": issuer,
        "secret": secrets.token_hex(16),
        "clients": [
            {"client_id": "veiligheidsteam", "client_secret": secrets.token_hex(16), "redirect_path": REDIRECT_PATH}
        ],
        "users": USERS,
    }
    if token_issuer:
        config["token_issuer"] = token_issuer
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(config, handle)
    handle.close()
    env = {**os.environ, "AUTHLIB_INSECURE_TRANSPORT": "1"}  # plain http on loopback only
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.app", handle.name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{issuer}/_test/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the test OpenID Connect provider did not start")
        time.sleep(0.1)
    client = config["clients"][0]
    return RunningProvider(issuer, client["client_id"], client["client_secret"], config["secret"], process)


def stop_provider(provider: RunningProvider) -> None:
    provider.process.terminate()
    provider.process.wait(timeout=10)


def sign_in_at_provider(target: str, username: str, password: str, otp: str = "") -> str:
    """Fills in the provider's login form (as a person would); returns where the provider sends back to."""
    session = requests.Session()
    assert session.get(target, timeout=5).status_code == 200
    response = session.post(
        target, data={"username": username, "password": password, "otp": otp}, allow_redirects=False, timeout=5
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"]
