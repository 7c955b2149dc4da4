"""Two-factor login: nothing protected without it, with it everything the user may see."""

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from security.models import SecurityEvent
from tests.factories import MembershipFactory, UserFactory
from tests.twofactor import totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "veilig-demo-2026"


def login_step(client, username, password=PASSWORD):
    return client.post(
        reverse("login"),
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
    )


def token_step(client, code):
    return client.post(reverse("login"), {"login_view-current_step": "token", "token-otp_token": code})


@pytest.fixture
def professional():
    return MembershipFactory().user


@pytest.fixture
def with_app(professional):
    return TOTPDevice.objects.create(user=professional, name="default", confirmed=True)


def protected_urls():
    return [reverse("home"), reverse("security:account"), reverse("admin:index"), "/een/pagina/die/niemand/bouwde/"]


def test_a_user_without_second_factor_is_sent_to_setup_from_every_protected_page(client, professional):
    client.force_login(professional)
    for url in protected_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("two_factor:setup"), url
    assert SecurityEvent.objects.filter(action="access_denied", username=professional.username).count() == 4


def test_force_login_with_a_device_but_no_code_reaches_nothing_and_ends_the_session(client, professional, with_app):
    client.force_login(professional)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_the_api_refuses_an_unverified_session_and_answers_a_verified_one(client, professional, login_verified):
    client.force_login(professional)
    assert client.get("/api/v1/").status_code in (401, 403)
    login_verified(client, professional)
    assert client.get("/api/v1/").status_code == 200


def test_password_and_app_code_log_in_with_a_new_session_id(client, professional, with_app):
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    step = login_step(client, professional.username)
    assert 'name="token-otp_token"' in step.content.decode()
    assert "_auth_user_id" not in client.session, "the password alone logs nobody in"

    done = token_step(client, totp_code(with_app))

    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert before is None or client.cookies["sessionid"].value != before.value
    events = set(SecurityEvent.objects.filter(username=professional.username).values_list("action", flat=True))
    assert {"login", "otp_verified"} <= events


def test_a_wrong_app_code_is_refused_and_logged(client, professional, with_app):
    login_step(client, professional.username)
    response = token_step(client, "000000" if totp_code(with_app) != "000000" else "111111")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    failed = SecurityEvent.objects.get(action="login_failed", username=professional.username)
    assert failed.detail == {"step": "token"}


def test_a_backup_code_works_once(professional, with_app):
    backup = StaticDevice.objects.create(user=professional, name="backup", confirmed=True)
    backup.token_set.create(token="abcd1234")
    backup.token_set.create(token="efgh5678")

    first = Client()
    login_step(first, professional.username)
    first.post(reverse("login"), {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    ok = first.post(reverse("login"), {"login_view-current_step": "backup", "backup-otp_token": "abcd1234"})
    assert ok.status_code == 302
    assert first.get(reverse("home")).status_code == 200

    second = Client()
    login_step(second, professional.username)
    second.post(reverse("login"), {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    again = second.post(reverse("login"), {"login_view-current_step": "backup", "backup-otp_token": "abcd1234"})
    assert again.status_code == 200
    assert "_auth_user_id" not in second.session
    assert list(backup.token_set.values_list("token", flat=True)) == ["efgh5678"]


def test_setup_walks_a_new_user_through_the_app_in_dutch(client, professional):
    login_step(client, professional.username)
    assert client.get(reverse("home"))["Location"] == reverse("two_factor:setup")
    welcome = client.get(reverse("two_factor:setup"))
    assert "Tweestapsverificatie instellen" in welcome.content.decode()
    generator = client.post(reverse("two_factor:setup"), {"setup_view-current_step": "welcome"})
    body = generator.content.decode()
    assert "Scan deze QR-code" in body and reverse("two_factor:qr") in body
    key = client.session["wizard_setup_view"]["extra_data"]["keys"]["generator"]
    code = f"{totp(bytes.fromhex(key)):06d}"

    done = client.post(reverse("two_factor:setup"), {"setup_view-current_step": "generator", "generator-token": code})

    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user=professional, confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 200, "the session is verified by the setup"
    assert SecurityEvent.objects.filter(action="otp_device_added", username=professional.username).exists()


def test_the_disable_view_of_two_factor_is_not_offered(client, professional, login_verified):
    login_verified(client, professional)
    assert client.get("/accounts/account/two_factor/disable/").status_code == 404


def test_issue_token_refuses_a_user_without_second_factor_and_logs_it(professional):
    with pytest.raises(CommandError):
        call_command("issue_token", professional.username)
    assert not AuthToken.objects.filter(user=professional).exists()
    assert SecurityEvent.objects.filter(action="token_refused", username=professional.username).exists()


def test_a_token_stops_working_when_the_second_factor_is_gone_or_revoked(client, professional, with_app, capsys):
    call_command("issue_token", professional.username)
    token = capsys.readouterr().out.strip()
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get("/api/v1/", **auth).status_code == 200

    with_app.delete()
    assert client.get("/api/v1/", **auth).status_code == 401

    TOTPDevice.objects.create(user=professional, name="default", confirmed=True)
    assert client.get("/api/v1/", **auth).status_code == 200
    call_command("revoke_tokens", professional.username)
    assert client.get("/api/v1/", **auth).status_code == 401
    assert SecurityEvent.objects.filter(action="token_revoked", username=professional.username).exists()


def test_an_admin_reset_removes_the_second_factor_ends_sessions_and_is_logged(professional, with_app, login_verified):
    admin = UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    admin_client = Client()
    login_verified(admin_client, admin)
    user_client = Client()
    login_verified(user_client, professional)

    response = admin_client.post(
        reverse("admin:partners_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [professional.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=professional).exists()
    assert user_client.get(reverse("home")).status_code == 302
    reset = SecurityEvent.objects.get(action="otp_reset", username=professional.username)
    assert reset.detail["by"] == "beheerder"


def test_the_admin_login_page_is_not_a_way_around_the_second_factor(client):
    response = client.get("/beheer/login/?next=/beheer/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Session.objects.count() == 0
