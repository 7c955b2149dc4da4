import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_api_root_refuses_anonymous_callers(client):
    assert client.get("/api/v1/").status_code in (401, 403)


def test_issue_token_prints_a_token_that_opens_the_api(client, capsys, login_verified):
    user = MembershipFactory().user
    login_verified(Client(), user)  # gives the user a confirmed second factor
    call_command("issue_token", user.username)
    token = capsys.readouterr().out.strip()

    response = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert response.json()["user"] == user.username
    assert client.get("/api/v1/", HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 401


def test_the_api_root_answers_a_logged_in_session(client, login_verified):
    login_verified(client, MembershipFactory().user)
    assert client.get("/api/v1/").status_code == 200


def test_the_openapi_schema_and_docs_are_served(client, login_verified):
    login_verified(client, MembershipFactory().user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Veiligheidsteam API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
