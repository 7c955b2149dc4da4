from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partners.models import Membership, MembershipStatus, Organisation, Role, SafetyTeam
from partners.selectors import coordinated_team_ids, memberships_of, teams_of, user_coordinates_team
from partners.services import (
    membership_confirm,
    membership_create,
    membership_end,
    organisation_create,
    team_create,
)
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, SafetyTeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_lists_a_users_roles_per_team_and_organisation(make_member):
    team_a, team_b = SafetyTeamFactory(), SafetyTeamFactory()
    user = make_member(team_a, role=Role.PROFESSIONAL)
    org_b = OrganisationFactory(kind="veilig_thuis")
    MembershipFactory(user=user, team=team_b, organisation=org_b, role=Role.COORDINATOR)

    roles = {(m.team_id, m.organisation.kind, m.role) for m in memberships_of(user)}

    assert roles == {(team_a.pk, "cvc", Role.PROFESSIONAL), (team_b.pk, "veilig_thuis", Role.COORDINATOR)}
    assert set(teams_of(user)) == {team_a, team_b}
    assert coordinated_team_ids(user) == [team_b.pk]


def test_a_coordinator_cannot_make_someone_coordinator_of_another_team(make_member):
    team_a, team_b = SafetyTeamFactory(), SafetyTeamFactory()
    coordinator = make_member(team_a, role=Role.COORDINATOR)
    org = OrganisationFactory()
    team_b.organisations.add(org)
    other = UserFactory()

    with pytest.raises(PermissionDenied):
        membership_create(actor=coordinator, user=other, organisation=org, team=team_b, role=Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        membership_create(actor=coordinator, user=other, organisation=org, team=team_a, role=Role.COORDINATOR)
    assert not Membership.objects.filter(user=other).exists()


def test_a_coordinator_can_add_a_professional_to_their_own_team(make_member, team):
    coordinator = make_member(team, role=Role.COORDINATOR)
    org = team.organisations.first()
    newcomer = UserFactory()

    membership = membership_create(
        actor=coordinator, user=newcomer, organisation=org, team=team, role=Role.PROFESSIONAL
    )

    assert membership.is_active()
    assert list(teams_of(newcomer)) == [team]


def test_a_coordinator_made_by_a_functional_admin_coordinates_once_a_coordinator_confirms(make_member, team):
    admin = make_member(team, role=Role.FUNCTIONAL_ADMIN)
    coordinator = make_member(team, role=Role.COORDINATOR)
    org = OrganisationFactory()
    team.organisations.add(org)
    user = UserFactory()

    membership = membership_create(actor=admin, user=user, organisation=org, team=team, role=Role.COORDINATOR)
    assert membership.status == MembershipStatus.PENDING and not user_coordinates_team(user, team.pk)

    membership_confirm(membership=membership, confirmed_by=coordinator)
    assert user_coordinates_team(user, team.pk)


def test_an_ended_membership_grants_nothing(make_member, team):
    admin = make_member(team, role=Role.FUNCTIONAL_ADMIN)
    coordinator = make_member(team, role=Role.COORDINATOR)
    membership = coordinator.memberships.get()

    membership_end(actor=admin, membership=membership, end_date=timezone.localdate())

    assert not memberships_of(coordinator).exists()
    assert not user_coordinates_team(coordinator, team.pk)
    assert list(teams_of(coordinator)) == []


def test_a_membership_that_ends_tomorrow_still_counts_today(make_member, team):
    user = make_member(team)
    Membership.objects.filter(user=user).update(end_date=timezone.localdate() + timedelta(days=1))
    assert memberships_of(user).count() == 1


def test_a_duplicate_membership_is_refused_with_a_clear_message(make_member, team):
    admin = make_member(team, role=Role.FUNCTIONAL_ADMIN)
    user = make_member(team)
    existing = user.memberships.get()

    with pytest.raises(ValidationError) as exc:
        membership_create(actor=admin, user=user, organisation=existing.organisation, team=team, role=existing.role)

    assert "heeft deze rol hier al" in str(exc.value.message_dict["role"])
    assert user.memberships.count() == 1


def test_a_membership_for_an_organisation_outside_the_team_is_refused(make_member, team):
    admin = make_member(team, role=Role.FUNCTIONAL_ADMIN)
    outsider = OrganisationFactory()

    with pytest.raises(ValidationError) as exc:
        membership_create(actor=admin, user=UserFactory(), organisation=outsider, team=team, role=Role.PROFESSIONAL)

    assert "organisation" in exc.value.message_dict


def test_an_organisation_without_a_kind_is_refused():
    with pytest.raises(ValidationError) as exc:
        organisation_create(name="Zonder soort", kind="")

    assert "kind" in exc.value.message_dict
    assert not Organisation.objects.filter(name="Zonder soort").exists()


def test_a_team_without_municipality_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as exc:
        team_create(name="Team zonder gemeente", municipalities=[])

    assert "gemeente" in exc.value.message_dict["municipalities"][0]
    assert not SafetyTeam.objects.filter(name="Team zonder gemeente").exists()


def test_a_team_serves_its_municipalities():
    m1, m2 = MunicipalityFactory(), MunicipalityFactory()
    team = team_create(name="Team Zuid", municipalities=[m1, m2])
    assert set(team.municipalities.all()) == {m1, m2}
