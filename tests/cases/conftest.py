"""A small world for the case tests: one team with its partners and people in every role, one case."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from cases.services import case_open, note_add, participant_add, person_add
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, SafetyTeamFactory
from tests.world import basis

VALID_BSN = "111222333"  # passes the 11-proof; invented
OTHER_VALID_BSN = "123456782"


def member(team, organisation, role="professional", **user_kwargs):
    return MembershipFactory(team=team, organisation=organisation, role=role, **user_kwargs).user


def open_case(actor, team, *, family_name="gezin Testman", municipality=None, **kwargs):
    return case_open(
        actor=actor,
        team=team,
        municipality=municipality or team.municipalities.first(),
        family_name=family_name,
        intake=kwargs.pop("intake", "melding_vt"),
        reported_on=kwargs.pop("reported_on", date(2026, 1, 5)),
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; these tests log in with force_login and never check a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Team A with CVC, VT and GI; a case opened by the CVC professional with a VT participant,
    a child and a note. Team B is somebody else's team."""
    municipality = MunicipalityFactory(name="Testdorp")
    team = SafetyTeamFactory(name="Veiligheidsteam A", municipalities=[municipality, MunicipalityFactory()])
    cvc = OrganisationFactory(name="CVC A", kind="cvc")
    vt = OrganisationFactory(name="Veilig Thuis A", kind="veilig_thuis")
    gi = OrganisationFactory(name="GI A", kind="gi")
    team.organisations.add(cvc, vt, gi)
    w = SimpleNamespace(team=team, municipality=municipality, cvc=cvc, vt=vt, gi=gi)
    w.professional = member(team, cvc)
    w.vt_professional = member(team, vt)
    w.gi_professional = member(team, gi)
    w.coordinator = member(team, cvc, role="coordinator")
    w.evaluator = member(team, cvc, role="evaluator")
    w.functional_admin = member(team, cvc, role="functional_admin")
    w.privacy_officer = member(team, cvc, role="privacy_officer")

    w.other_team = SafetyTeamFactory(name="Veiligheidsteam B")
    other_cvc = OrganisationFactory(name="CVC B", kind="cvc")
    w.other_team.organisations.add(other_cvc)
    w.stranger = member(w.other_team, other_cvc)
    w.other_coordinator = member(w.other_team, other_cvc, role="coordinator")
    w.other_privacy_officer = member(w.other_team, other_cvc, role="privacy_officer")

    w.case = open_case(w.professional, team, municipality=municipality)
    w.vt_participant = participant_add(
        actor=w.professional,
        case=w.case,
        organisation=vt,
        professional=w.vt_professional,
        role="onderzoeker",
        **basis(),
    )
    w.child = person_add(
        actor=w.professional,
        case=w.case,
        role="jeugdige",
        full_name="Kim Testman",
        date_of_birth=date(2016, 4, 1),
        bsn=VALID_BSN,
    )
    w.note = note_add(actor=w.professional, case=w.case, text="Eerste gesprek gevoerd.")
    return w
