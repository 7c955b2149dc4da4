"""Removing a person added by mistake: a reason is required; the person stays in the history and is
shown under "Verwijderd", no longer among the family."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cases.access_log.services import access_log_rows
from cases.corrections import PERSON_ALREADY_REMOVED, PERSON_REMOVAL_REASON_REQUIRED, person_remove
from cases.models import EventKind, Person
from cases.services import PERSON_REMOVED_NOT_CHANGED, person_add, person_change
from tests.factories import fictional_bsn
from tests.html_forms import form_data
from tests.world import open_case

REASON = "Buurjongen, hoort niet bij dit gezin; per abuis toegevoegd."


@pytest.fixture
def family(region):
    case = open_case(region, family_name="Gezin Abuis")
    child = person_add(
        actor=region.cvc_user, case=case, role="jeugdige", full_name="Lotte Abuis", date_of_birth=date(2015, 2, 3)
    )
    wrong = person_add(
        actor=region.cvc_user,
        case=case,
        role="jeugdige",
        full_name="Bram Buurjongen",
        date_of_birth=date(2014, 6, 7),
        bsn=fictional_bsn(1),
    )
    return case, child, wrong


def _client(user, login_verified) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _url(person: Person) -> str:
    return reverse("person-remove", kwargs={"case_id": person.case_id, "person_id": person.pk})


def test_removing_a_person_needs_a_reason(region, family, login_verified):
    case, _, wrong = family
    client = _client(region.cvc_user, login_verified)
    data = form_data(client.get(_url(wrong)).content.decode())

    response = client.post(_url(wrong), {**data, "reason": "   "})

    assert response.status_code == 400
    assert escape(str(PERSON_REMOVAL_REASON_REQUIRED)) in response.content.decode()
    wrong.refresh_from_db()
    assert wrong.removed_at is None and wrong.version == 1
    assert not case.timeline.filter(kind=EventKind.PERSON_REMOVED).exists()


def test_a_removed_person_leaves_the_family_list_and_is_shown_with_the_reason(region, family, login_verified):
    case, child, wrong = family
    client = _client(region.cvc_user, login_verified)
    data = form_data(client.get(_url(wrong)).content.decode())

    response = client.post(_url(wrong), {**data, "reason": REASON})

    assert response.status_code == 302
    wrong.refresh_from_db()
    assert (wrong.removed_by, wrong.removal_reason, wrong.version) == (region.cvc_user, REASON, 2)
    assert case.timeline.filter(kind=EventKind.PERSON_REMOVED, data__person_id=wrong.pk).count() == 1
    # History: the row as it was, and as it was removed.
    assert list(wrong.history.order_by("history_id").values_list("removed_at", flat=True))[0] is None
    assert wrong.history.count() == 2
    body = client.get(reverse("case-detail", kwargs={"case_id": case.pk})).content.decode()
    current, removed = body.split('id="removed-persons-title"')
    current = current.split('id="persons-title"')[1]
    assert "Lotte Abuis" in current and "Bram Buurjongen" not in current
    assert "<del>Bram Buurjongen</del>" in removed and escape(REASON) in removed
    assert fictional_bsn(1) not in body
    assert access_log_rows().filter(case_id=case.pk, detail=f"person:{wrong.pk}:remove").exists()


def test_removing_twice_or_from_a_stale_page_changes_nothing_more(region, family, login_verified):
    case, child, wrong = family
    client = _client(region.cvc_user, login_verified)
    data = {**form_data(client.get(_url(wrong)).content.decode()), "reason": REASON}
    stale_data = {**form_data(client.get(_url(child)).content.decode()), "reason": REASON}
    person_change(actor=region.vt_user, person=child, expected_version=1, full_name="Lotte Abuis-Test")

    first, second = client.post(_url(wrong), data), client.post(_url(wrong), data)
    stale = client.post(_url(child), stale_data)

    assert first.status_code == 302
    assert second.status_code == 409 and escape(str(PERSON_ALREADY_REMOVED)) in second.content.decode()
    assert stale.status_code == 409
    child.refresh_from_db()
    assert child.removed_at is None
    assert case.timeline.filter(kind=EventKind.PERSON_REMOVED).count() == 1


def test_the_api_removes_with_a_reason_and_lists_the_family_without_the_removed(region, family, login_verified):
    case, child, wrong = family
    client = _client(region.cvc_user, login_verified)
    url = f"/api/v1/cases/{case.pk}/persons/{wrong.pk}/removal/"

    no_reason = client.post(url, {"reason": "", "version": 1}, content_type="application/json")
    removed = client.post(url, {"reason": REASON, "version": 1}, content_type="application/json")
    again = client.post(url, {"reason": REASON, "version": 2}, content_type="application/json")
    listed = client.get(f"/api/v1/cases/{case.pk}/persons/").json()
    with_removed = client.get(f"/api/v1/cases/{case.pk}/persons/?removed=true").json()

    assert no_reason.status_code == 400 and no_reason.json() == {"reason": [str(PERSON_REMOVAL_REASON_REQUIRED)]}
    assert removed.status_code == 200 and removed.json()["removal_reason"] == REASON
    assert again.status_code == 409 and again.json()["detail"] == str(PERSON_ALREADY_REMOVED)
    assert [p["full_name"] for p in listed["results"]] == ["Lotte Abuis"]
    assert {p["full_name"] for p in with_removed["results"]} == {"Lotte Abuis", "Bram Buurjongen"}


def test_a_removed_person_cannot_be_changed_and_their_bsn_may_be_added_again(region, family):
    case, _, wrong = family
    person_remove(actor=region.cvc_user, person=wrong, reason=REASON, expected_version=1)

    with pytest.raises(ValidationError) as refused:
        person_change(actor=region.cvc_user, person=wrong, expected_version=2, full_name="Iets anders")
    again = person_add(
        actor=region.cvc_user, case=case, role="netwerk", full_name="Bram Buurjongen", bsn=fictional_bsn(1)
    )

    assert str(PERSON_REMOVED_NOT_CHANGED) in str(refused.value)
    assert again.pk != wrong.pk and Person.objects.filter(case=case, bsn=fictional_bsn(1)).count() == 2
