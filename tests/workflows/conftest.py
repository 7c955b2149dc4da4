"""Fixtures for the deadline tests: a team with a professional per partner and a coordinator."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from django.apps import apps

from cases.models import Intake
from cases.services import case_open
from tests import factories
from workflows.deadlines.calendar import AMSTERDAM
from workflows.deadlines.rules import load_defaults


def at(*args) -> datetime:
    """An aware Amsterdam moment: at(2026, 5, 13, 10)."""
    return datetime(*args, tzinfo=AMSTERDAM)


@dataclass
class Region:
    team: object
    cvc: object
    vt: object
    rvdk: object
    coordinator: object
    outsider: object

    def open_case(
        self,
        *,
        intake=Intake.SIGNAAL_LOKAAL_TEAM,
        reported_on=date(2026, 5, 13),
        opened_at=None,
        actor=None,
        vast_gezicht=None,
    ):
        actor = actor or self.cvc
        return case_open(
            actor=actor,
            team=self.team,
            municipality=self.team.municipalities.first(),
            family_name="Gezin Testfamilie",
            intake=intake,
            reported_on=reported_on,
            vast_gezicht=vast_gezicht or actor,
            opened_at=opened_at or at(2026, 5, 13, 10),
        )


@pytest.fixture
def region(db, make_member):
    # Transactional tests flush the data migration's rows: make sure the defaults exist.
    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))
    team = factories.SafetyTeamFactory()
    cvc = make_member(team, kind="cvc")
    vt = make_member(team, kind="veilig_thuis")
    rvdk = make_member(team, kind="rvdk")
    coordinator = make_member(team, role="coordinator", kind="cvc")
    outsider = make_member(factories.SafetyTeamFactory(), kind="cvc")
    return Region(team=team, cvc=cvc, vt=vt, rvdk=rvdk, coordinator=coordinator, outsider=outsider)
