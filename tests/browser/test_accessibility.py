"""Every page the browser flows visit passes axe-core with no violation at all (any impact), in Dutch and
in English, under the site's real Content-Security-Policy; each prints without menu or buttons; and the
chair records a decision in the meeting with the keyboard alone: Tab, Enter and Space, and typing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.assessments.models import JointJudgement
from cases.assessments.services import assessment_start
from cases.services import case_open, participant_add
from tests.browser.conftest import axe_check
from tests.browser.world import make_world
from tests.world import basis
from workflows.meetings.services import agenda_add, attendance_record, meeting_schedule


@pytest.fixture
def world(transactional_db):
    w = make_world()
    w.case = case_open(
        actor=w.professional,
        team=w.team,
        municipality=w.municipality,
        family_name="Gezin Jansen",
        intake="melding_vt",
        reported_on=timezone.localdate() - timedelta(days=3),
        vast_gezicht=w.professional,
    )
    for organisation, person, role in (
        (w.vt, w.vt_professional, "onderzoeker"),
        (w.gi, w.gi_professional, "jeugdbeschermer"),
    ):
        participant_add(
            actor=w.professional, case=w.case, organisation=organisation, professional=person, role=role, **basis()
        )
    w.assessment = assessment_start(actor=w.professional, case=w.case)
    w.meeting = meeting_schedule(
        actor=w.coordinator,
        team=w.team,
        scheduled_at=timezone.now() + timedelta(hours=1),
        chair=w.coordinator,
        location="Stadskantoor, zaal 3",
    )
    w.item = agenda_add(actor=w.coordinator, meeting=w.meeting, case=w.case)
    for user, organisation in ((w.professional, w.cvc), (w.vt_professional, w.vt), (w.gi_professional, w.gi)):
        attendance_record(actor=w.coordinator, meeting=w.meeting, user=user, organisation=organisation)
    return w


def pages_of(w) -> dict[str, list[str]]:
    """Per role, the pages its browser flow goes through (forms included)."""
    case = {"case_id": w.case.pk}
    meeting = {"meeting_id": w.meeting.pk}
    return {
        "professional": [
            reverse("home"),
            reverse("my-cases"),
            reverse("case-open"),
            reverse("case-detail", kwargs=case),
            reverse("person-add", kwargs=case),
            reverse("participant-add", kwargs=case),
            reverse("assessment-list", kwargs=case),
            reverse("assessment-detail", kwargs={**case, "assessment_id": w.assessment.pk}),
            reverse("intervention-list", kwargs=case),
            reverse("case-status", kwargs=case),
            reverse("my-deadlines"),
            reverse("notifications"),
            reverse("notification-preferences"),
            reverse("my-actions"),
            reverse("security:account"),
        ],
        "coordinator": [
            reverse("meeting-list"),
            reverse("meeting-detail", kwargs=meeting),
            reverse("meeting-item", kwargs={**meeting, "item_id": w.item.pk}),
            reverse("meeting-minutes", kwargs=meeting),
            reverse("deadline-dashboard"),
            reverse("team-cases"),
        ],
        "evaluator": [
            reverse("metrics-dashboard"),
            reverse("metrics-exports"),
            reverse("metrics-definitions"),
            reverse("metrics-releases"),
        ],
    }


def switch_to(page, language: str) -> None:
    button = {"en": "English", "nl": "Nederlands"}[language]
    page.get_by_role("button", name=button).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_page_of_the_flows_has_no_axe_violation_and_prints_clean(new_page, world, browser_login, shot, language):
    found: dict[str, list[dict]] = {}
    # The login's two steps (password, then the code), before any language choice: from the browser's.
    login = new_page(language)
    login.goto(reverse("login"))
    expect(login.locator("html")).to_have_attribute("lang", language)
    found[f"{language} {reverse('login')}"] = axe_check(login)
    login.context.close()

    users = {"professional": world.professional, "coordinator": world.coordinator, "evaluator": world.evaluator}
    for role, urls in pages_of(world).items():
        page = new_page("nl")
        browser_login(page, users[role])
        if language != "nl":
            switch_to(page, language)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, f"{url}: {response.status}"
            expect(page.locator("html")).to_have_attribute("lang", language)
            found[f"{language} {url}"] = axe_check(page)
        # On paper: the content, without the menu, the buttons and the forms.
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        assert page.locator("button:visible, nav:visible, form:visible").count() == 0, page.url
        assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
        shot(page, f"{role}-last-page-print-{language}")
        page.emulate_media(media="screen")
        shot(page, f"{role}-last-page-{language}")
        page.context.close()

    bad = {url: v for url, v in found.items() if v}
    assert not bad, "axe-core:\n" + json.dumps(bad, indent=2, ensure_ascii=False)
    assert len(found) == 1 + sum(len(urls) for urls in pages_of(world).values())


def press_until_focused(page, locator, *, key: str = "Tab", limit: int = 200) -> None:
    """Tab through the page until `locator` has the focus, as a keyboard user would."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} never got the focus with {key}")


