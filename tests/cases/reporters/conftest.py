"""The case world with a melder on record: the CVC, Veilig Thuis, the Raad and a GI take part, and
Veilig Thuis recorded a melder with an invented name and phone number that must never reach anyone
but Veilig Thuis."""

from __future__ import annotations

import pytest
from django.test import Client

from cases.reporters.services import reporter_record
from cases.services import participant_add
from tests.cases.conftest import member
from tests.factories import OrganisationFactory
from tests.twofactor import login_verified
from tests.world import basis

NAME = "Fenna Fictiefstra"
PHONE = "06-98765432"
PLANTED = (NAME, PHONE, "buurvrouw op nummer 7", "fenna@example.invalid", "Naam niet noemen")


@pytest.fixture
def mw(world):
    w = world
    w.rvdk = OrganisationFactory(name="Raad A", kind="rvdk")
    w.team.organisations.add(w.rvdk)
    w.rvdk_professional = member(w.team, w.rvdk)
    for organisation, professional, role in (
        (w.rvdk, w.rvdk_professional, "onderzoeker"),
        (w.gi, w.gi_professional, "jeugdbeschermer"),
    ):
        participant_add(
            actor=w.professional,
            case=w.case,
            organisation=organisation,
            professional=professional,
            role=role,
            **basis(),
        )
    w.reporter = reporter_record(
        actor=w.vt_professional,
        case=w.case,
        full_name=NAME,
        relation="buurvrouw op nummer 7",
        kind="prive",
        phone=PHONE,
        email="fenna@example.invalid",
        anonymity_requested=True,
        anonymity_promised=True,
        promise="Naam niet noemen tegenover de ouders.",
    )
    w.non_vt = {
        "CVC participant": w.professional,
        "RvdK participant": w.rvdk_professional,
        "GI participant": w.gi_professional,
        "coordinator": w.coordinator,
        "evaluator": w.evaluator,
        "functional admin": w.functional_admin,
        "privacy officer": w.privacy_officer,
    }
    return w


def client_for(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def leaked(body: bytes | str) -> list[str]:
    text = body.decode() if isinstance(body, bytes) else body
    return [value for value in PLANTED if value in text]
