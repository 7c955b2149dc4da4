import pytest
from django.urls import reverse

from partners.models import Membership, Organisation, SafetyTeam
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, login_verified):
    admin = UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    login_verified(client, admin)
    return client


def test_the_admin_refuses_an_organisation_without_a_kind(admin_client):
    response = admin_client.post(
        reverse("admin:partners_organisation_add"), {"name": "Zonder soort", "is_active": "on"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_kind_error"' in body and "Dit veld is vereist" in body
    assert not Organisation.objects.filter(name="Zonder soort").exists()


def test_the_admin_refuses_a_team_without_municipality(admin_client):
    response = admin_client.post(reverse("admin:partners_safetyteam_add"), {"name": "Los team"})

    assert response.status_code == 200
    assert "minstens één gemeente" in response.content.decode()
    assert not SafetyTeam.objects.filter(name="Los team").exists()


def test_the_admin_saves_a_team_with_a_municipality(admin_client):
    municipality = MunicipalityFactory()
    response = admin_client.post(
        reverse("admin:partners_safetyteam_add"), {"name": "Team Noord", "municipalities": [municipality.pk]}
    )
    assert response.status_code == 302
    assert SafetyTeam.objects.get(name="Team Noord").municipalities.get() == municipality


def test_the_admin_refuses_a_duplicate_membership(admin_client):
    existing = MembershipFactory()
    response = admin_client.post(
        reverse("admin:partners_membership_add"),
        {
            "user": existing.user.pk,
            "organisation": existing.organisation.pk,
            "team": existing.team.pk,
            "role": existing.role,
            "start_date": "2026-01-05",
        },
    )

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert Membership.objects.count() == 1


def test_the_admin_lists_filter_and_search_memberships(admin_client):
    MembershipFactory(user=UserFactory(full_name="Zoekbare Demo"))
    response = admin_client.get(
        reverse("admin:partners_membership_changelist"), {"q": "Zoekbare", "role": "professional"}
    )
    assert response.status_code == 200
    assert "Zoekbare Demo" in response.content.decode()
