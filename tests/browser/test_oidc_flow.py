"""A professional signs in with their organisation's account (a real OpenID Connect provider process),
with its second factor or the local code, and logs out of both."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from partners.models import IdentityProvider
from security.models import ExternalIdentity
from tests.browser.conftest import current_code, second_factor
from tests.browser.world import make_world
from tests.oidc_provider.fixture import start_provider, stop_provider


@pytest.fixture(scope="module")
def provider_process():
    provider = start_provider()
    yield provider
    stop_provider(provider)


@pytest.fixture
def world(transactional_db, provider_process):
    w = make_world()
    w.idp = IdentityProvider.objects.create(
        organisation=w.cvc,
        issuer=provider_process.issuer,
        client_id=provider_process.client_id,
        client_secret=provider_process.client_secret,
        allowed_domains="gemeente.test",
    )
    ExternalIdentity.objects.create(user=w.professional, provider=w.idp, issuer=w.idp.issuer, subject="sub-anna")
    ExternalIdentity.objects.create(user=w.vt_professional, provider=w.idp, issuer=w.idp.issuer, subject="sub-bert")
    return w


def at_the_provider(page, username: str, password: str, otp: str = "") -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij de testorganisatie")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_label("Code (indien gevraagd)").fill(otp)
    page.get_by_role("button", name="Aanmelden").click()


def test_sign_in_with_the_organisations_second_factor_and_log_out_of_both(page, world, shot, assert_accessible):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    section = page.get_by_role("region", name="Inloggen via uw organisatie")
    expect(section.get_by_role("link", name="CVC Zuidrand")).to_be_visible()
    shot(page, "login-with-organisation")
    assert_accessible(page)

    section.get_by_label("Uw e-mailadres bij de organisatie").fill("anna@gemeente.test")
    section.get_by_role("button", name="Verder met mijn organisatie").click()
    at_the_provider(page, "anna", "anna-wachtwoord", "123456")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Anne de Wit")
    shot(page, "home-after-provider")
    page.get_by_role("button", name="Uitloggen").click()
    # Back from the provider's end-session endpoint on the login page; the site asks to log in again.
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_without_the_providers_second_factor_the_local_code_is_asked(page, world, shot, assert_accessible):
    device = second_factor(world.vt_professional)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="CVC Zuidrand").click()
    at_the_provider(page, "bert", "bert-wachtwoord")

    expect(page.get_by_label("Code")).to_be_visible()
    shot(page, "local-code")
    assert_accessible(page)
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bram Visser")
