"""Correcting a note: an amendment by its author; the original stays, shown as corrected."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape

from cases.access_log.services import access_log_rows
from cases.corrections import NOTE_ALREADY_CORRECTED, NOTE_CORRECTION_ALREADY_SAVED, NOTE_ONLY_AUTHOR_CORRECTS
from cases.models import EventKind, Note
from cases.services import note_add
from tests.html_forms import form_data
from tests.world import open_case

ORIGINAL = "Moeder vertelt dat het gezin in 2019 naar Testdorp verhuisde."
CORRECTED = "Moeder vertelt dat het gezin in 2021 naar Testdorp verhuisde."


@pytest.fixture
def noted(region):
    case = open_case(region)
    return case, note_add(actor=region.cvc_user, case=case, text=ORIGINAL)


def _client(user, login_verified) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _url(note: Note) -> str:
    return reverse("note-correct", kwargs={"case_id": note.case_id, "note_id": note.pk})


def test_the_author_corrects_a_note_and_the_original_stays_shown_as_corrected(region, noted, login_verified):
    case, note = noted
    author = _client(region.cvc_user, login_verified)
    data = form_data(author.get(_url(note)).content.decode())
    assert data["text"] == ORIGINAL

    response = author.post(_url(note), {**data, "text": CORRECTED})

    assert response.status_code == 302
    note.refresh_from_db()
    correction = Note.objects.get(corrects=note)
    assert (note.text, note.corrected_by, note.version) == (ORIGINAL, region.cvc_user, 2)
    assert (correction.text, correction.author) == (CORRECTED, region.cvc_user)
    event = case.timeline.get(kind=EventKind.NOTE_CORRECTED)
    assert event.data == {"note_id": note.pk, "correction_id": correction.pk}
    # Both texts on the case page, the original marked corrected with when and by whom.
    body = author.get(reverse("case-detail", kwargs={"case_id": case.pk})).content.decode()
    assert ORIGINAL in body and CORRECTED in body
    when = date_format(timezone.localtime(note.corrected_at), "j F Y H:i")
    assert f"gecorrigeerd op {when} door {escape(region.cvc_user.get_full_name())}" in body
    assert body.count(">Corrigeren<") == 1  # only the correction can be corrected further
    # The original's history keeps its version before the correction.
    assert list(note.history.order_by("history_id").values_list("version", "text")) == [(1, ORIGINAL), (2, ORIGINAL)]
    assert access_log_rows().filter(case_id=case.pk, detail=f"note:{note.pk}:correct", outcome="allowed").exists()


def test_someone_other_than_the_author_cannot_correct_the_note(region, noted, login_verified):
    case, note = noted
    colleague = _client(region.vt_user, login_verified)

    page = colleague.get(_url(note))
    refused = colleague.post(_url(note), {"text": CORRECTED, "version": note.version})
    by_api = colleague.post(
        f"/api/v1/cases/{case.pk}/notes/{note.pk}/corrections/",
        {"text": CORRECTED, "version": note.version},
        content_type="application/json",
    )

    assert page.status_code == 200 and escape(str(NOTE_ONLY_AUTHOR_CORRECTS)) in page.content.decode()
    assert 'name="text"' not in page.content.decode()
    assert refused.status_code == 400 and escape(str(NOTE_ONLY_AUTHOR_CORRECTS)) in refused.content.decode()
    assert by_api.status_code == 400 and by_api.json() == {"non_field_errors": [str(NOTE_ONLY_AUTHOR_CORRECTS)]}
    note.refresh_from_db()
    assert note.corrected_at is None and not Note.objects.filter(corrects=note).exists()
    assert not case.timeline.filter(kind=EventKind.NOTE_CORRECTED).exists()


def test_an_outsider_gets_not_found_for_the_correction_page(region, noted, login_verified):
    _, note = noted
    outsider = _client(region.outsider, login_verified)
    assert outsider.get(_url(note)).status_code == 404
    assert outsider.post(_url(note), {"text": CORRECTED, "version": 1}).status_code == 404


def test_the_same_correction_form_sent_twice_corrects_once(region, noted, login_verified):
    case, note = noted
    author = _client(region.cvc_user, login_verified)
    data = {**form_data(author.get(_url(note)).content.decode()), "text": CORRECTED}

    first, second = author.post(_url(note), data), author.post(_url(note), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Note.objects.filter(corrects=note).count() == 1
    assert escape(str(NOTE_CORRECTION_ALREADY_SAVED)) in author.get(second.url).content.decode()


def test_a_corrected_note_is_corrected_once_and_the_correction_can_be_corrected(region, noted, login_verified):
    case, note = noted
    author = _client(region.cvc_user, login_verified)
    url = f"/api/v1/cases/{case.pk}/notes/{note.pk}/corrections/"

    first = author.post(url, {"text": CORRECTED, "version": 1}, content_type="application/json")
    again = author.post(url, {"text": "Nog anders.", "version": 2}, content_type="application/json")
    of_correction = author.post(
        f"/api/v1/cases/{case.pk}/notes/{first.json()['id']}/corrections/",
        {"text": "In 2022 verhuisd.", "version": 1},
        content_type="application/json",
    )

    assert first.status_code == 201 and first.json()["corrects"] == note.pk
    assert again.status_code == 409 and again.json() == {
        "detail": str(NOTE_ALREADY_CORRECTED),
        "existing": first.json(),
    }
    assert of_correction.status_code == 201
    assert Note.objects.filter(case=case).count() == 3


def test_an_api_correction_needs_the_version_and_text(region, noted, login_verified):
    case, note = noted
    author = _client(region.cvc_user, login_verified)
    url = f"/api/v1/cases/{case.pk}/notes/{note.pk}/corrections/"

    missing = author.post(url, {"text": CORRECTED}, content_type="application/json")
    empty = author.post(url, {"text": "   ", "version": 1}, content_type="application/json")
    stale = author.post(url, {"text": CORRECTED, "version": 7}, content_type="application/json")

    assert missing.status_code == 400 and "version" in missing.json()
    assert empty.status_code == 400 and "text" in empty.json()
    assert stale.status_code == 409 and stale.json()["current"]["text"] == ORIGINAL
    assert not Note.objects.filter(corrects=note).exists()
