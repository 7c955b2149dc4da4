"""The case pages: open a case, its detail, persons, participants and notes; bad input answered in Dutch."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseUserObjectPermission, Note, Participant, Person
from cases.services import PARTICIPANT_NOT_WORKING
from cases.versioning import VERSION_REQUIRED
from tests.cases.conftest import OTHER_VALID_BSN, VALID_BSN
from tests.factories import MembershipFactory, OrganisationFactory
from tests.html_forms import form_data
from tests.world import basis_post


@pytest.fixture
def as_professional(world, client, login_verified):
    login_verified(client, world.professional)
    return client


def test_the_detail_shows_persons_with_a_masked_bsn_participants_timeline_and_notes(world, as_professional):
    body = as_professional.get(f"/zaken/{world.case.pk}/").content.decode()
    assert "Kim Testman" in body
    assert "*****2333" in body and VALID_BSN not in body
    assert world.vt_professional.full_name in body and "Veilig Thuis A" in body
    assert "casus geopend" in body and "Eerste gesprek gevoerd." in body


def test_a_note_is_shown_escaped(world, as_professional):
    as_professional.post(f"/zaken/{world.case.pk}/notities/nieuw/", {"text": "<script>alert(1)</script>"})
    body = as_professional.get(f"/zaken/{world.case.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_opening_a_case_makes_the_opener_a_participant_and_shows_it(world, as_professional):
    response = as_professional.post(
        "/zaken/nieuw/",
        {
            "team": world.team.pk,
            "municipality": world.municipality.pk,
            "family_name": "gezin Nieuwland",
            "intake": "signaal_lokaal_team",
            "reported_on": "2026-01-10",
        },
    )
    case = Case.objects.get(family_name="gezin Nieuwland")
    assert response.status_code == 302 and response["Location"] == f"/zaken/{case.pk}/"
    assert Participant.objects.active().filter(case=case, professional=world.professional).exists()


def test_the_open_form_offers_only_the_users_own_teams(world, as_professional):
    body = as_professional.get("/zaken/nieuw/").content.decode()
    assert "Veiligheidsteam A" in body and "Veiligheidsteam B" not in body


def test_a_municipality_outside_the_team_is_refused_in_dutch(world, as_professional):
    outside = world.other_team.municipalities.first()
    before = Case.objects.count()
    response = as_professional.post(
        "/zaken/nieuw/",
        {
            "team": world.team.pk,
            "municipality": outside.pk,
            "family_name": "gezin X",
            "intake": "gi",
            "reported_on": "2026-01-10",
        },
    )
    assert response.status_code == 400
    assert "Gemeente" in response.content.decode()
    assert Case.objects.count() == before


def test_another_teams_team_is_refused(world, as_professional):
    before = Case.objects.count()
    response = as_professional.post(
        "/zaken/nieuw/",
        {
            "team": world.other_team.pk,
            "municipality": world.other_team.municipalities.first().pk,
            "family_name": "gezin X",
            "intake": "gi",
            "reported_on": "2026-01-10",
        },
    )
    assert response.status_code == 400
    assert "Veiligheidsteam" in response.content.decode()
    assert Case.objects.count() == before


def test_adding_a_person_with_a_valid_bsn_stores_it_and_shows_it_masked(world, as_professional):
    response = as_professional.post(
        f"/zaken/{world.case.pk}/personen/nieuw/",
        {
            "role": "ouder",
            "full_name": "Sam Testman",
            "date_of_birth": "1988-02-03",
            "bsn": OTHER_VALID_BSN,
        },
    )
    assert response.status_code == 302
    assert Person.objects.get(full_name="Sam Testman").bsn == OTHER_VALID_BSN


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bsn", "123456789", "BSN: dit is geen geldig BSN"),
        ("bsn", "12345", "BSN: dit is geen geldig BSN"),
        ("date_of_birth", "tomorrow", "Geboortedatum ligt in de toekomst"),
        ("role", "buurman", "Rol in het gezin"),
        ("full_name", "   ", "Naam"),
    ],
)
def test_bad_person_input_is_refused_with_a_dutch_message_and_nothing_saved(
    world, as_professional, field, value, message
):
    data = {"role": "ouder", "full_name": "Sam Testman", "date_of_birth": "1988-02-03", "bsn": ""}
    data[field] = (timezone.localdate() + timedelta(days=1)).isoformat() if value == "tomorrow" else value
    before = Person.objects.count()
    response = as_professional.post(f"/zaken/{world.case.pk}/personen/nieuw/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Er is een probleem" in body and message in body
    assert f'href="#id_{field}"' in body
    assert Person.objects.count() == before


def test_editing_a_person_keeps_the_bsn_when_the_field_is_left_empty(world, as_professional):
    response = as_professional.post(
        f"/personen/{world.child.pk}/wijzigen/",
        {
            "role": "jeugdige",
            "full_name": "Kim Testman-Bos",
            "date_of_birth": "2016-04-01",
            "bsn": "",
            "version": world.child.version,
        },
    )
    assert response.status_code == 302
    world.child.refresh_from_db()
    assert (world.child.full_name, world.child.bsn, world.child.version) == ("Kim Testman-Bos", VALID_BSN, 2)
    assert world.child.history.count() == 2


def test_the_edit_form_never_shows_the_full_bsn(world, as_professional):
    body = as_professional.get(f"/personen/{world.child.pk}/wijzigen/").content.decode()
    assert VALID_BSN not in body and "*****2333" in body


def test_adding_a_participant_from_the_teams_organisation_grants_access(world, as_professional):
    response = as_professional.post(
        f"/zaken/{world.case.pk}/betrokkenen/nieuw/",
        {
            "organisation": world.gi.pk,
            "professional": world.gi_professional.pk,
            "role": "jeugdbeschermer",
            **basis_post(),
        },
    )
    assert response.status_code == 302
    assert CaseUserObjectPermission.objects.filter(user=world.gi_professional, content_object=world.case).exists()


def test_a_participant_from_an_organisation_outside_the_team_is_refused(world, as_professional):
    outside = OrganisationFactory(name="Buiten het team", kind="other")
    outsider = MembershipFactory(organisation=outside).user
    before = Participant.objects.count()
    response = as_professional.post(
        f"/zaken/{world.case.pk}/betrokkenen/nieuw/",
        {
            "organisation": outside.pk,
            "professional": outsider.pk,
            "role": "deskundige",
            **basis_post(),
        },
    )
    assert response.status_code == 400
    assert "Organisatie" in response.content.decode()
    assert Participant.objects.count() == before
    assert not CaseUserObjectPermission.objects.filter(user=outsider).exists()


def test_a_professional_of_another_organisation_is_refused_for_this_one(world, as_professional):
    response = as_professional.post(
        f"/zaken/{world.case.pk}/betrokkenen/nieuw/",
        {
            "organisation": world.vt.pk,
            "professional": world.gi_professional.pk,
            "role": "onderzoeker",
            **basis_post(),
        },
    )
    assert response.status_code == 400
    assert str(PARTICIPANT_NOT_WORKING) in response.content.decode()


def test_an_unknown_participant_role_is_refused(world, as_professional):
    response = as_professional.post(
        f"/zaken/{world.case.pk}/betrokkenen/nieuw/",
        {
            "organisation": world.gi.pk,
            "professional": world.gi_professional.pk,
            "role": "baas",
            **basis_post(),
        },
    )
    assert response.status_code == 400
    assert "Rol in de casus" in response.content.decode()
    assert not Participant.objects.filter(professional=world.gi_professional).exists()


def test_ending_a_participation_through_the_page_revokes_access(world, as_professional, client, login_verified):
    url = f"/zaken/{world.case.pk}/betrokkenen/{world.vt_participant.pk}/beeindigen/"
    assert as_professional.get(url).status_code == 200
    assert as_professional.post(url).status_code == 302
    login_verified(client, world.vt_professional)
    assert client.get(f"/zaken/{world.case.pk}/").status_code == 404


def test_an_empty_note_is_refused_and_a_note_is_saved_for_the_authors_organisation(world, as_professional):
    url = f"/zaken/{world.case.pk}/notities/nieuw/"
    empty = as_professional.post(url, {"text": "   "})
    assert empty.status_code == 400 and "Notitie" in empty.content.decode()
    assert as_professional.post(url, {"text": "Huisbezoek gepland."}).status_code == 302
    note = Note.objects.get(text="Huisbezoek gepland.")
    assert note.organisation == world.cvc and note.author == world.professional


def _edit_url(person) -> str:
    return f"/personen/{person.pk}/wijzigen/"


def _both_load_then_first_saves(world, client, login_verified):
    """The professional and the VT professional open the same person's form; the professional saves a
    new name first. Returns the VT professional's client and the form as it was loaded."""
    from django.test import Client

    first, second = Client(), client
    login_verified(first, world.professional)
    login_verified(second, world.vt_professional)
    loaded = form_data(second.get(_edit_url(world.child)).content.decode())
    mine = form_data(first.get(_edit_url(world.child)).content.decode())
    assert first.post(_edit_url(world.child), {**mine, "full_name": "Kim de Vries"}).status_code == 302
    return second, loaded


