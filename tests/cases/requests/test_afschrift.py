"""The afschrift (PDF) for a parent: their data and their children's, the plan and the agreements, and
who looked at the file in plain words — never the melder nor the other family's persons."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.access_log.services import access_log_rows
from cases.interventions.services import intervention_agree
from cases.reporters.services import reporter_record
from cases.requests.services import family_request_register
from cases.selectors import case_for
from cases.services import person_add
from tests.world import judge, open_case

pytestmark = pytest.mark.django_db(databases="__all__")

MELDER = "Melder Rozemarijn Klokhuis"
OTHER_FAMILY = ("Gideon Stiefvaderhuis", "Noor Stiefzusje")  # the other parent's new family, in the case


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # table cells wrap: compare on single spaces


@pytest.fixture
def afschrift_case(region):
    case = open_case(region)
    mother = person_add(
        actor=region.cvc_user,
        case=case,
        role="ouder",
        full_name="Mirjam Afschriftvrager",
        date_of_birth=date(1985, 1, 2),
    )
    person_add(
        actor=region.cvc_user,
        case=case,
        role="jeugdige",
        full_name="Kees Afschriftkind",
        date_of_birth=date(2015, 4, 5),
    )
    person_add(actor=region.cvc_user, case=case, role="verzorger", full_name=OTHER_FAMILY[0])
    person_add(actor=region.cvc_user, case=case, role="netwerk", full_name=OTHER_FAMILY[1])
    reporter_record(actor=region.vt_user, case=case, full_name=MELDER, relation="buurvrouw", kind="prive")
    judge(region, case)
    intervention_agree(
        actor=region.cvc_user,
        case=case,
        kind="veiligheidsplan",
        responsible_organisation=region.cvc,
        responsible_professional=region.cvc_user,
        start_date=timezone.localdate(),
        due_date=timezone.localdate() + timedelta(days=30),
        description="Veiligheidsplan met het netwerk",
    )
    case_for(region.vt_user, case.pk)  # a read by Veilig Thuis, for "who looked"
    request = family_request_register(
        actor=region.cvc_user,
        case=case,
        kind="afschrift",
        person=mother,
        requester_name="",
        relation="ouder",
        identity_check="document",
        received_on=timezone.localdate(),
    )
    return case, request


def test_the_afschrift_holds_the_parent_and_child_and_plain_access_but_not_the_melder_or_others(
    region, afschrift_case, client, login_verified
):
    case, request = afschrift_case
    login_verified(client, region.cvc_user)
    before = access_log_rows().count()
    response = client.get(f"/zaken/{case.pk}/verzoeken/{request.pk}/afschrift.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Mirjam Afschriftvrager" in text and "Kees Afschriftkind" in text
    assert "Veiligheidsplan met het netwerk" in text
    assert region.vt.name in text  # who looked: the organisation, in plain words
    assert MELDER not in text and "Klokhuis" not in text
    for name in OTHER_FAMILY:
        assert name not in text and name.split()[-1] not in text
    for code in ("participant:", "person:add", "vast_gezicht", "case_opened"):
        assert code not in text
    logged = list(access_log_rows().order_by("id")[before:].values_list("action", "detail", "case_id"))
    assert ("export", f"afschrift:{request.pk}", case.pk) in logged


def test_an_outsider_gets_no_afschrift(region, afschrift_case, client, login_verified):
    case, request = afschrift_case
    login_verified(client, region.outsider)
    assert client.get(f"/zaken/{case.pk}/verzoeken/{request.pk}/afschrift.pdf").status_code == 404
