from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import LegalBasis
from cases.retention.models import RetentionRule
from cases.selectors import cases_visible_to
from partners.models import IdentityProvider, Membership, MembershipStatus, Organisation, Role, SafetyTeam, User
from partners.selectors import user_coordinates_team
from partners.services import membership_confirm, membership_create
from security.models import SecurityEvent
from tests.cases.conftest import open_case
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    SafetyTeamFactory,
    UserFactory,
)
from workflows.deadlines.models import DeadlineRule, GelijkgesteldeDag

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


# ---------------------------------------------------------------------------------------------------
# A functional administrator: administers their own team and nothing else, grants no rights.

FORBIDDEN_FIELDS = {
    "is_superuser",
    "is_staff",
    "groups",
    "user_permissions",
    "password",
    "password1",
    "password2",
    "usable_password",
    "key",
    "bin_key",
    "token_set",
    "status",
    "requested_by",
    "decided_by",
    "decided_at",
}
PROVIDER_FIELDS = [
    "organisation",
    "issuer",
    "client_id",
    "client_secret",
    "allowed_domains",
    "mfa_acr_values",
    "is_active",
]
RULE_FIELDS = sorted(f.name for f in DeadlineRule._meta.fields if f.editable and not f.primary_key)
# Per admin: the add form's fields (None: may not add) and the change form's fields for an object of
# their own team ([]: may only look). Every admin registered on the site is in this table or the next.
FUNCTIONAL_ADMIN_FORMS = {
    "partners.User": (["username", "full_name", "email"], ["full_name", "is_active"]),
    "partners.Municipality": (None, []),
    "partners.Organisation": (["name", "kind", "is_active"], ["name", "kind", "is_active"]),
    "partners.SafetyTeam": (None, ["name", "municipalities", "organisations"]),
    "partners.Membership": (["user", "organisation", "team", "role", "start_date"], ["end_date"]),
    "workflows.DeadlineRule": (RULE_FIELDS, RULE_FIELDS),
    "workflows.GelijkgesteldeDag": (None, []),
    "cases.LegalBasis": (None, []),  # the region's statutory list: a team administrator reads it
    "partners.IdentityProvider": (PROVIDER_FIELDS, PROVIDER_FIELDS),
    # Region-wide, like the calendar: a team's administrator reads them (cases.retention).
    "cases.RetentionRule": (None, []),
}
SUPERUSER_ONLY = {
    "auth.Group",
    "knox.AuthToken",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "security.SecurityEvent",
    "security.UserSession",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(team, make_member):
    """`team` with its administrator, a member and a rule; `other_team` with the same, administered by someone else."""
    org = OrganisationFactory(name="Eigen CVC")
    team.organisations.add(org)
    other_team = SafetyTeamFactory(name="Ander team")
    other_org = OrganisationFactory(name="Andere CVC")
    other_team.organisations.add(other_org)
    w = SimpleNamespace(team=team, org=org, other_team=other_team, other_org=other_org)
    w.admin = make_member(team, role=Role.FUNCTIONAL_ADMIN, organisation=org, username="teambeheer")
    w.member = make_member(team, organisation=org, full_name="Eigen Demo-Lid")
    w.coordinator = make_member(team, role=Role.COORDINATOR, organisation=org)
    w.other_coordinator = make_member(other_team, role=Role.COORDINATOR, organisation=other_org, full_name="Ander Lid")
    w.rule = DeadlineRule.objects.create(
        team=team,
        code="eigen",
        name="Eigen regel",
        start_event="case_opened",
        term_value=5,
        term_unit="working_days",
        responsible="vast_gezicht",
    )
    w.other_rule = DeadlineRule.objects.create(
        team=other_team,
        code="ander",
        name="Andere regel",
        start_event="case_opened",
        term_value=5,
        term_unit="working_days",
        responsible="vast_gezicht",
    )
    w.provider = IdentityProvider.objects.create(
        organisation=org,
        issuer="https://login.eigen.test",
        client_id="vt",
        client_secret="geheim",
        allowed_domains="eigen.test",
    )
    w.other_provider = IdentityProvider.objects.create(
        organisation=other_org,
        issuer="https://login.ander.test",
        client_id="vt",
        client_secret="geheim",
        allowed_domains="ander.test",
    )
    w.day, _ = GelijkgesteldeDag.objects.get_or_create(day=date(2031, 7, 14), defaults={"source": "test"})
    return w


@pytest.fixture
def beheer(client, login_verified, world):
    login_verified(client, world.admin)
    return client


def _url(label: str, view: str, *args) -> str:
    app_label, model = label.lower().split(".")
    return reverse(f"admin:{app_label}_{model}_{view}", args=args)


def _form_fields(response) -> list[str]:
    return sorted(response.context["adminform"].form.fields)


def test_every_admin_on_the_site_is_accounted_for():
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == set(FUNCTIONAL_ADMIN_FORMS) | SUPERUSER_ONLY


def test_a_functional_admin_walks_every_add_and_change_page_and_can_change_only_what_is_theirs(beheer, world):
    own = {
        "partners.User": world.member,
        "partners.Municipality": world.team.municipalities.first(),
        "partners.Organisation": world.org,
        "partners.SafetyTeam": world.team,
        "partners.Membership": world.member.memberships.get(),
        "workflows.DeadlineRule": world.rule,
        "workflows.GelijkgesteldeDag": world.day,
        "cases.LegalBasis": LegalBasis.objects.order_by("id").first(),
        "partners.IdentityProvider": world.provider,
        "cases.RetentionRule": RetentionRule.objects.get(code="jeugdhulp"),
    }
    for label, (add_fields, change_fields) in FUNCTIONAL_ADMIN_FORMS.items():
        assert beheer.get(_url(label, "changelist")).status_code == 200, label
        add = beheer.get(_url(label, "add"))
        if add_fields is None:
            assert add.status_code == 403, label
        else:
            assert add.status_code == 200, label
            assert _form_fields(add) == sorted(add_fields), label
        change = beheer.get(_url(label, "change", own[label].pk))
        assert change.status_code == 200, label
        assert _form_fields(change) == sorted(change_fields), label
        for inline in change.context["inline_admin_formsets"]:
            assert not inline.has_add_permission and not inline.has_change_permission, label
        assert not FORBIDDEN_FIELDS & set(_form_fields(change) + (_form_fields(add) if add_fields else [])), label


def test_a_functional_admin_gets_no_page_of_the_superuser_only_admins(beheer, world):
    for label in SUPERUSER_ONLY:
        assert beheer.get(_url(label, "changelist")).status_code == 403, label
        assert beheer.get(_url(label, "change", 1)).status_code == 403, label
    index = beheer.get(reverse("admin:index"))
    shown = {f"{app['app_label']}.{m['object_name']}" for app in index.context["app_list"] for m in app["models"]}
    assert shown == set(FUNCTIONAL_ADMIN_FORMS)


def test_what_belongs_to_another_team_is_neither_listed_nor_opened(beheer, world):
    memberships = beheer.get(_url("partners.Membership", "changelist")).content.decode()
    users = beheer.get(_url("partners.User", "changelist")).content.decode()
    assert "Eigen Demo-Lid" in memberships and "Ander Lid" not in memberships
    assert "Eigen Demo-Lid" in users and "Ander Lid" not in users
    for label, obj in [
        ("partners.User", world.other_coordinator),
        ("partners.Membership", world.other_coordinator.memberships.get()),
        ("partners.SafetyTeam", world.other_team),
        ("partners.Organisation", world.other_org),
        ("workflows.DeadlineRule", world.other_rule),
    ]:
        response = beheer.get(_url(label, "change", obj.pk))
        assert response.status_code == 302, label  # "does not exist": the admin's answer to a foreign id
        assert response["Location"] == reverse("admin:index")


def test_a_functional_admin_cannot_make_anyone_superuser_staff_or_give_permissions(beheer, world):
    group = Group.objects.create(name="Alles")
    view_devices = Permission.objects.get(codename="view_totpdevice")
    for target in (world.admin, world.member):
        response = beheer.post(
            _url("partners.User", "change", target.pk),
            {
                "full_name": "Nieuwe Naam",
                "is_active": "on",
                "is_superuser": "on",
                "is_staff": "on",
                "groups": [group.pk],
                "user_permissions": [view_devices.pk],
                "email": "overgenomen@test.invalid",
                "username": "overgenomen",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        target.refresh_from_db()
        assert target.full_name == "Nieuwe Naam"
        assert not target.is_superuser and not target.is_staff
        assert not target.groups.exists() and not target.user_permissions.exists()
        assert target.email != "overgenomen@test.invalid" and target.username != "overgenomen"
    assert beheer.get(_url("otp_totp.TOTPDevice", "changelist")).status_code == 403


def test_no_password_is_set_in_the_admin(beheer, world):
    before = world.coordinator.password
    response = beheer.post(
        _url("partners.User", "change", world.coordinator.pk).replace("/change/", "/password/"),
        {"password1": "Overgenomen-2026!", "password2": "Overgenomen-2026!"},
    )
    assert response.status_code != 200
    world.coordinator.refresh_from_db()
    assert world.coordinator.password == before
    assert not world.coordinator.check_password("Overgenomen-2026!")


def test_a_new_account_has_no_password_until_its_user_chooses_one(beheer, world):
    response = beheer.post(
        _url("partners.User", "add"),
        {"username": "nieuweling", "full_name": "Nieuwe Demo", "email": "nieuw@test.invalid", "password1": "x1"},
    )
    assert response.status_code == 302
    assert not User.objects.get(username="nieuweling").has_usable_password()


def test_a_functional_admin_cannot_add_a_membership_for_themselves(beheer, world):
    for team in (world.team, world.other_team):
        response = beheer.post(
            _url("partners.Membership", "add"),
            {
                "user": world.admin.pk,
                "organisation": world.org.pk,
                "team": team.pk,
                "role": Role.COORDINATOR,
                "start_date": "2026-01-05",
            },
        )
        assert response.status_code == 200
        assert Membership.objects.filter(user=world.admin).count() == 1


def test_a_functional_admin_cannot_give_themselves_the_cases_of_another_team(beheer, world):
    case = open_case(world.other_coordinator, world.other_team)
    response = beheer.post(
        _url("partners.Membership", "add"),
        {
            "user": world.admin.pk,
            "organisation": world.other_org.pk,
            "team": world.other_team.pk,
            "role": Role.COORDINATOR,
            "start_date": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert not user_coordinates_team(world.admin, world.other_team.pk)
    assert not cases_visible_to(world.admin).filter(pk=case.pk).exists()


def test_a_coordinator_asked_in_the_admin_waits_for_a_coordinator_and_then_sees_the_cases(beheer, world):
    case = open_case(world.coordinator, world.team)
    newcomer = UserFactory(full_name="Nieuwe Coördinator")
    response = beheer.post(
        _url("partners.Membership", "add"),
        {
            "user": newcomer.pk,
            "organisation": world.org.pk,
            "team": world.team.pk,
            "role": Role.COORDINATOR,
            "start_date": "2026-01-05",
        },
        follow=True,
    )
    membership = Membership.objects.get(user=newcomer)
    assert "wacht op bevestiging" in response.content.decode()
    assert (membership.status, membership.requested_by) == (MembershipStatus.PENDING, world.admin)
    assert not cases_visible_to(newcomer).exists()
    assert SecurityEvent.objects.filter(action="membership_pending", username=newcomer.username).exists()

    membership_confirm(membership=membership, confirmed_by=world.coordinator)

    assert list(cases_visible_to(newcomer)) == [case]


def test_a_team_administrator_chooses_only_their_own_teams_and_people(beheer, world):
    form = beheer.get(_url("partners.Membership", "add")).context["adminform"].form
    assert list(form.fields["team"].queryset) == [world.team]
    assert world.other_coordinator not in form.fields["user"].queryset
    assert world.member in form.fields["user"].queryset
    response = beheer.post(
        _url("partners.Membership", "add"),
        {
            "user": world.member.pk,
            "organisation": world.other_org.pk,
            "team": world.other_team.pk,
            "role": Role.EVALUATOR,
            "start_date": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(team=world.other_team, user=world.member).exists()


def test_changing_a_membership_in_the_admin_only_brings_its_end_forward(beheer, world, client):
    membership = world.member.memberships.get()
    end = timezone.localdate() + timedelta(days=30)
    response = beheer.post(
        _url("partners.Membership", "change", membership.pk),
        {
            "role": Role.COORDINATOR,
            "team": world.other_team.pk,
            "user": world.admin.pk,
            "end_date": end.isoformat(),
            "status": "active",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.team, membership.user) == (Role.PROFESSIONAL, world.team, world.member)
    assert membership.end_date == end
    assert SecurityEvent.objects.filter(action="membership_ended", username=world.member.username).exists()

    for later in ("", (end + timedelta(days=1)).isoformat()):
        reopened = beheer.post(_url("partners.Membership", "change", membership.pk), {"end_date": later})
        assert reopened.status_code == 200 and "errornote" in reopened.content.decode()
        membership.refresh_from_db()
        assert membership.end_date == end


def test_an_own_membership_or_a_pending_one_is_only_shown(beheer, world):
    own = world.admin.memberships.get()
    pending = membership_create(
        actor=world.admin, user=UserFactory(), organisation=world.org, team=world.team, role=Role.PROFESSIONAL
    )
    for membership in (own, pending):
        page = beheer.get(_url("partners.Membership", "change", membership.pk))
        assert page.status_code == 200 and _form_fields(page) == []
        end = (timezone.localdate() + timedelta(days=30)).isoformat()
        assert beheer.post(_url("partners.Membership", "change", membership.pk), {"end_date": end}).status_code == 403
        membership.refresh_from_db()
        assert membership.end_date is None


def test_memberships_are_not_added_through_the_user_page(beheer, world):
    response = beheer.post(
        _url("partners.User", "change", world.member.pk),
        {
            "full_name": world.member.full_name,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": world.member.pk,
            "memberships-0-role": Role.COORDINATOR,
            "memberships-0-organisation": world.org.pk,
            "memberships-0-team": world.team.pk,
            "memberships-0-start_date": "2026-01-05",
        },
    )
    assert response.status_code == 302
    assert list(world.member.memberships.values_list("role", flat=True)) == [Role.PROFESSIONAL]


def test_nothing_is_deleted_by_a_functional_admin(beheer, world):
    membership = world.member.memberships.get()
    assert beheer.get(_url("partners.Membership", "delete", membership.pk)).status_code == 403
    assert beheer.get(_url("partners.User", "delete", world.member.pk)).status_code == 403
    response = beheer.post(
        _url("partners.User", "changelist"), {"action": "delete_selected", "_selected_action": [world.member.pk]}
    )
    assert User.objects.filter(pk=world.member.pk).exists() and response.status_code in (200, 302)


def test_region_rules_and_the_calendar_are_read_only_for_a_team_administrator(beheer, world):
    default = DeadlineRule.objects.create(
        team=None,
        code="regio-test",
        name="Regioregel",
        start_event="case_opened",
        term_value=5,
        term_unit="working_days",
        responsible="vast_gezicht",
    )
    assert _form_fields(beheer.get(_url("workflows.DeadlineRule", "change", default.pk))) == []
    form = beheer.get(_url("workflows.DeadlineRule", "add")).context["adminform"].form
    assert list(form.fields["team"].queryset) == [world.team] and form.fields["team"].required
    assert beheer.post(_url("workflows.GelijkgesteldeDag", "add"), {"day": "2031-07-15"}).status_code == 403
    assert not GelijkgesteldeDag.objects.filter(day=date(2031, 7, 15)).exists()


def test_organisations_shared_with_another_team_are_changed_by_whoever_administers_both(beheer, world):
    shared = OrganisationFactory(name="Gedeelde GI")
    world.team.organisations.add(shared)
    world.other_team.organisations.add(shared)
    assert _form_fields(beheer.get(_url("partners.Organisation", "change", shared.pk))) == []
    assert beheer.get(_url("partners.SafetyTeam", "add")).status_code == 403


def test_a_functional_admin_sees_no_second_factor_and_a_superuser_never_its_secret(
    beheer, world, client, login_verified
):
    device = (
        TOTPDevice.objects.get(user=world.member)
        if TOTPDevice.objects.filter(user=world.member)
        else (TOTPDevice.objects.create(user=world.member, name="default", confirmed=True))
    )
    static = StaticDevice.objects.create(user=world.member, name="backup", confirmed=True)
    static.token_set.create(token="geheim123")
    assert beheer.get(_url("otp_totp.TOTPDevice", "change", device.pk)).status_code == 403
    assert beheer.get(_url("otp_static.StaticDevice", "change", static.pk)).status_code == 403

    superuser = UserFactory(username="root-test", is_superuser=True)
    login_verified(client, superuser)
    page = client.get(_url("otp_totp.TOTPDevice", "change", device.pk))
    assert page.status_code == 200
    assert device.key not in page.content.decode() and "key" not in page.context["adminform"].form.fields
    static_page = client.get(_url("otp_static.StaticDevice", "change", static.pk))
    assert static_page.status_code == 200 and "geheim123" not in static_page.content.decode()
    assert client.get(f"/beheer/otp_totp/totpdevice/{device.pk}/config/").status_code != 200
    assert client.get(f"/beheer/otp_totp/totpdevice/{device.pk}/qrcode/").status_code != 200
    assert client.get(_url("otp_totp.TOTPDevice", "add")).status_code == 403


def test_the_superusers_user_form_has_no_rights_fields_either(admin_client):
    target = UserFactory()
    add = admin_client.get(reverse("admin:partners_user_add"))
    change = admin_client.get(reverse("admin:partners_user_change", args=[target.pk]))
    assert _form_fields(add) == ["email", "full_name", "username"]
    assert _form_fields(change) == ["email", "full_name", "is_active", "username"]


def test_staff_status_alone_opens_no_admin(client, login_verified):
    login_verified(client, UserFactory(is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_demo_functional_admin_administers_their_own_team(client, login_verified):
    call_command("seed_demo", cases=0)
    beheerder = User.objects.get(username="boz-beheer")
    assert not beheerder.is_staff and not beheerder.groups.exists() and not beheerder.user_permissions.exists()
    login_verified(client, beheerder)

    assert client.get(reverse("admin:index")).status_code == 200
    add = client.get(reverse("admin:partners_membership_add"))
    assert add.status_code == 200
    assert [t.name for t in add.context["adminform"].form.fields["team"].queryset] == [
        "Veiligheidsteam Bergen op Zoom e.o."
    ]
    listed = client.get(reverse("admin:partners_user_changelist")).content.decode()
    assert "boz-coordinator" in listed and "rsd-coordinator" not in listed


def test_an_identity_provider_is_configured_for_ones_own_organisations_only_and_its_secret_never_shown(beheer, world):
    assert "login.ander.test" not in beheer.get(_url("partners.IdentityProvider", "changelist")).content.decode()
    assert beheer.get(_url("partners.IdentityProvider", "change", world.other_provider.pk)).status_code == 302
    change = beheer.get(_url("partners.IdentityProvider", "change", world.provider.pk))
    assert "geheim" not in change.content.decode()
    add = beheer.get(_url("partners.IdentityProvider", "add"))
    assert list(add.context["adminform"].form.fields["organisation"].queryset) == [world.org]

    form = {
        "organisation": world.org.pk,
        "issuer": "https://login.nieuw.test/",
        "client_id": "vt-2",
        "client_secret": "",
        "allowed_domains": "@Eigen.test, eigen.nl",
        "mfa_acr_values": "",
        "is_active": "on",
    }
    assert beheer.post(_url("partners.IdentityProvider", "change", world.provider.pk), form).status_code == 302
    world.provider.refresh_from_db()
    assert world.provider.client_secret == "geheim", "an empty secret keeps the one given before"
    assert world.provider.issuer == "https://login.nieuw.test"
    assert world.provider.domains() == ["eigen.test", "eigen.nl"]

    other = {**form, "organisation": world.other_org.pk, "issuer": "https://x.test", "client_secret": "s"}
    world.provider.delete()
    refused = beheer.post(_url("partners.IdentityProvider", "add"), other)
    assert refused.status_code == 200 and not IdentityProvider.objects.filter(issuer="https://x.test").exists()
    plain = beheer.post(_url("partners.IdentityProvider", "add"), {**form, "issuer": "http://login.eigen.test"})
    assert "https-adres" in plain.content.decode()
