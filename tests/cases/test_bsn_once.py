"""A BSN is on a case once: refused on the form and by the API, and by the database when two
additions race; only ASCII digits that pass the 11-proof are a BSN."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cases.models import Person
from cases.services import person_add
from cases.validators import BSN_INVALID, BSN_TWICE_IN_CASE
from tests.concurrency import N, clients_of, post_simultaneously
from tests.factories import fictional_bsn
from tests.world import open_case

BSN = fictional_bsn(3)


@pytest.fixture
def case_with_child(region):
    case = open_case(region, family_name="Gezin Eenmaal")
    person_add(actor=region.cvc_user, case=case, role="jeugdige", full_name="Mila Eenmaal", bsn=BSN)
    return case


def _client(user, login_verified) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_the_same_bsn_twice_in_a_case_is_refused_on_the_form(region, case_with_child, login_verified):
    client = _client(region.cvc_user, login_verified)
    url = reverse("person-add", kwargs={"case_id": case_with_child.pk})

    twice = client.post(url, {"role": "ouder", "full_name": "Iemand Anders", "bsn": BSN})
    spaced = client.post(url, {"role": "ouder", "full_name": "Iemand Anders", "bsn": f"{BSN[:3]} {BSN[3:6]} {BSN[6:]}"})

    for refused in (twice, spaced):
        assert refused.status_code == 400
        assert escape(str(BSN_TWICE_IN_CASE)) in refused.content.decode()
    assert Person.objects.filter(case=case_with_child, bsn=BSN).count() == 1


def test_changing_a_person_to_a_bsn_already_on_the_case_is_refused(region, case_with_child, login_verified):
    other = person_add(actor=region.cvc_user, case=case_with_child, role="ouder", full_name="Ouder Eenmaal")
    client = _client(region.cvc_user, login_verified)

    response = client.post(
        reverse("person-edit", kwargs={"person_id": other.pk}),
        {"role": "ouder", "full_name": "Ouder Eenmaal", "date_of_birth": "", "bsn": BSN, "version": other.version},
    )

    assert response.status_code == 400 and escape(str(BSN_TWICE_IN_CASE)) in response.content.decode()
    other.refresh_from_db()
    assert other.bsn == "" and other.version == 1


def test_the_same_bsn_twice_in_a_case_is_a_400_from_the_api(region, case_with_child, login_verified):
    client = _client(region.cvc_user, login_verified)

    response = client.post(
        f"/api/v1/cases/{case_with_child.pk}/persons/",
        {"role": "ouder", "full_name": "Iemand Anders", "bsn": BSN},
        content_type="application/json",
    )

    assert response.status_code == 400 and response.json() == {"bsn": [str(BSN_TWICE_IN_CASE)]}


def test_the_same_bsn_in_another_case_is_no_refusal_here(region, case_with_child):
    other_case = open_case(region, family_name="Gezin Tweede")
    # Adding it elsewhere is the family check's warning (tests/cases/test_family_check.py), not this rule.
    assert person_add(actor=region.cvc_user, case=other_case, role="jeugdige", full_name="Mila Eenmaal", bsn=BSN).pk


def test_the_database_refuses_the_same_bsn_twice_in_a_case(case_with_child):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(case=case_with_child, role="ouder", full_name="Langs de service", bsn=BSN)


@pytest.mark.parametrize(
    "typed",
    ["123456789", "99000001", "١١١٢٢٢٣٣٣", "１１１２２２３３３", "11122233３", "000000000", "11122233x"],
)
def test_a_bsn_must_be_nine_ascii_digits_passing_the_eleven_proof(region, case_with_child, login_verified, typed):
    client = _client(region.cvc_user, login_verified)

    web = client.post(
        reverse("person-add", kwargs={"case_id": case_with_child.pk}),
        {"role": "ouder", "full_name": "Iemand", "bsn": typed},
    )
    api = client.post(
        f"/api/v1/cases/{case_with_child.pk}/persons/",
        {"role": "ouder", "full_name": "Iemand", "bsn": typed},
        content_type="application/json",
    )

    assert web.status_code == 400 and escape(str(BSN_INVALID)) in web.content.decode()
    assert api.status_code == 400 and api.json() == {"bsn": [str(BSN_INVALID)]}
    assert Person.objects.filter(case=case_with_child).count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_additions_of_one_bsn_add_one_person(region):
    case = open_case(region, family_name="Gezin Gelijktijdig")
    bsn = fictional_bsn(4)
    data = {"role": "jeugdige", "full_name": "Ties Gelijktijdig", "date_of_birth": "2018-05-06", "bsn": bsn}

    on_the_web = post_simultaneously(clients_of(region.cvc_user), f"/zaken/{case.pk}/personen/nieuw/", data)
    by_the_api = post_simultaneously(
        clients_of(region.vt_user),
        f"/api/v1/cases/{case.pk}/persons/",
        {**data, "bsn": fictional_bsn(5)},
        content_type="application/json",
    )

    assert sorted(r.status_code for r in on_the_web) == [302] + [400] * (N - 1)
    assert sorted(r.status_code for r in by_the_api) == [201] + [400] * (N - 1)
    for refused in (r for r in by_the_api if r.status_code == 400):
        assert refused.json() == {"bsn": [str(BSN_TWICE_IN_CASE)]}
    assert Person.objects.filter(case=case, bsn=bsn).count() == 1
    assert Person.objects.filter(case=case, bsn=fictional_bsn(5)).count() == 1
    assert case.timeline.filter(kind="person_added").count() == 2
