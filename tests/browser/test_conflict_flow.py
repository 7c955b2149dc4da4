"""Two professionals edit the same person at once: the second sees both versions side by side, and the
first one's change survives."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from cases.models import Person
from cases.services import participant_add, person_add
from tests.browser.world import make_world
from tests.cases.conftest import open_case
from tests.world import basis


@pytest.fixture
def world(transactional_db):
    w = make_world()
    w.case = open_case(w.professional, w.team, family_name="Gezin Van Dijk", municipality=w.municipality)
    participant_add(
        actor=w.professional,
        case=w.case,
        organisation=w.vt,
        professional=w.vt_professional,
        role="onderzoeker",
        **basis(),
    )
    w.child = person_add(
        actor=w.professional, case=w.case, role="jeugdige", full_name="Sem van Dijk", date_of_birth=date(2017, 3, 2)
    )
    return w


def test_the_second_editor_sees_both_versions_and_the_first_change_survives(
    new_page, world, browser_login, shot, assert_accessible
):
    edit = f"/personen/{world.child.pk}/wijzigen/"
    anne, bram = new_page(), new_page()  # two browsers: own cookies, own session
    browser_login(anne, world.professional)
    browser_login(bram, world.vt_professional)
    anne.goto(edit)
    bram.goto(edit)

    anne.get_by_role("textbox", name="Naam", exact=True).fill("Sem de Vries")
    anne.get_by_role("button", name="Opslaan").click()
    expect(anne.get_by_role("status").or_(anne.locator(".messages"))).to_contain_text("Sem de Vries")

    # Bram still has the form as it was: he corrects the date of birth and saves.
    bram.get_by_label("Geboortedatum").fill("2017-03-12")
    bram.get_by_role("button", name="Opslaan").click()

    conflict = bram.get_by_role("alert")
    expect(conflict.get_by_role("heading", level=2)).to_have_text("Iemand anders heeft dit intussen gewijzigd")
    expect(conflict).to_contain_text("Anne de Wit heeft dit op")
    expect(conflict).to_be_focused()
    table = conflict.get_by_role("table", name="Opgeslagen gegevens en uw invoer naast elkaar")
    name_row = table.get_by_role("row").filter(has_text="Naam")
    expect(name_row.get_by_role("cell")).to_have_text(["Sem de Vries", "Sem van Dijk"])
    expect(name_row).to_contain_text("gewijzigd door een collega")
    born_row = table.get_by_role("row").filter(has_text="Geboortedatum")
    expect(born_row.get_by_role("cell")).to_have_text(["2 maart 2017", "12 maart 2017"])
    # The fields hold what is stored now, so saving as shown would not undo Anne's change.
    expect(bram.get_by_role("textbox", name="Naam", exact=True)).to_have_value("Sem de Vries")
    expect(bram.get_by_label("Geboortedatum")).to_have_value("2017-03-02")
    shot(bram, "conflict-side-by-side")
    assert_accessible(bram)
    assert Person.objects.values_list("full_name", "date_of_birth", "version").get() == (
        "Sem de Vries",
        date(2017, 3, 2),
        2,
    )

    # Bram enters his own value again, deliberately, and saves.
    bram.get_by_label("Geboortedatum").fill("2017-03-12")
    bram.get_by_role("button", name="Opslaan").click()
    expect(bram.get_by_role("status").or_(bram.locator(".messages"))).to_contain_text("Sem de Vries")
    shot(bram, "saved-after-review")
    assert Person.objects.values_list("full_name", "date_of_birth", "version").get() == (
        "Sem de Vries",
        date(2017, 3, 12),
        3,
    )