def test_a_stale_person_edit_shows_the_colleagues_value_beside_ones_own_on_the_current_form(
    world, client, login_verified
):
    second, loaded = _both_load_then_first_saves(world, client, login_verified)
    response = second.post(_edit_url(world.child), {**loaded, "date_of_birth": "2016-05-01"})

    assert response.status_code == 409
    body = response.content.decode()
    assert f"{world.professional.full_name} heeft dit op" in body and "gewijzigd (Naam)" in body
    assert "Uw wijziging is niet opgeslagen." in body
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", body, re.S)
    assert [(re.sub(r"<[^>]+>", "", label).strip(), stored, yours) for label, stored, yours in rows] == [
        ("Naam gewijzigd door een collega", "Kim de Vries", "Kim Testman"),
        ("Geboortedatum", "1 april 2016", "1 mei 2016"),
    ]
    # The form itself is the record as it is now, at its new version: sent as is, it reverts nothing.
    assert form_data(body) | {"csrfmiddlewaretoken": ""} == {
        "csrfmiddlewaretoken": "",
        "role": "jeugdige",
        "full_name": "Kim de Vries",
        "date_of_birth": "2016-04-01",
        "bsn": "",
        "confidentiality": "gedeeld",
        "version": "2",
    }
    assert VALID_BSN not in body
    world.child.refresh_from_db()
    assert (world.child.full_name, str(world.child.date_of_birth), world.child.version) == (
        "Kim de Vries",
        "2016-04-01",
        2,
    )


