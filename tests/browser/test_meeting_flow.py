"""Three partners add their contribution; in the meeting the chair records the joint judgement (one
partner dissents), agrees two interventions and a veiligheidsvoorwaarde."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.assessments.models import JointJudgement
from cases.interventions.models import Intervention
from cases.services import case_open, participant_add
from tests.browser.world import make_world
from tests.world import basis


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
    participant_add(
        actor=w.professional,
        case=w.case,
        organisation=w.vt,
        professional=w.vt_professional,
        role="onderzoeker",
        **basis(),
    )
    participant_add(
        actor=w.professional,
        case=w.case,
        organisation=w.gi,
        professional=w.gi_professional,
        role="jeugdbeschermer",
        **basis(),
    )
    return w


def open_assessment(page, case):
    """From the case page to the current assessment round (starting one when there is none)."""
    from cases.assessments.models import Assessment

    page.goto(f"/zaken/{case.pk}/")
    page.get_by_role("link", name="Veiligheidsbeoordelingen").first.click()
    current = Assessment.objects.filter(case=case).order_by("-id").first()
    if current is None:
        page.get_by_role("button", name="Nieuwe beoordelingsronde starten").click()
    else:
        page.locator(f"main a[href$='/beoordelingen/{current.pk}/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beoordelingsronde")


def test_partners_contribute_and_the_chair_decides_in_the_meeting(
    new_page, world, browser_login, shot, assert_accessible
):
    case = world.case
    # 1. Each partner records its contribution, in its own browser.
    contributions = (
        (world.professional, "Ouders ruziën hevig, kinderen zijn getuige.", "4", "structureel"),
        (world.vt_professional, "Eerdere melding over huiselijk geweld.", "3", "structureel"),
        (world.gi_professional, "Vader weigert hulp.", "2", "acute"),
    )
    for number, (user, worries, score, classification) in enumerate(contributions, start=1):
        page = new_page()
        browser_login(page, user)
        open_assessment(page, case)
        form = page.locator("form", has=page.get_by_role("button", name="Bijdrage vastleggen"))
        form.get_by_label("Zorgen (schade en gevaar)").fill(worries)
        form.get_by_label("Wat gaat goed").fill("Oma is betrokken en biedt opvang.")
        form.get_by_label("Veiligheidsscore (0–10)").fill(score)
        form.get_by_label("Classificatie").select_option(classification)
        if number == 1:
            assert_accessible(page)
        page.get_by_role("button", name="Bijdrage vastleggen").click()
        expect(page.get_by_role("article")).to_have_count(number)
        if number == 3:
            shot(page, "three-contributions")
            assert_accessible(page)
        page.context.close()

    # 2. The coordinator plans the meeting, builds the agenda and the attendance list.
    chair = new_page()
    browser_login(chair, world.coordinator)
    chair.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overleggen").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Overleggen")
    chair.get_by_label("Veiligheidsteam").select_option(label="Veiligheidsteam Zuidrand")
    meeting_at = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    chair.get_by_label("Datum en tijd").fill(meeting_at)
    chair.get_by_label("Voorzitter").select_option(label="Eva Mulder")
    chair.get_by_label("Locatie").fill("Stadskantoor, zaal 3")
    chair.get_by_role("button", name="Plannen").click()
    expect(chair.get_by_role("heading", level=1)).to_contain_text("Overleg")
    chair.get_by_role("combobox", name="Casus", exact=True).select_option(index=1)
    chair.get_by_role("button", name="Toevoegen").click()
    for person in ("Anne de Wit", "Bram Visser", "Carla Smit"):
        chair.get_by_label("Aanwezig").select_option(
            label=next(
                o for o in chair.get_by_label("Aanwezig").locator("option").all_inner_texts() if o.startswith(person)
            )
        )
        chair.get_by_role("button", name="Aanwezigheid vastleggen").click()
    expect(chair.locator(".attendance")).to_contain_text("Carla Smit")
    assert_accessible(chair)

    # 3. In the agenda case: the joint judgement.
    chair.get_by_role("link", name=case.reference).click()
    expect(chair.get_by_role("heading", level=1)).to_contain_text(case.reference)
    shot(chair, "agenda-item")
    assert_accessible(chair)
    judgement = chair.get_by_role("region", name="Gezamenlijk oordeel")
    judgement.get_by_label("Classificatie").select_option("structureel")
    judgement.get_by_label("Gezamenlijke veiligheidsscore (0–10)").fill("3")
    judgement.get_by_label("Onderbouwing").fill("Structurele onveiligheid door huiselijk geweld; oma biedt opvang.")
    judgement.get_by_label("Wat ouders zeggen").fill("Moeder wil hulp, vader twijfelt.")
    judgement.get_by_label("Ouders waren aanwezig").check()
    judgement.get_by_role("button", name="Vastleggen").click()
    expect(chair.locator(".messages")).to_contain_text("Gezamenlijk oordeel")
    assert JointJudgement.objects.filter(assessment__case=case, joint_score=3).exists()

    # 4. The GI disagrees: its dissent is recorded next to the judgement, not instead of it.
    gi = new_page()
    browser_login(gi, world.gi_professional)
    open_assessment(gi, case)
    gi.get_by_label("Reden van het afwijkende standpunt").fill("De GI acht de situatie acuut onveilig.")
    gi.get_by_role("button", name="Afwijkend standpunt van mijn organisatie vastleggen").click()
    expect(gi.get_by_role("main")).to_contain_text("De GI acht de situatie acuut onveilig.")
    shot(gi, "judgement-with-dissent")
    assert_accessible(gi)

    # 5. Back in the meeting: two interventions and a veiligheidsvoorwaarde.
    today = timezone.localdate()
    for kind, organisation, professional in (
        ("veiligheidsplan", "CVC Zuidrand", "Anne de Wit"),
        ("vt_onderzoek", "Veilig Thuis Zuidrand", "Bram Visser"),
    ):
        form = chair.get_by_role("region", name="Inzet afspreken")
        form.get_by_label("Soort inzet").select_option(kind)
        form.get_by_label("Verantwoordelijke organisatie").select_option(label=organisation)
        form.get_by_role("combobox", name="Verantwoordelijke", exact=True).select_option(label=professional)
        form.get_by_label("Startdatum").fill(today.isoformat())
        form.get_by_label("Uiterlijk klaar op").fill((today + timedelta(weeks=6)).isoformat())
        form.get_by_role("button", name="Vastleggen").click()
        expect(chair.locator(".messages")).to_contain_text("Inzet afspreken")
    condition = chair.get_by_role("region", name="Veiligheidsvoorwaarde afspreken")
    description = condition.get_by_role("textbox", name="Veiligheidsvoorwaarde", exact=True)
    description.fill("Vader verblijft niet in huis tot het plan er ligt.")
    condition.get_by_label("Eigenaar (organisatie)").select_option(label="CVC Zuidrand")
    condition.get_by_label("Eigenaar (professional)").select_option(label="Anne de Wit")
    condition.get_by_label("Controledatum").fill((today + timedelta(days=14)).isoformat())
    condition.get_by_role("button", name="Vastleggen").click()
    expect(chair.locator(".messages")).to_contain_text("Veiligheidsvoorwaarde")
    shot(chair, "agenda-item-decided")
    assert_accessible(chair)
    assert Intervention.objects.filter(case=case).count() == 2

    # 6. The chair's meeting view shows the case in one line with judgement, interventions and condition.
    chair.get_by_role("link", name="Terug naar het overleg").click()
    agenda = chair.locator(".agenda-case").first
    expect(agenda).to_contain_text("score 3")
    expect(agenda).to_contain_text("veiligheidsplan")
    expect(agenda).to_contain_text("onderzoek Veilig Thuis")
    expect(agenda).to_contain_text("Vader verblijft niet in huis")
    shot(chair, "meeting-view")
    assert_accessible(chair)
