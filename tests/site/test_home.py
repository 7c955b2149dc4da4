import pytest
from django.urls import reverse

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_login_page_speaks_dutch_and_labels_its_fields(client):
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="nl">' in body
    assert '<label for="id_auth-username" ' in body and '<label for="id_auth-password" ' in body
    assert "Inloggen" in body


def test_the_login_page_is_available_in_english(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body


def test_home_shows_the_users_teams_and_organisations(client, login_verified):
    membership = MembershipFactory(role="coordinator")
    login_verified(client, membership.user)

    body = client.get(reverse("home")).content.decode()

    assert membership.team.name in body
    assert membership.organisation.name in body
    assert "coördinator" in body


def test_wrong_password_gives_a_dutch_error_and_no_session(client):
    membership = MembershipFactory()
    response = client.post(
        reverse("login"),
        {"login_view-current_step": "auth", "auth-username": membership.user.username, "auth-password": "fout"},
    )
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()
    assert "_auth_user_id" not in client.session
