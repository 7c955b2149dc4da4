"""Property-based fuzzing of the whole API (schemathesis) with a professional's token on the demo region.

The schema is the one /api/schema/ serves (a test below holds them equal), so every operation there,
including API routes added later under /api/v1/, becomes its own test here automatically.
Bounded: 50 examples per operation, positive and negative data, deterministic.
"""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance, status_code_conformance

from safetyteams.wsgi import application

DEMO_PROFESSIONAL = "boz-cvc"


def served_schema() -> dict:
    """What /api/schema/ answers, generated in-process (no database needed at collection time)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = application
schema.config.generation.update(max_examples=50, deterministic=True)


@pytest.fixture
def in_process_requests():
    """Like Django's test client: keep the test's database connection open across WSGI requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db, capsys, settings, in_process_requests):
    settings.API_THROTTLE_RATE = ""  # the fuzzer is meant to be fast; the throttle has its own test
    # Seeding runs once per operation; the token needs no password, so hash the demo ones cheaply.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", cases=3)
    capsys.readouterr()
    call_command("issue_token", DEMO_PROFESSIONAL)
    return capsys.readouterr().out.strip()


def test_the_fuzzed_schema_is_the_one_the_api_serves(client, api_token):
    response = client.get("/api/schema/?format=json", HTTP_AUTHORIZATION=f"Token {api_token}")
    assert response.status_code == 200
    assert json.loads(response.content) == served_schema()
    assert any(path.startswith("/api/v1/") for path in served_schema()["paths"])


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_never_answers_a_server_error_and_keeps_to_its_schema(case, api_token):
    # Undocumented 4xx codes (401/403/404 from need-to-know) and business-rule refusals of
    # schema-valid input are allowed; 5xx, schema violations and ignored authentication are not.
    case.call_and_validate(
        headers={"Authorization": f"Token {api_token}"},
        excluded_checks=[status_code_conformance, positive_data_acceptance],
    )
