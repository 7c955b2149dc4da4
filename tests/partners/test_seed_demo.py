import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp

from partners.demo import MUNICIPALITIES, TEAMS, demo_usernames
from partners.models import Membership, Municipality, Organisation, OrganisationKind, SafetyTeam, User
from security.demo import demo_totp_key_hex

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count() for model in (Municipality, Organisation, SafetyTeam, User, Membership)
    }


def test_seed_demo_builds_the_region_and_is_idempotent():
    call_command("seed_demo", cases=0)
    first = counts()
    hashes = dict(User.objects.values_list("username", "password"))

    call_command("seed_demo", cases=0)

    assert counts() == first
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert first["Municipality"] == 9 and set(Municipality.objects.values_list("name", flat=True)) == set(
        MUNICIPALITIES
    )
    assert first["SafetyTeam"] == len(TEAMS) == 3
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)


def test_every_demo_login_works(client):
    """Password plus the documented demo TOTP secret logs every demo user in, verified."""
    call_command("seed_demo", cases=0)
    key = demo_totp_key_hex()
    for username in demo_usernames():
        login = client.post(
            reverse("login"),
            {"login_view-current_step": "auth", "auth-username": username, "auth-password": settings.DEMO_PASSWORD},
        )
        assert login.status_code == 200, username
        code = f"{totp(bytes.fromhex(key)):06d}"
        done = client.post(reverse("login"), {"login_view-current_step": "token", "token-otp_token": code})
        assert done.status_code == 302, username
        assert client.get(reverse("home")).status_code == 200, username
        client.post(reverse("logout"))


def test_every_team_has_every_partner_kind_and_role():
    call_command("seed_demo", cases=0)
    for team in SafetyTeam.objects.all():
        assert set(team.organisations.values_list("kind", flat=True)) == set(OrganisationKind.values)
        roles = set(Membership.objects.filter(team=team).values_list("role", flat=True))
        assert roles == {"professional", "coordinator", "evaluator", "functional_admin", "privacy_officer"}
