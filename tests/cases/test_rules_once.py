"""Each rule's message is written once, beside the service that enforces it; the web form, the API
and the import answer the same broken input with that same message."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.assessments.services import SCORE_OUT_OF_RANGE, assessment_start
from cases.interventions.services import DUE_BEFORE_START
from cases.services import TEAM_DOES_NOT_SERVE
from exchange.importer import import_cases
from tests.exchange.world import base_moment, make_world, minimal_document
from tests.factories import MembershipFactory
from tests.world import in_days, judge, open_case


@pytest.fixture
def client_of(region, client, login_verified):
    login_verified(client, region.cvc_user)
    return client


def _imported_messages(doc) -> list[str]:
    report = import_cases([(1, json.dumps(doc))], dry_run=True)
    return [error.message for error in report.errors]


def test_a_municipality_the_team_does_not_serve_has_one_message_everywhere(region, client_of):
    # A municipality of the user's other team: offered by the form, but not served by this team.
    other_team = MembershipFactory(organisation=region.cvc, user=region.cvc_user).team
    elsewhere = other_team.municipalities.first()
    form = {
        "team": region.team.pk,
        "municipality": elsewhere.pk,
        "family_name": "Gezin X",
        "intake": "gi",
        "reported_on": str(timezone.localdate()),
    }
    page = client_of.post("/zaken/nieuw/", form)
    assert page.status_code == 400 and str(TEAM_DOES_NOT_SERVE) in page.content.decode()
    api = client_of.post("/api/v1/cases/", form, content_type="application/json")
    assert api.status_code == 400 and api.json()["municipality"] == [str(TEAM_DOES_NOT_SERVE)]

    world = make_world()
    not_served = world.outsider.memberships.first().team.municipalities.first().code
    assert str(TEAM_DOES_NOT_SERVE) in _imported_messages(minimal_document(world, "REGEL-1", municipality=not_served))


def test_a_safety_score_out_of_range_has_one_message_everywhere(region, client_of):
    case = open_case(region)
    assessment = assessment_start(actor=region.cvc_user, case=case)
    page = client_of.post(
        f"/zaken/{case.pk}/beoordelingen/{assessment.pk}/bijdrage/",
        {"safety_score": 11, "classification": "structureel"},
    )
    assert page.status_code == 400 and str(SCORE_OUT_OF_RANGE) in page.content.decode()
    api = client_of.post(
        f"/api/v1/cases/{case.pk}/assessments/{assessment.pk}/contributions/",
        {"safety_score": 11, "classification": "structureel"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["safety_score"] == [str(SCORE_OUT_OF_RANGE)]

    world = make_world()
    doc = minimal_document(world, "REGEL-2")
    at = (base_moment() + timedelta(days=2)).isoformat()
    doc["assessments"] = [
        {
            "started_at": at,
            "by": world.cvc_user.username,
            "contributions": [
                {
                    "at": at,
                    "by": world.cvc_user.username,
                    "organisation": world.cvc.name,
                    "safety_score": 11,
                    "classification": "structureel",
                }
            ],
        }
    ]
    assert str(SCORE_OUT_OF_RANGE) in _imported_messages(doc)


def test_a_due_date_before_the_start_has_one_message_everywhere(region, client_of):
    case = open_case(region)
    judge(region, case)
    start, due = in_days(10), in_days(2)
    body = {
        "kind": "vrijwillig_lokaal_team",
        "responsible_organisation": region.cvc.pk,
        "responsible_professional": region.cvc_user.pk,
        "start_date": str(start),
        "due_date": str(due),
    }
    page = client_of.post(f"/zaken/{case.pk}/inzet/", body)
    assert page.status_code == 400 and str(DUE_BEFORE_START) in page.content.decode()
    api = client_of.post(f"/api/v1/cases/{case.pk}/interventions/", body, content_type="application/json")
    assert api.status_code == 400 and api.json()["due_date"] == [str(DUE_BEFORE_START)]

    world = make_world()
    doc = minimal_document(world, "REGEL-3")
    doc["interventions"] = [
        {
            "kind": "vrijwillig_lokaal_team",
            "responsible_organisation": world.cvc.name,
            "responsible_professional": world.cvc_user.username,
            "start_date": str(start),
            "due_date": str(due),
            "agreed_at": (base_moment() + timedelta(days=3)).isoformat(),
            "by": world.cvc_user.username,
        }
    ]
    assert str(DUE_BEFORE_START) in _imported_messages(doc)
