"""Issue #15's findings, replayed as an administrator set up the old way (staff flag plus a group holding
every partners and workflows permission): none of that opens a way to take over accounts any more.
These tests use nothing new, so on the code before the fix each of them fails."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from partners.models import Membership, Role
from tests.factories import OrganisationFactory, SafetyTeamFactory

pytestmark = pytest.mark.django_db

TAKEN_OVER = "Overgenomen-2026!x"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def old_style_admin(team, make_member, client, login_verified):
    org = OrganisationFactory()
    team.organisations.add(org)
    admin = make_member(team, role=Role.FUNCTIONAL_ADMIN, organisation=org, is_staff=True)
    group, _ = Group.objects.get_or_create(name="Functioneel beheer")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=["partners", "workflows"]))
    admin.groups.add(group)
    login_verified(client, admin)
    return admin


@pytest.fixture
def other_team(make_member):
    team = SafetyTeamFactory()
    org = OrganisationFactory()
    team.organisations.add(org)
    team.coordinator = make_member(team, role=Role.COORDINATOR, organisation=org)
    team.org = org
    return team


def test_the_user_form_offers_no_rights_fields(client, old_style_admin):
    form = client.get(reverse("admin:partners_user_change", args=[old_style_admin.pk])).context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions", "password"} & set(form.fields)


def test_an_administrator_cannot_make_themselves_superuser(client, old_style_admin):
    client.post(
        reverse("admin:partners_user_change", args=[old_style_admin.pk]),
        {
            "username": old_style_admin.username,
            "full_name": old_style_admin.full_name,
            "email": old_style_admin.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    old_style_admin.refresh_from_db()
    assert not old_style_admin.is_superuser


def test_an_administrator_cannot_set_the_password_of_another_teams_coordinator(client, old_style_admin, other_team):
    client.post(
        reverse("admin:partners_user_change", args=[other_team.coordinator.pk]).replace("/change/", "/password/"),
        {"password1": TAKEN_OVER, "password2": TAKEN_OVER},
    )
    other_team.coordinator.refresh_from_db()
    assert not other_team.coordinator.check_password(TAKEN_OVER)


def test_an_administrator_cannot_make_themselves_coordinator_of_another_team(client, old_style_admin, other_team):
    client.post(
        reverse("admin:partners_membership_add"),
        {
            "user": old_style_admin.pk,
            "organisation": other_team.org.pk,
            "team": other_team.pk,
            "role": Role.COORDINATOR,
            "start_date": "2026-01-05",
        },
    )
    assert not Membership.objects.filter(user=old_style_admin, team=other_team).exists()


def test_an_administrator_cannot_give_themselves_the_right_to_see_second_factor_devices(client, old_style_admin):
    client.post(
        reverse("admin:partners_user_change", args=[old_style_admin.pk]),
        {
            "username": old_style_admin.username,
            "full_name": old_style_admin.full_name,
            "email": old_style_admin.email,
            "is_active": "on",
            "is_staff": "on",
            "groups": list(old_style_admin.groups.values_list("pk", flat=True)),
            "user_permissions": [Permission.objects.get(codename="view_totpdevice").pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert not old_style_admin.user_permissions.exists()
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403