def test_the_chair_records_the_joint_judgement_with_the_keyboard_alone(new_page, world, browser_login, shot):
    chair = new_page()
    browser_login(chair, world.coordinator)
    # From the start page to the meeting, the agenda case and its judgement: no clicks, only keys.
    chair.goto(reverse("home"))
    chair.keyboard.press("Tab")  # the skip link comes first
    expect(chair.locator(".skip-link")).to_be_focused()
    press_until_focused(chair, chair.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overleggen"))
    chair.keyboard.press("Enter")
    expect(chair.get_by_role("heading", level=1)).to_have_text("Overleggen")
    meeting_url = reverse("meeting-detail", kwargs={"meeting_id": world.meeting.pk})
    press_until_focused(chair, chair.locator(f"main a[href='{meeting_url}']"))
    chair.keyboard.press("Enter")
    expect(chair.get_by_role("heading", level=1)).to_contain_text("Overleg")
    press_until_focused(chair, chair.get_by_role("link", name=world.case.reference))
    chair.keyboard.press("Enter")
    expect(chair.get_by_role("heading", level=1)).to_contain_text(world.case.reference)

    judgement = chair.get_by_role("region", name="Gezamenlijk oordeel")
    chosen = judgement.get_by_label("Classificatie")
    press_until_focused(chair, chosen)
    # A focused select chooses by type-ahead, as with the keyboard anywhere: no arrow, no mouse.
    chair.keyboard.type("structurele")
    assert chosen.input_value() == "structureel"
    chair.keyboard.press("Tab")
    expect(judgement.get_by_label("Gezamenlijke veiligheidsscore (0–10)")).to_be_focused()
    chair.keyboard.type("3")
    press_until_focused(chair, judgement.get_by_label("Onderbouwing"))
    chair.keyboard.type("Structurele onveiligheid; oma biedt opvang.")
    press_until_focused(chair, judgement.get_by_label("Wat ouders zeggen"))
    chair.keyboard.type("Moeder wil hulp.")
    press_until_focused(chair, judgement.get_by_label("Ouders waren aanwezig"))
    chair.keyboard.press("Space")
    expect(judgement.get_by_label("Ouders waren aanwezig")).to_be_checked()
    press_until_focused(chair, judgement.get_by_role("button", name="Vastleggen"))
    shot(chair, "keyboard-focus-on-vastleggen")
    chair.keyboard.press("Enter")

    expect(chair.locator(".messages")).to_contain_text("Gezamenlijk oordeel")
    # The focus lands on the news, so a screen reader hears it without hunting for it.
    assert chair.evaluate("() => document.activeElement.matches('.messages')")
    shot(chair, "keyboard-judgement-recorded")
    recorded = JointJudgement.objects.filter(assessment__case=world.case, joint_score=3, classification="structureel")
    assert recorded.exists()
