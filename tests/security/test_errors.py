"""Errors are plain Dutch pages: never a stack trace, never Django's debug page."""

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import include, path

from tests.factories import MembershipFactory


def boom(request: HttpRequest):
    raise RuntimeError("geheime details uit de code")


urlpatterns = [path("boom/", boom), path("", include("safetyteams.urls"))]

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_plain_dutch_404(client, login_verified):
    login_verified(client, MembershipFactory().user)
    response = client.get("/bestaat/niet/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Pagina niet gevonden" in body and "Traceback" not in body and "urlpatterns" not in body


@pytest.mark.urls("tests.security.test_errors")
def test_a_server_error_shows_a_plain_dutch_page_without_a_stack_trace(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis" in body
    assert "Traceback" not in body and "geheime details" not in body and "RuntimeError" not in body


def test_a_csrf_failure_is_a_plain_dutch_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"auth-username": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Verzoek geweigerd" in body and "CSRF" not in body