def test_saving_the_reshown_person_form_unchanged_keeps_the_colleagues_change(world, client, login_verified):
    second, loaded = _both_load_then_first_saves(world, client, login_verified)
    conflict = second.post(_edit_url(world.child), {**loaded, "date_of_birth": "2016-05-01"})

    assert second.post(_edit_url(world.child), form_data(conflict.content.decode())).status_code == 302
    world.child.refresh_from_db()
    assert (world.child.full_name, str(world.child.date_of_birth), world.child.bsn) == (
        "Kim de Vries",
        "2016-04-01",
        VALID_BSN,
    )
    assert [h.full_name for h in world.child.history.order_by("history_id")] == [
        "Kim Testman",
        "Kim de Vries",
        "Kim de Vries",
    ]


def test_entering_ones_own_value_again_on_the_reshown_person_form_saves_it(world, client, login_verified):
    second, loaded = _both_load_then_first_saves(world, client, login_verified)
    conflict = second.post(_edit_url(world.child), {**loaded, "date_of_birth": "2016-05-01"})

    again = {**form_data(conflict.content.decode()), "date_of_birth": "2016-05-01"}
    assert second.post(_edit_url(world.child), again).status_code == 302
    world.child.refresh_from_db()
    assert (world.child.full_name, str(world.child.date_of_birth), world.child.version) == (
        "Kim de Vries",
        "2016-05-01",
        3,
    )


@pytest.mark.parametrize("version", [None, "", "drie"])
def test_a_person_edit_without_a_usable_version_is_refused_and_nothing_changes(world, as_professional, version):
    data = {"role": "jeugdige", "full_name": "Zonder Versie", "date_of_birth": "2016-04-01", "bsn": ""}
    if version is not None:
        data["version"] = version
    response = as_professional.post(_edit_url(world.child), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Er is een probleem" in body and str(VERSION_REQUIRED) in body
    assert 'href="#id_version"' not in body  # on top of the form, not linked to a hidden field
    world.child.refresh_from_db()
    assert (world.child.full_name, world.child.version, world.child.history.count()) == ("Kim Testman", 1, 1)
