"""The coordinator's page of memberships waiting for confirmation."""

import pytest
from django.urls import reverse

from partners.models import MembershipStatus, Role
from partners.services import membership_create
from tests.factories import OrganisationFactory, SafetyTeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(make_member, team):
    return make_member(team, role=Role.FUNCTIONAL_ADMIN)


@pytest.fixture
def coordinator(make_member, team, client, login_verified):
    user = make_member(team, role=Role.COORDINATOR)
    login_verified(client, user)
    return user


def ask(admin, team, *, role=Role.PROFESSIONAL, full_name="Nieuwe Demo-Collega"):
    organisation = OrganisationFactory()
    team.organisations.add(organisation)
    user = UserFactory(full_name=full_name)
    return membership_create(actor=admin, user=user, organisation=organisation, team=team, role=role)


def test_a_coordinator_sees_what_waits_in_their_team_and_nothing_of_other_teams(
    client, coordinator, admin, team, make_member
):
    ask(admin, team, full_name="Wachtende Demo")
    other_team = SafetyTeamFactory()
    ask(make_member(other_team, role=Role.FUNCTIONAL_ADMIN), other_team, full_name="Ander Team Demo")

    response = client.get(reverse("membership-confirmations"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Wachtende Demo" in body and "Ander Team Demo" not in body
    assert admin.get_full_name() in body  # who asked
    assert reverse("membership-confirmations") in client.get(reverse("home")).content.decode()  # in the menu


def test_a_coordinator_confirms_on_the_page(client, coordinator, admin, team):
    membership = ask(admin, team)

    response = client.post(reverse("membership-decide", args=[membership.pk]), {"decision": "confirm"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.decided_by) == (MembershipStatus.ACTIVE, coordinator)
    assert "Er wacht niets op uw bevestiging." in client.get(reverse("membership-confirmations")).content.decode()


def test_a_coordinator_refuses_on_the_page(client, coordinator, admin, team):
    membership = ask(admin, team, role=Role.COORDINATOR)
    client.post(reverse("membership-decide", args=[membership.pk]), {"decision": "refuse"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REFUSED


def test_a_membership_of_another_team_answers_404(client, coordinator, make_member):
    other_team = SafetyTeamFactory()
    membership = ask(make_member(other_team, role=Role.FUNCTIONAL_ADMIN), other_team)

    response = client.post(reverse("membership-decide", args=[membership.pk]), {"decision": "confirm"})

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_the_member_cannot_confirm_themselves_on_the_page(client, login_verified, admin, team, make_member):
    newcomer = make_member(team, role=Role.COORDINATOR)
    organisation = OrganisationFactory()
    team.organisations.add(organisation)
    membership = membership_create(
        actor=admin, user=newcomer, organisation=organisation, team=team, role=Role.COORDINATOR
    )
    login_verified(client, newcomer)

    page = client.get(reverse("membership-confirmations")).content.decode()
    response = client.post(reverse("membership-decide", args=[membership.pk]), {"decision": "confirm"})

    assert "Een andere coördinator van het team beslist hierover." in page
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.FUNCTIONAL_ADMIN])
def test_the_page_is_for_coordinators_only(client, login_verified, make_member, team, role):
    login_verified(client, make_member(team, role=role))
    assert client.get(reverse("membership-confirmations")).status_code == 403


def test_an_unknown_decision_changes_nothing(client, coordinator, admin, team):
    membership = ask(admin, team)
    response = client.post(reverse("membership-decide", args=[membership.pk]), {"decision": "misschien"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_the_page_reads_a_fixed_number_of_queries_for_one_or_many(
    client, coordinator, admin, team, django_assert_num_queries
):
    ask(admin, team)
    client.get(reverse("membership-confirmations"))  # warm up the session and the caches
    # session, user, 2FA device, memberships (read once), the pending rows, unread count; savepoint + release
    with django_assert_num_queries(8):
        client.get(reverse("membership-confirmations"))
    for n in range(4):
        ask(admin, team, full_name=f"Extra Demo {n}")
    with django_assert_num_queries(8):
        response = client.get(reverse("membership-confirmations"))

    assert response.content.decode().count("Bevestigen</button>") == 5
