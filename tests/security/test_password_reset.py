"""A password is set by its user only, through a one-time link an administrator has mailed to them."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from knox.models import AuthToken

from partners.models import Role
from security.models import SecurityEvent, UserSession
from security.services import otp_devices_reset, password_reset_send
from tests.factories import SafetyTeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nieuw-en-lang-2026!"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(make_member, team, client, login_verified):
    user = make_member(team, role=Role.FUNCTIONAL_ADMIN, username="teambeheer")
    login_verified(client, user)
    return user


@pytest.fixture
def member(make_member, team):
    return make_member(team, email="lid@test.invalid")


def _send(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("admin:partners_user_changelist"),
            {"action": "send_password_reset", "_selected_action": [user.pk]},
            follow=True,
        )


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/wachtwoord/\S+/)", message.body).group(1)


def test_an_administrator_mails_a_one_time_link_and_only_the_user_sets_the_password(
    client, admin, member, login_verified, django_capture_on_commit_callbacks
):
    laptop = Client()
    login_verified(laptop, member)
    old_password = member.password

    response = _send(client, member, django_capture_on_commit_callbacks)

    assert "1 e-mail verstuurd" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["lid@test.invalid"] and "wachtwoord" in message.subject
    member.refresh_from_db()
    assert member.password == old_password  # sending changes nothing yet

    visitor = Client()
    form_page = visitor.get(_link(message), follow=True)
    assert form_page.status_code == 200 and "Nieuw wachtwoord instellen" in form_page.content.decode()
    done = visitor.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    assert "Wachtwoord ingesteld" in done.content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in visitor.session  # no login: both factors at the next login
    assert not UserSession.objects.filter(user=member).exists()
    assert not Session.objects.filter(session_key=laptop.session.session_key).exists()
    actions = list(SecurityEvent.objects.filter(username=member.username).values_list("action", flat=True))
    assert "password_reset_sent" in actions and "password_reset_done" in actions
    assert SecurityEvent.objects.get(action="password_reset_sent").detail["by"] == "teambeheer"

    again = Client().get(_link(message), follow=True)
    assert "Deze link werkt niet meer" in again.content.decode()


def test_no_mail_for_an_account_without_an_e_mail_address(
    client, admin, make_member, team, django_capture_on_commit_callbacks
):
    silent = make_member(team, email="")
    response = _send(client, silent, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert "zonder e-mailadres" in response.content.decode()


def test_a_team_administrator_resets_nothing_of_someone_in_another_team(admin, make_member):
    outsider = make_member(SafetyTeamFactory(), email="ander@test.invalid")
    request = RequestFactory().post("/")
    request.user = admin
    with pytest.raises(PermissionDenied):
        password_reset_send(user=outsider, actor=admin, request=request)
    with pytest.raises(PermissionDenied):
        otp_devices_reset(user=outsider, actor=admin)
    assert mail.outbox == []


def test_a_functional_admin_deactivating_an_account_ends_its_sessions_and_tokens(client, admin, member, login_verified):
    phone = Client()
    login_verified(phone, member)
    AuthToken.objects.create(user=member)

    response = client.post(
        reverse("admin:partners_user_change", args=[member.pk]),
        {"full_name": member.full_name, "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert not AuthToken.objects.filter(user=member).exists()
    assert phone.get(reverse("home")).status_code == 302
    assert SecurityEvent.objects.filter(action="user_deactivated", username=member.username).exists()


def test_the_reset_confirmation_page_answers_a_broken_link_in_dutch(client):
    response = client.get(reverse("security:password_reset_confirm", args=["MTIz", "kapot-token"]))
    assert response.status_code == 200
    assert "Deze link werkt niet meer" in response.content.decode()


def test_a_superuser_also_sends_the_reset_and_never_sets_it(
    client, login_verified, member, django_capture_on_commit_callbacks
):
    login_verified(client, UserFactory(username="root-test", is_superuser=True))
    _send(client, member, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
