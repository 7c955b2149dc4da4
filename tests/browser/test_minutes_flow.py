"""The chair runs a meeting with three partners, the GI dissents from the joint judgement, the chair
closes the meeting and downloads the minutes: the PDF holds the decisions and the dissent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import case_open, participant_add
from tests.browser.test_meeting_flow import open_assessment
from tests.browser.world import make_world
from tests.workflows.meetings.test_minutes import pdf_text
from tests.world import basis
from workflows.meetings.models import Meeting
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


def test_the_chair_closes_the_meeting_and_downloads_minutes_with_decisions_and_dissent(
    new_page, world, browser_login, shot, assert_accessible
):
    case, meeting = world.case, world.meeting
    chair = new_page()
    browser_login(chair, world.coordinator)
    chair.goto(f"/overleggen/{meeting.pk}/agenda/{world.item.pk}/")

    # 1. Minutes, the joint judgement and an intervention, taken in the meeting.
    minutes = chair.get_by_role("region", name="Verslag")
    minutes.get_by_role("textbox", name="Verslag").fill("Zorgen over huiselijk geweld besproken met de drie partners.")
    minutes.get_by_role("button", name="Vastleggen").click()
    expect(chair.locator(".messages")).to_contain_text("Verslag")
    judgement = chair.get_by_role("region", name="Gezamenlijk oordeel")
    judgement.get_by_label("Classificatie").select_option("structureel")
    judgement.get_by_label("Gezamenlijke veiligheidsscore (0–10)").fill("3")
    judgement.get_by_label("Onderbouwing").fill("Structurele onveiligheid door huiselijk geweld.")
    judgement.get_by_role("button", name="Vastleggen").click()
    expect(chair.locator(".messages")).to_contain_text("Gezamenlijk oordeel")
    today = timezone.localdate()
    form = chair.get_by_role("region", name="Inzet afspreken")
    form.get_by_label("Soort inzet").select_option("vt_onderzoek")
    form.get_by_label("Verantwoordelijke organisatie").select_option(label="Veilig Thuis Zuidrand")
    form.get_by_role("combobox", name="Verantwoordelijke", exact=True).select_option(label="Bram Visser")
    form.get_by_label("Startdatum").fill(today.isoformat())
    form.get_by_label("Uiterlijk klaar op").fill((today + timedelta(weeks=6)).isoformat())
    form.get_by_role("button", name="Vastleggen").click()
    expect(chair.locator(".messages")).to_contain_text("Inzet afspreken")

    # 2. The GI disagrees, on the assessment page.
    gi = new_page()
    browser_login(gi, world.gi_professional)
    open_assessment(gi, case)
    gi.get_by_label("Reden van het afwijkende standpunt").fill("De GI acht de situatie acuut onveilig.")
    gi.get_by_role("button", name="Afwijkend standpunt van mijn organisatie vastleggen").click()
    expect(gi.get_by_role("main")).to_contain_text("De GI acht de situatie acuut onveilig.")
    gi.context.close()

    # 3. The chair closes the meeting; its page now shows the record.
    chair.get_by_role("link", name="Terug naar het overleg").click()
    chair.get_by_role("button", name="Overleg sluiten").click()
    expect(chair.locator(".messages")).to_contain_text("Het overleg is gesloten")
    expect(chair.get_by_role("heading", level=1)).to_contain_text("gesloten")
    main = chair.get_by_role("main")
    expect(main).to_contain_text("De GI acht de situatie acuut onveilig.")
    expect(main).to_contain_text("onderzoek Veilig Thuis")
    expect(chair.get_by_role("button", name="Vastleggen")).to_have_count(0)
    assert Meeting.objects.get(pk=meeting.pk).closed_at is not None
    shot(chair, "closed-meeting-nl")
    assert_accessible(chair)

    # 4. The PDF holds the decisions and the dissent.
    with chair.expect_download() as download:
        chair.get_by_role("link", name="Verslag downloaden (pdf)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert case.reference in text and "Gezin Jansen" in text
    assert "De GI acht de situatie acuut onveilig." in text and "Jeugdbescherming Zuidrand" in text
    assert "score 3" in text and "onderzoek Veilig Thuis" in text and "Bram Visser" in text
    assert "Zorgen over huiselijk geweld besproken" in text

    # 5. On paper: no menu, buttons or forms.
    chair.emulate_media(media="print")
    expect(chair.locator(".site-header")).to_be_hidden()
    expect(chair.get_by_role("link", name="Verslag downloaden (pdf)")).to_be_hidden()
    shot(chair, "closed-meeting-print")
    chair.emulate_media(media="screen")

    # 6. The same page in English.
    chair.get_by_role("button", name="English").click()
    expect(chair.locator("html")).to_have_attribute("lang", "en")
    shot(chair, "closed-meeting-en")
    assert_accessible(chair)
