"""The case record's own items under their class (issue 17): notes and persons' details are chosen
with a class, bad choices are refused in Dutch with nothing saved, and a reader without the class
learns "dat, niet wat" — also from a search or the timeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cases.confidentiality import CLASS_UNKNOWN, MELDER_VT_ONLY
from cases.corrections import NOTE_CORRECTION_WIDENS, note_correct
from cases.models import Note, Person
from cases.services import note_add, person_add

from .conftest import OTHER_VALID_BSN

pytestmark = pytest.mark.django_db


def _client(user, login_verified) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_a_melder_note_by_a_non_vt_author_is_refused_in_dutch_and_nothing_is_saved(world, login_verified):
    before = Note.objects.count()
    response = _client(world.coordinator, login_verified).post(
        f"/api/v1/cases/{world.case.pk}/notes/",
        {"text": "Wie belde", "confidentiality": "melder"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert str(MELDER_VT_ONLY) in response.content.decode()
    assert Note.objects.count() == before


def test_an_unknown_class_on_the_note_form_is_a_form_error_and_nothing_is_saved(world, login_verified):
    before = Note.objects.count()
    response = _client(world.professional, login_verified).post(
        f"/zaken/{world.case.pk}/notities/nieuw/", {"text": "Tekst", "confidentiality": "geheim"}
    )
    assert response.status_code == 400
    assert str(CLASS_UNKNOWN) in response.content.decode()
    assert Note.objects.count() == before


def test_a_person_added_for_the_own_organisation_keeps_that_organisation_and_others_see_only_the_role(
    world, login_verified
):
    person = person_add(
        actor=world.professional,
        case=world.case,
        role="ouder",
        full_name="Piet Eigenorg",
        bsn=OTHER_VALID_BSN,
        confidentiality="eigen_organisatie",
    )
    assert person.organisation == world.cvc
    # The team's coordinator sees the case but does not take part for the CVC: not the own organisation.
    rows = _client(world.coordinator, login_verified).get(f"/api/v1/cases/{world.case.pk}/persons/").json()
    row = next(r for r in rows["results"] if r["id"] == person.pk)
    assert row["role"] == "ouder" and row["readable"] is False
    assert row["full_name"] is None and row["masked_bsn"] is None and row["date_of_birth"] is None
    mine = _client(world.professional, login_verified).get(f"/api/v1/cases/{world.case.pk}/persons/{person.pk}/")
    assert mine.json()["full_name"] == "Piet Eigenorg"


def test_a_person_whose_details_one_may_not_read_cannot_be_changed_or_removed_by_them(world, login_verified):
    person = person_add(
        actor=world.vt_professional, case=world.case, role="netwerk", full_name="Mel Der", confidentiality="melder"
    )
    client = _client(world.professional, login_verified)
    assert client.get(f"/personen/{person.pk}/wijzigen/").status_code == 404
    assert client.get(f"/zaken/{world.case.pk}/personen/{person.pk}/verwijderen/").status_code == 404
    assert Person.objects.get(pk=person.pk).full_name == "Mel Der"


def test_a_search_does_not_tell_a_hidden_persons_bsn_or_name(world, login_verified):
    person_add(
        actor=world.vt_professional,
        case=world.case,
        role="netwerk",
        full_name="Zoekbare Melder",
        bsn=OTHER_VALID_BSN,
        confidentiality="melder",
    )
    cvc = _client(world.professional, login_verified)
    vt = _client(world.vt_professional, login_verified)
    assert cvc.get("/api/v1/cases/", {"bsn": OTHER_VALID_BSN}).json()["count"] == 0
    assert cvc.get("/api/v1/cases/", {"q": "Zoekbare"}).json()["count"] == 0
    assert vt.get("/api/v1/cases/", {"bsn": OTHER_VALID_BSN}).json()["count"] == 1
    assert vt.get("/api/v1/cases/", {"q": "Zoekbare"}).json()["count"] == 1


def test_the_timeline_names_a_hidden_person_only_to_readers(world, login_verified):
    person_add(
        actor=world.vt_professional,
        case=world.case,
        role="netwerk",
        full_name="Tijdlijn Melder",
        confidentiality="melder",
    )
    for user, sees in ((world.professional, False), (world.vt_professional, True)):
        client = _client(user, login_verified)
        page = client.get(f"/zaken/{world.case.pk}/").content.decode()
        api = client.get(f"/api/v1/cases/{world.case.pk}/timeline/").content.decode()
        assert ("Tijdlijn Melder" in page) is sees and ("Tijdlijn Melder" in api) is sees
        assert "persoon toegevoegd" in page.lower()  # "dat": the event itself stays


def test_a_correction_keeps_or_narrows_the_class_never_widens_it(world):
    note = note_add(actor=world.vt_professional, case=world.case, text="Bron: buurvrouw", confidentiality="melder")
    note.case = world.case
    with pytest.raises(ValidationError) as refused:
        note_correct(
            actor=world.vt_professional, note=note, text="Bron: een buur", expected_version=1, confidentiality="gedeeld"
        )
    assert str(NOTE_CORRECTION_WIDENS) in refused.value.messages
    assert Note.objects.filter(corrects=note).count() == 0
    correction = note_correct(actor=world.vt_professional, note=note, text="Bron: een buur", expected_version=1)
    assert correction.confidentiality == "melder"


def test_the_admin_holds_no_case_content():
    from django.contrib import admin

    from cases.documents.models import Document
    from cases.models import Case, TimelineEvent
    from cases.reporters.models import Reporter

    for model in (Case, Person, Note, TimelineEvent, Document, Reporter):
        assert model not in admin.site._registry, (
            f"{model.__name__} is in the admin: administrators read no case content"
        )
