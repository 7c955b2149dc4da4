import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django, json
django.setup()
from django.test import Client
r = Client().get('/health/')
print(json.dumps({'status': r.status_code, 'body': r.json()}))
"""


def probe_health(**env_overrides):
    # The "postgres" maintenance database always exists on the test server.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safetyteams.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        **env_overrides,
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_health_answers_200_when_database_and_broker_are_up(client, redis_client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_health_answers_503_when_the_database_points_at_nothing():
    result = probe_health(DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing", CONN_MAX_AGE="0")
    assert result["status"] == 503
    assert result["body"]["database"] == "down"


def test_health_answers_503_when_the_broker_points_at_nothing():
    result = probe_health(CELERY_BROKER_URL="redis://127.0.0.1:1/0", HEALTH_CHECK_TIMEOUT="1")
    assert result["status"] == 503
    assert result["body"] == {"database": "ok", "broker": "down"}
