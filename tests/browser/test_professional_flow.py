"""A professional logs in with two factors, opens a case, adds the family and a partner's professional."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.world import make_world


@pytest.fixture
def world(transactional_db):
    return make_world()


def test_professional_opens_a_case_and_adds_family_and_partner(page, world, browser_login, shot, assert_accessible):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    shot(page, "login")
    assert_accessible(page)

    browser_login(page, world.professional)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anne de Wit")
    # Keyboard: the first Tab reaches the skip link, which takes focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    for item in ("Mijn zaken", "Termijnen", "Meldingen", "Beveiliging"):
        expect(nav.get_by_role("link", name=item, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Teamzaken", exact=True)).to_have_count(0)  # coordinators only
    shot(page, "home")
    assert_accessible(page)

    nav.get_by_role("link", name="Mijn zaken", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn zaken")
    assert_accessible(page)
    page.get_by_role("link", name="Nieuwe casus openen").click()

    # Submitting an empty form shows the error summary at the top, linking to the fields.
    page.get_by_role("button", name="Casus openen").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # site.js moves focus to the summary
    expect(summary.get_by_role("link").first).to_be_visible()
    shot(page, "case-open-errors")
    assert_accessible(page)
    summary.get_by_role("link", name="Gezin").click()
    expect(page.get_by_role("textbox", name="Gezin", exact=True)).to_be_focused()

    page.get_by_label("Veiligheidsteam").select_option(label="Veiligheidsteam Zuidrand")
    page.get_by_label("Gemeente").select_option(label="Zandvoort aan de Mark")
    page.get_by_role("textbox", name="Gezin", exact=True).fill("Gezin Van Dijk")
    page.get_by_label("Binnengekomen via").select_option("melding_vt")
    page.get_by_label("Datum melding/signaal").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Casus openen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Gezin Van Dijk")
    case = Case.objects.get(family_name="Gezin Van Dijk")
    shot(page, "case-detail-new")
    assert_accessible(page)

    for role, name, born in (("jeugdige", "Sem van Dijk", "2017-03-02"), ("ouder", "Lotte van Dijk", "1988-11-20")):
        page.get_by_role("link", name="Persoon toevoegen").click()
        page.get_by_label("Rol in het gezin").select_option(role)
        page.get_by_role("textbox", name="Naam", exact=True).fill(name)
        page.get_by_label("Geboortedatum").fill(born)
        page.get_by_role("button", name="Opslaan").click()
        expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(name)
    persons = page.get_by_role("region", name="Personen")
    expect(persons.get_by_role("row")).to_have_count(3)  # header and two persons

    page.get_by_role("link", name="Betrokkene toevoegen").click()
    assert_accessible(page)
    page.get_by_label("Organisatie").select_option(label="Veilig Thuis Zuidrand")
    page.get_by_label("Professional").select_option(label="Bram Visser (Veilig Thuis Zuidrand)")
    page.get_by_label("Rol in de casus").select_option("onderzoeker")
    page.get_by_label("wettelijke grondslag", exact=True).check()
    page.get_by_label("Wettelijke grondslag", exact=True).select_option(
        label="Wmo 2015 art. 4.1.1 (taken van Veilig Thuis)"
    )
    page.get_by_role("textbox", name="Doel", exact=True).fill("Onderzoek naar de veiligheid van de kinderen.")
    page.get_by_role("button", name="Toevoegen").click()

    participants = page.get_by_role("region", name="Betrokkenen")
    expect(participants).to_contain_text("Bram Visser")
    expect(participants).to_contain_text("Veilig Thuis Zuidrand")
    shot(page, "case-detail-family-and-partner")
    assert_accessible(page)
    assert case.participants.filter(professional=world.vt_professional, ended_at=None).exists()


def test_a_stranger_gets_404_for_the_case(page, world, browser_login):
    from tests.cases.conftest import open_case

    case = open_case(world.professional, world.team, municipality=world.municipality)
    browser_login(page, world.stranger)
    response = page.goto(f"/zaken/{case.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_interface_switches_to_english_and_back(page, world, browser_login, shot, assert_accessible):
    browser_login(page, world.professional)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main menu")
    for item in ("My cases", "Meetings", "Deadlines", "Notifications"):
        expect(nav.get_by_role("link", name=item, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Team cases", exact=True)).to_have_count(0)
    shot(page, "home-en")
    assert_accessible(page)
    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
