"""Each role's start page in a real browser: what it shows, its menu, screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import case_open, note_add, participant_add
from tests.browser.world import make_world, member
from tests.world import basis
from workflows.meetings.services import agenda_add, meeting_schedule


@pytest.fixture
def world(transactional_db):
    w = make_world()
    w.case = case_open(
        actor=w.professional,
        team=w.team,
        municipality=w.municipality,
        family_name="Gezin Hendriks",
        intake="melding_vt",
        reported_on=timezone.localdate() - timedelta(days=2),
    )
    participant_add(
        actor=w.professional,
        case=w.case,
        organisation=w.vt,
        professional=w.vt_professional,
        role="onderzoeker",
        **basis("wmo-2015-4-1-1"),
    )
    note_add(actor=w.professional, case=w.case, text="Eerste gesprek met moeder gepland.")
    meeting = meeting_schedule(
        actor=w.coordinator,
        team=w.team,
        scheduled_at=timezone.now() + timedelta(days=2),
        chair=w.coordinator,
        location="Stadskantoor",
    )
    agenda_add(actor=w.coordinator, meeting=meeting, case=w.case)
    w.admin = member(w.team, w.cvc, role="functional_admin", username="hanna-beheer", full_name="Hanna Beheer")
    w.privacy = member(w.team, w.cvc, role="privacy_officer", username="ivo-privacy", full_name="Ivo Privacy")
    return w


def _start(page, browser_login, user):
    browser_login(page, user)
    page.goto("/")
    return page.get_by_role("navigation", name="Hoofdmenu")


def test_the_professional_starts_with_actions_deadlines_and_news(page, world, browser_login, shot, assert_accessible):
    nav = _start(page, browser_login, world.vt_professional)
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Nieuwe casus")).to_be_visible()
    for heading in ("Mijn open acties", "Mijn termijnen", "Ongelezen meldingen", "Nieuw sinds uw laatste bezoek"):
        expect(main.get_by_role("heading", name=heading)).to_be_visible()
    news = page.locator("section[aria-labelledby='new-activity-heading']")
    expect(news).to_contain_text(world.case.reference)
    expect(nav.get_by_role("link", name="Teamzaken")).to_have_count(0)
    expect(nav.get_by_role("link", name="Beveiliging")).to_be_visible()
    shot(page, "professional-start")
    assert_accessible(page)

    news.get_by_role("link", name=world.case.reference).click()  # the visit
    page.goto("/")
    expect(page.locator("section[aria-labelledby='new-activity-heading']")).not_to_contain_text(world.case.reference)


def test_the_coordinator_starts_with_the_team_the_meeting_and_unassigned_cases(
    page, world, browser_login, shot, assert_accessible
):
    nav = _start(page, browser_login, world.coordinator)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Verlopen in uw team")).to_be_visible()
    meeting = page.locator("section[aria-labelledby='next-meeting-heading']")
    expect(meeting).to_contain_text("Stadskantoor")
    expect(meeting).to_contain_text("Gezin Hendriks")
    expect(page.locator("section[aria-labelledby='unassigned-heading']")).to_contain_text(world.case.reference)
    expect(nav.get_by_role("link", name="Teamzaken")).to_be_visible()
    shot(page, "coordinator-start")
    assert_accessible(page)


def test_the_evaluator_starts_with_the_dashboard_and_no_case_work(page, world, browser_login, shot, assert_accessible):
    nav = _start(page, browser_login, world.evaluator)
    expect(page.get_by_role("main").get_by_role("link", name="Dashboard met de cijfers")).to_be_visible()
    for absent in ("Mijn zaken", "Teamzaken", "Overleggen"):
        expect(nav.get_by_role("link", name=absent)).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text("Gezin Hendriks")
    expect(page.get_by_role("link", name="Nieuwe casus")).to_have_count(0)
    shot(page, "evaluator-start")
    assert_accessible(page)


def test_the_functional_administrator_starts_with_administration(page, world, browser_login, shot, assert_accessible):
    nav = _start(page, browser_login, world.admin)
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Gebruikers")).to_be_visible()
    expect(main.get_by_role("link", name="Casussen importeren")).to_be_visible()
    expect(nav.get_by_role("link", name="Beheer")).to_be_visible()
    expect(nav.get_by_role("link", name="Importeren")).to_be_visible()
    shot(page, "functional-admin-start")
    assert_accessible(page)


def test_the_privacy_officer_starts_with_requests_and_the_access_report(
    page, world, browser_login, shot, assert_accessible
):
    nav = _start(page, browser_login, world.privacy)
    expect(page.get_by_role("main").get_by_role("heading", name="Verzoeken van gezinnen")).to_be_visible()
    expect(nav.get_by_role("link", name="Wie keek in het dossier")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Gezin Hendriks")
    shot(page, "privacy-officer-start")
    assert_accessible(page)
