"""Lockout after repeated wrong passwords (django-axes), and the API throttle per token."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.models import SecurityEvent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def password_step(client, username, password):
    return client.post(
        reverse("login"),
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR="203.0.113.7",
    )


@pytest.fixture
def user():
    user = MembershipFactory().user
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def test_the_policy_is_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, user):
    for _ in range(4):
        assert password_step(client, user.username, "fout-wachtwoord").status_code == 200
    locked = password_step(client, user.username, "fout-wachtwoord")
    assert locked.status_code == 429

    right = password_step(Client(), user.username, settings.DEMO_PASSWORD)

    assert right.status_code == 429
    assert "tijdelijk geblokkeerd" in right.content.decode()
    assert "15 minuten" in right.content.decode()
    failed = SecurityEvent.objects.filter(action="login_failed", username=user.username)
    assert failed.count() >= 5
    assert {e.ip for e in failed} == {"203.0.113.7"}
    assert SecurityEvent.objects.filter(action="locked_out", username=user.username).exists()


def test_the_lock_lifts_after_the_cooloff_period(client, user):
    for _ in range(5):
        password_step(client, user.username, "fout-wachtwoord")
    assert password_step(Client(), user.username, settings.DEMO_PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = password_step(Client(), user.username, settings.DEMO_PASSWORD)
    assert response.status_code == 200
    assert 'name="token-otp_token"' in response.content.decode()


def test_the_api_throttles_per_token(client, user, capsys, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    call_command("issue_token", user.username)
    call_command("issue_token", user.username)
    first, second = capsys.readouterr().out.split()

    answers = [client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {first}").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 200
