"""Sign-in with the organisation's own OpenID Connect provider, against a real provider process."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import IdentityProvider, Role, User
from partners.services import membership_confirm, membership_create
from security.models import ExternalIdentity, SecurityEvent
from tests.factories import MembershipFactory, OrganisationFactory
from tests.oidc_provider.fixture import USERS, sign_in_at_provider, start_provider, stop_provider
from tests.twofactor import totp_code

pytestmark = pytest.mark.django_db

PASSWORDS = {u["username"]: (u["password"], u.get("otp", "")) for u in USERS}


@pytest.fixture(scope="module")
def provider_process():
    provider = start_provider()
    yield provider
    stop_provider(provider)


@pytest.fixture
def idp(provider_process):
    organisation = OrganisationFactory(kind="cvc", name="Gemeente Test")
    return IdentityProvider.objects.create(
        organisation=organisation,
        issuer=provider_process.issuer,
        client_id=provider_process.client_id,
        client_secret=provider_process.client_secret,
        allowed_domains="gemeente.test",
    )


def member_with_identity(idp, sub: str, username: str) -> User:
    user = MembershipFactory(organisation=idp.organisation, user__username=username).user
    ExternalIdentity.objects.create(user=user, provider=idp, issuer=idp.issuer, subject=sub)
    return user


def sign_in(client, idp, username: str, *, otp: str | None = None, **start):
    """Login page -> provider's form -> back to the site; returns the site's answer to the callback."""
    response = client.get(reverse("security:oidc_start"), start or {"organisatie": idp.pk})
    assert response.status_code == 200, response
    target = response.context["target"]
    assert target.startswith(f"{idp.issuer}/authorize?")
    password, own_otp = PASSWORDS[username]
    back = urlsplit(sign_in_at_provider(target, username, password, own_otp if otp is None else otp))
    assert back.path == reverse("security:oidc_callback")
    return client.get(f"{back.path}?{back.query}")


def test_a_known_account_with_the_providers_second_factor_is_logged_in_and_verified(client, idp):
    anna = member_with_identity(idp, "sub-anna", "anna")

    response = sign_in(client, idp, "anna")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200, "the OTP middleware accepts the provider's assertion"
    assert int(client.session["_auth_user_id"]) == anna.pk
    event = SecurityEvent.objects.get(action="oidc_sign_in", user_id=anna.pk)
    assert event.detail == {"issuer": idp.issuer, "second_factor": "provider"}
    assert SecurityEvent.objects.filter(
        action="login", user_id=anna.pk, detail__second_factor="ProviderDevice"
    ).exists()


def test_the_email_domain_finds_the_organisation(client, idp):
    member_with_identity(idp, "sub-anna", "anna")
    assert "Gemeente Test" in client.get(reverse("login")).content.decode()

    response = sign_in(client, idp, "anna", email="Anna@Gemeente.test")

    assert response.status_code == 302 and client.get(reverse("home")).status_code == 200


def test_an_unknown_domain_is_told_to_use_the_local_login(client, idp):
    response = client.get(reverse("security:oidc_start"), {"email": "iemand@nergens.test"}, follow=True)
    assert "geen organisatie met eigen inlog" in response.content.decode()


def test_without_the_providers_second_factor_the_local_code_is_asked(client, idp):
    bert = member_with_identity(idp, "sub-bert", "bert")
    device = TOTPDevice.objects.create(user=bert, name="default", confirmed=True)

    response = sign_in(client, idp, "bert")

    assert response["Location"] == reverse("security:oidc_totp")
    assert "_auth_user_id" not in client.session, "the provider's password alone logs nobody in"
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    wrong = client.post(reverse("security:oidc_totp"), {"otp_token": "000000"})
    assert wrong.status_code == 200 and "De code klopt niet" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    time.sleep(1.1)  # django-otp throttles the next try after a wrong code

    done = client.post(reverse("security:oidc_totp"), {"otp_token": totp_code(device)})

    assert done.status_code == 302 and client.get(reverse("home")).status_code == 200
    event = SecurityEvent.objects.get(action="oidc_sign_in", user_id=bert.pk)
    assert event.detail["second_factor"] == "local"


def test_without_any_second_factor_the_account_may_only_set_one_up(client, idp):
    member_with_identity(idp, "sub-bert", "bert")

    response = sign_in(client, idp, "bert")

    assert response["Location"] == reverse("two_factor:setup")
    assert client.get(reverse("home"))["Location"] == reverse("two_factor:setup")


def test_an_unknown_subject_gets_an_inactive_account_waiting_for_a_membership(client, idp, team, make_member):
    # Same e-mail address as an existing account with a membership: matched by subject only, never taken over.
    existing = MembershipFactory(user__email="carla@gemeente.test").user

    response = sign_in(client, idp, "carla")

    assert response.status_code == 403
    assert "wacht op een lidmaatschap" in response.content.decode()
    identity = ExternalIdentity.objects.get(issuer=idp.issuer, subject="sub-carla")
    assert identity.awaiting_membership and not identity.user.is_active
    assert identity.user.email == "carla@gemeente.test" and not identity.user.memberships.exists()
    assert identity.user != existing
    assert not identity.user.has_usable_password()
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(action="oidc_account_waiting", user_id=identity.user.pk).exists()

    again = sign_in(client, idp, "carla")
    assert again.status_code == 403 and ExternalIdentity.objects.filter(subject="sub-carla").count() == 1

    # The usual four eyes: an administrator asks for a membership, it grants nothing while it waits ...
    team.organisations.add(idp.organisation)
    admin = make_member(team, role=Role.FUNCTIONAL_ADMIN, organisation=idp.organisation)
    coordinator = make_member(team, role=Role.COORDINATOR, organisation=idp.organisation)
    asked = membership_create(
        actor=admin, user=identity.user, organisation=idp.organisation, team=team, role=Role.PROFESSIONAL
    )
    assert sign_in(client, idp, "carla").status_code == 403
    # ... until a coordinator confirms it (/lidmaatschappen/bevestigen/); the next sign-in opens the account.
    membership_confirm(membership=asked, confirmed_by=coordinator)
    assert sign_in(client, idp, "carla").status_code == 302
    identity.refresh_from_db()
    assert identity.user.is_active and not identity.awaiting_membership
    assert client.get(reverse("home")).status_code == 200


def test_a_deactivated_local_account_stays_out(client, idp):
    anna = member_with_identity(idp, "sub-anna", "anna")
    User.objects.filter(pk=anna.pk).update(is_active=False)

    response = sign_in(client, idp, "anna")

    assert response.status_code == 403 and "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(action="oidc_sign_in_refused", detail__reason="account_inactive").exists()


def test_an_email_outside_the_allowed_domains_is_refused(client, idp):
    idp.allowed_domains = "andere-gemeente.test"
    idp.save()

    response = sign_in(client, idp, "anna")

    assert response.status_code == 403 and not ExternalIdentity.objects.exists()
    assert SecurityEvent.objects.filter(action="oidc_sign_in_refused", detail__reason="domain_not_allowed").exists()


def test_an_account_disabled_at_the_provider_loses_its_session_at_the_next_check(
    client, idp, provider_process, settings
):
    anna = member_with_identity(idp, "sub-anna", "anna")
    sign_in(client, idp, "anna")
    settings.OIDC_RECHECK_SECONDS = 0
    assert client.get(reverse("home")).status_code == 200, "the refresh token still works"

    provider_process.set_user("anna", active=False)
    try:
        response = client.get(reverse("home"))
    finally:
        provider_process.set_user("anna", active=True)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(action="oidc_session_ended", user_id=anna.pk).exists()
    assert not anna.security_sessions.exists()


def test_no_recheck_before_the_interval(client, idp, provider_process, settings):
    member_with_identity(idp, "sub-anna", "anna")
    sign_in(client, idp, "anna")
    settings.OIDC_RECHECK_SECONDS = 3600
    provider_process.set_user("anna", active=False)
    try:
        assert client.get(reverse("home")).status_code == 200
    finally:
        provider_process.set_user("anna", active=True)


def test_a_token_from_another_issuer_is_refused(client, db):
    impostor = start_provider(token_issuer="https://login.elders.test")
    try:
        idp = IdentityProvider.objects.create(
            organisation=OrganisationFactory(kind="gi"),
            issuer=impostor.issuer,
            client_id=impostor.client_id,
            client_secret=impostor.client_secret,
            allowed_domains="gemeente.test",
        )
        member_with_identity(idp, "sub-anna", "anna")

        response = sign_in(client, idp, "anna")
    finally:
        stop_provider(impostor)

    assert response.status_code == 403 and "_auth_user_id" not in client.session
    refused = SecurityEvent.objects.get(action="oidc_sign_in_refused")
    assert refused.detail["reason"].startswith("id_token_invalid")


def test_logout_ends_the_local_session_and_then_the_providers(client, idp):
    member_with_identity(idp, "sub-anna", "anna")
    sign_in(client, idp, "anna")

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    target = response.context["target"]
    assert target.startswith(f"{idp.issuer}/logout?") and "id_token_hint=" in target
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_a_callback_without_a_sign_in_under_way_is_refused(client, idp):
    response = client.get(reverse("security:oidc_callback"), {"code": "x", "state": "y"})
    assert response.status_code == 403


def test_a_provider_that_announces_another_issuer_is_not_used(client, idp, provider_process):
    # The same server under another name: its discovery document names 127.0.0.1, not localhost.
    idp.issuer = provider_process.issuer.replace("127.0.0.1", "localhost")
    idp.save()

    response = client.get(reverse("security:oidc_start"), {"organisatie": idp.pk}, follow=True)

    assert "Inloggen via uw organisatie is mislukt" in response.content.decode()
    assert "oidc_pending" not in client.session


def test_the_login_page_reads_the_providers_in_a_fixed_number_of_queries(client, idp, django_assert_num_queries):
    client.get(reverse("login"))  # the session exists before counting
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("login"))
    assert sum("partners_identityprovider" in q["sql"] for q in one.captured_queries) == 1
    for n in range(3):
        IdentityProvider.objects.create(
            organisation=OrganisationFactory(),
            issuer=f"https://login{n}.test",
            client_id="vt",
            client_secret="s",
            allowed_domains=f"org{n}.test",
        )
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(reverse("login")).content.decode()
    assert body.count("?organisatie=") == 4
