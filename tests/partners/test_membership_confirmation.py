"""No one grants themselves a membership; a case role asked by an administrator waits for a coordinator."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from partners import hooks
from partners.models import Membership, MembershipStatus, Role
from partners.selectors import memberships_of, teams_of, user_coordinates_team
from partners.services import (
    MEMBERSHIP_CONFIRM_NOT_COORDINATOR,
    MEMBERSHIP_CONFIRM_OWN_REQUEST,
    MEMBERSHIP_CONFIRM_SELF,
    MEMBERSHIP_NOT_PENDING,
    MEMBERSHIP_REGION_NOT_ADMINISTERED,
    MEMBERSHIP_SELF,
    MEMBERSHIP_TEAM_NOT_ADMINISTERED,
    membership_confirm,
    membership_create,
    membership_end,
    membership_refuse,
)
from security.models import SecurityEvent, UserSession
from tests.factories import MembershipFactory, OrganisationFactory, SafetyTeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(team):
    organisation = OrganisationFactory(kind="veilig_thuis")
    team.organisations.add(organisation)
    return organisation


@pytest.fixture
def admin(make_member, team):
    return make_member(team, role=Role.FUNCTIONAL_ADMIN)


@pytest.fixture
def coordinator(make_member, team):
    return make_member(team, role=Role.COORDINATOR)


@pytest.mark.parametrize("role", Role.values)
def test_an_administrator_cannot_grant_themselves_any_role(admin, team, org, role):
    with pytest.raises(ValidationError) as exc:
        membership_create(actor=admin, user=admin, organisation=org, team=team, role=role)

    assert exc.value.message_dict["user"] == [str(MEMBERSHIP_SELF)]
    assert list(Membership.objects.filter(user=admin).values_list("role", flat=True)) == [Role.FUNCTIONAL_ADMIN]


def test_a_superuser_cannot_grant_themselves_a_membership_either(team, org):
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as exc:
        membership_create(actor=superuser, user=superuser, organisation=org, team=team, role=Role.COORDINATOR)
    assert "user" in exc.value.message_dict


def test_an_administrator_cannot_end_their_own_membership(admin):
    with pytest.raises(PermissionDenied):
        membership_end(actor=admin, membership=admin.memberships.get())
    assert admin.memberships.get().end_date is None


def test_an_administrator_of_one_team_grants_nothing_in_another(admin, make_member):
    other_team = SafetyTeamFactory()
    other_org = OrganisationFactory()
    other_team.organisations.add(other_org)
    other_member = make_member(other_team, organisation=other_org)

    with pytest.raises(ValidationError) as exc:
        membership_create(actor=admin, user=UserFactory(), organisation=other_org, team=other_team, role="evaluator")
    assert exc.value.message_dict["team"] == [str(MEMBERSHIP_TEAM_NOT_ADMINISTERED)]
    with pytest.raises(ValidationError):
        membership_end(actor=admin, membership=other_member.memberships.get())
    with pytest.raises(ValidationError) as exc:
        membership_create(actor=admin, user=UserFactory(), organisation=other_org, team=None, role="privacy_officer")
    assert exc.value.message_dict["team"] == [str(MEMBERSHIP_REGION_NOT_ADMINISTERED)]
    assert other_member.memberships.get().end_date is None


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.COORDINATOR])
def test_a_case_role_asked_by_an_administrator_is_pending_and_grants_nothing(admin, team, org, role):
    user = UserFactory()

    membership = membership_create(actor=admin, user=user, organisation=org, team=team, role=role)

    assert (membership.status, membership.requested_by) == (MembershipStatus.PENDING, admin)
    assert not membership.is_active()
    assert not memberships_of(user).exists()
    assert list(teams_of(user)) == []
    assert not user_coordinates_team(user, team.pk)


def test_a_role_without_case_access_asked_by_an_administrator_holds_at_once(admin, team, org):
    user = UserFactory()
    membership = membership_create(actor=admin, user=user, organisation=org, team=team, role=Role.EVALUATOR)
    assert membership.status == MembershipStatus.ACTIVE and memberships_of(user).get() == membership


def test_a_region_wide_administrator_asks_in_any_team(team, org):
    region_admin = MembershipFactory(role=Role.FUNCTIONAL_ADMIN, team=None).user
    membership = membership_create(
        actor=region_admin, user=UserFactory(), organisation=org, team=team, role=Role.COORDINATOR
    )
    assert membership.status == MembershipStatus.PENDING


def test_a_coordinator_of_the_team_confirms_and_then_it_grants(admin, coordinator, team, org):
    user = UserFactory()
    membership = membership_create(actor=admin, user=user, organisation=org, team=team, role=Role.COORDINATOR)

    confirmed = membership_confirm(membership=membership, confirmed_by=coordinator)

    assert (confirmed.status, confirmed.decided_by, confirmed.requested_by) == (
        MembershipStatus.ACTIVE,
        coordinator,
        admin,
    )
    assert confirmed.decided_at is not None
    assert user_coordinates_team(user, team.pk)


def test_no_one_confirms_their_own_membership(admin, team, org, make_member):
    # The newcomer already coordinates the team through another organisation: still not their own.
    newcomer = make_member(team, role=Role.COORDINATOR)
    membership = membership_create(actor=admin, user=newcomer, organisation=org, team=team, role=Role.COORDINATOR)

    with pytest.raises(PermissionDenied) as exc:
        membership_confirm(membership=membership, confirmed_by=newcomer)

    assert str(exc.value) == str(MEMBERSHIP_CONFIRM_SELF)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


@pytest.mark.parametrize("who", ["professional", "admin", "coordinator_elsewhere", "superuser"])
def test_only_a_coordinator_of_the_team_confirms(admin, team, org, make_member, who):
    membership = membership_create(actor=admin, user=UserFactory(), organisation=org, team=team, role="professional")
    confirmer = {
        "professional": lambda: make_member(team),
        "admin": lambda: make_member(team, role=Role.FUNCTIONAL_ADMIN),
        "coordinator_elsewhere": lambda: make_member(SafetyTeamFactory(), role=Role.COORDINATOR),
        "superuser": lambda: UserFactory(is_superuser=True),
    }[who]()

    with pytest.raises(PermissionDenied) as exc:
        membership_confirm(membership=membership, confirmed_by=confirmer)
    with pytest.raises(PermissionDenied):
        membership_refuse(membership=membership, refused_by=confirmer)

    assert str(exc.value) == str(MEMBERSHIP_CONFIRM_NOT_COORDINATOR)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_whoever_asked_does_not_confirm_even_as_coordinator(team, org, make_member):
    admin_and_coordinator = make_member(team, role=Role.COORDINATOR)
    MembershipFactory(user=admin_and_coordinator, team=team, role=Role.FUNCTIONAL_ADMIN)
    membership = membership_create(
        actor=admin_and_coordinator, user=UserFactory(), organisation=org, team=team, role=Role.COORDINATOR
    )

    with pytest.raises(PermissionDenied) as exc:
        membership_confirm(membership=membership, confirmed_by=admin_and_coordinator)
    assert str(exc.value) == str(MEMBERSHIP_CONFIRM_OWN_REQUEST)


def test_a_refused_membership_never_grants_and_can_be_asked_again(admin, coordinator, team, org):
    user = UserFactory()
    membership = membership_create(actor=admin, user=user, organisation=org, team=team, role=Role.PROFESSIONAL)

    refused = membership_refuse(membership=membership, refused_by=coordinator)

    assert refused.status == MembershipStatus.REFUSED and refused.end_date is not None
    assert not memberships_of(user).exists()
    again = membership_create(actor=admin, user=user, organisation=org, team=team, role=Role.PROFESSIONAL)
    assert again.status == MembershipStatus.PENDING


def test_a_decided_membership_is_not_decided_again(admin, coordinator, team, org, make_member):
    membership = membership_create(actor=admin, user=UserFactory(), organisation=org, team=team, role="professional")
    stale = Membership.objects.get(pk=membership.pk)
    membership_confirm(membership=membership, confirmed_by=coordinator)

    with pytest.raises(ValidationError) as exc:
        membership_refuse(membership=stale, refused_by=make_member(team, role=Role.COORDINATOR))

    assert exc.value.messages == [str(MEMBERSHIP_NOT_PENDING)]
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.ACTIVE


def test_a_pending_membership_is_refused_not_ended(admin, team, org):
    membership = membership_create(actor=admin, user=UserFactory(), organisation=org, team=team, role="professional")
    with pytest.raises(ValidationError) as exc:
        membership_end(actor=admin, membership=membership)
    assert "end_date" in exc.value.message_dict


def test_an_end_date_is_only_brought_forward(admin, make_member, team):
    member = make_member(team)
    membership = member.memberships.get()
    membership_end(actor=admin, membership=membership, end_date=date(2099, 6, 1))

    with pytest.raises(ValidationError) as exc:
        membership_end(actor=admin, membership=membership, end_date=date(2099, 7, 1))

    assert "end_date" in exc.value.message_dict
    assert Membership.objects.get(pk=membership.pk).end_date == date(2099, 6, 1)


def test_asking_confirming_refusing_and_ending_are_in_the_security_log(admin, coordinator, team, org):
    asked = membership_create(actor=admin, user=UserFactory(), organisation=org, team=team, role="coordinator")
    membership_confirm(membership=asked, confirmed_by=coordinator)
    other = membership_create(actor=admin, user=UserFactory(), organisation=org, team=team, role="professional")
    membership_refuse(membership=other, refused_by=coordinator)
    membership_end(actor=admin, membership=asked)

    rows = SecurityEvent.objects.filter(action__startswith="membership_").order_by("id")
    assert [(r.action, r.username, r.detail["by"], r.detail["membership"]) for r in rows] == [
        ("membership_pending", asked.user.username, admin.username, asked.pk),
        ("membership_confirmed", asked.user.username, coordinator.username, asked.pk),
        ("membership_pending", other.user.username, admin.username, other.pk),
        ("membership_refused", other.user.username, coordinator.username, other.pk),
        ("membership_ended", asked.user.username, admin.username, asked.pk),
    ]
    assert rows[0].detail["role"] == "coordinator" and rows[0].detail["team"] == team.name


def test_the_hooks_run_inside_the_services_transaction_and_a_failure_undoes_the_change(
    admin, make_member, team, client, login_verified, monkeypatch
):
    member = make_member(team)
    login_verified(client, member)
    seen = []

    def boom(*, membership, actor, request):
        seen.append(connection.in_atomic_block)
        raise RuntimeError("participations could not be ended")

    monkeypatch.setattr(hooks.REGISTRY, "membership_ended", [*hooks.REGISTRY.membership_ended, boom])
    membership = member.memberships.get()
    with pytest.raises(RuntimeError):
        membership_end(actor=admin, membership=membership)

    assert seen == [True]
    assert Membership.objects.get(pk=membership.pk).end_date is None
    assert not SecurityEvent.objects.filter(action="membership_ended").exists()
    assert UserSession.objects.filter(user=member).exists()  # the session end rolled back with it


def test_registering_a_callback_twice_runs_it_once(monkeypatch, admin, make_member, team):
    monkeypatch.setattr(hooks.REGISTRY, "membership_ended", list(hooks.REGISTRY.membership_ended))
    calls = []

    def count(*, membership, actor, request):
        calls.append(membership.pk)

    hooks.on_membership_ended(count)
    hooks.on_membership_ended(count)
    membership_end(actor=admin, membership=make_member(team).memberships.get())

    assert len(calls) == 1
