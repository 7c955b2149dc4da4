import pytest
from django.conf import settings
from django.core.management import call_command

from partners.demo import MUNICIPALITIES, TEAMS, demo_usernames
from partners.models import Membership, Municipality, Organisation, OrganisationKind, SafetyTeam, User

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
    call_command("seed_demo", cases=0)
    for username in demo_usernames():
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
        client.logout()


def test_every_team_has_every_partner_kind_and_role():
    call_command("seed_demo", cases=0)
    for team in SafetyTeam.objects.all():
        assert set(team.organisations.values_list("kind", flat=True)) == set(OrganisationKind.values)
        roles = set(Membership.objects.filter(team=team).values_list("role", flat=True))
        assert roles == {"professional", "coordinator", "evaluator", "functional_admin", "privacy_officer"}
