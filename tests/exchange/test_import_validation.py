"""A file with broken records: every problem is named by line, external reference and field; valid
records are imported, broken ones leave nothing; dry run and all-or-nothing write nothing."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from cases.models import Case, Participant, Person, TimelineEvent
from cases.services import PARTICIPANT_NOT_WORKING
from exchange.importer import import_cases
from partners.models import Role
from tests.exchange.world import make_world, minimal_document
from tests.factories import MembershipFactory


def _lines(docs):
    return [(n, doc if isinstance(doc, str) else json.dumps(doc)) for n, doc in enumerate(docs, start=1)]


def _broken(world):
    """Seven records, each wrong in one different way, and where the report must point."""
    future = (timezone.now() + timedelta(days=3)).isoformat()
    other_team_municipality = world.outsider.memberships.first().team.municipalities.first().code
    no_name = minimal_document(world, "KAPOT-2")
    del no_name["family_name"]
    bad_bsn = minimal_document(world, "KAPOT-3")
    bad_bsn["persons"][0]["bsn"] = "123456789"
    stranger = minimal_document(world, "KAPOT-4")
    stranger["participants"][1]["professional"] = world.outsider.username
    not_served = minimal_document(world, "KAPOT-5", municipality=other_team_municipality)
    in_future = minimal_document(world, "KAPOT-6")
    in_future["status_history"][0]["at"] = future
    refused_move = minimal_document(world, "KAPOT-7")
    refused_move["status_history"][0]["to"] = "inzet_afgesproken"
    return [
        ('{"format": "veiligheidsteam/case-v1", "external_reference": "KAPOT-1", ', "", ""),
        (no_name, "KAPOT-2", "/family_name"),
        (bad_bsn, "KAPOT-3", "/persons/0/bsn"),
        (stranger, "KAPOT-4", "/participants/1/professional"),
        (not_served, "KAPOT-5", "/municipality"),
        (in_future, "KAPOT-6", "/status_history/0/at"),
        (refused_move, "KAPOT-7", "/status_history/0/to"),
    ]


@pytest.mark.slow
def test_a_thousand_cases_with_seven_broken_imports_the_rest_and_names_all_seven(db):
    world = make_world()
    broken = _broken(world)
    docs, expected = [], set()
    broken_at = {100: 0, 250: 1, 400: 2, 555: 3, 700: 4, 850: 5, 999: 6}
    for line in range(1, 1001):
        if line in broken_at:
            doc, reference, where = broken[broken_at[line]]
            docs.append(doc)
            expected.add((line, reference, where))
        else:
            docs.append(minimal_document(world, f"OK-{line:04d}"))

    report = import_cases(_lines(docs), imported_by=world.admin)

    assert {(e.line, e.reference, e.pointer) for e in report.errors} == expected
    assert len(report.errors) == 7
    assert report.created == 993
    assert Case.objects.filter(team=world.team).count() == 993
    assert not Case.objects.filter(external_reference__startswith="KAPOT").exists()
    assert not Case.objects.filter(family_name__startswith="Gezin KAPOT").exists()
    assert Person.objects.filter(case__team=world.team).count() == 993


def test_each_error_says_what_is_wrong_in_dutch_and_in_english(db):
    world = make_world()
    doc = minimal_document(world, "TAAL-1")
    doc["persons"][0]["bsn"] = "123456789"

    with translation.override("nl"):
        dutch = import_cases(_lines([doc]), dry_run=True).errors
    with translation.override("en"):
        english = import_cases(_lines([doc]), dry_run=True).errors

    assert "elfproef" in dutch[0].message
    assert dutch[0].pointer == english[0].pointer == "/persons/0/bsn"
    assert english[0].message != dutch[0].message
    assert str(dutch[0]).startswith("regel 1 · TAAL-1 · /persons/0/bsn · ")


def test_a_dry_run_reports_guard_refusals_and_writes_nothing(db):
    world = make_world()
    good = minimal_document(world, "PROEF-1")
    refused = minimal_document(world, "PROEF-2")
    # aangemeld -> afgesloten is allowed; afgesloten -> monitoring is not: only the replay finds that.
    refused["status_history"][0]["to"] = "afgesloten"
    refused["status_history"].append(
        dict(refused["status_history"][0], to="monitoring", at=(timezone.now() - timedelta(days=1)).isoformat())
    )
    before = TimelineEvent.objects.count()

    report = import_cases(_lines([good, refused]), dry_run=True)

    assert report.created == 1
    assert [(e.line, e.pointer) for e in report.errors] == [(2, "/status_history/1/to")]
    assert not Case.objects.filter(external_reference__startswith="PROEF").exists()
    assert TimelineEvent.objects.count() == before


def test_all_or_nothing_imports_nothing_when_one_record_is_wrong(db):
    world = make_world()
    bad = minimal_document(world, "AON-2")
    bad["persons"][0]["bsn"] = "123456789"

    report = import_cases(_lines([minimal_document(world, "AON-1"), bad]), all_or_nothing=True)

    assert len(report.errors) == 1
    assert not report.written
    assert not Case.objects.filter(external_reference__startswith="AON").exists()


def test_the_same_reference_twice_in_one_file_is_refused_on_the_second_line(db):
    world = make_world()
    doc = minimal_document(world, "DUBBEL-1")

    report = import_cases(_lines([doc, doc]))

    assert report.created == 1
    assert [(e.line, e.pointer) for e in report.errors] == [(2, "/external_reference")]


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.FUNCTIONAL_ADMIN, Role.PRIVACY_OFFICER])
def test_the_import_makes_no_evaluator_administrator_or_privacy_officer_a_participant(db, role):
    world = make_world()
    outsider_role = MembershipFactory(team=world.team, organisation=world.cvc, role=role).user
    doc = minimal_document(world, "ROL-1")
    doc["participants"][1].update(organisation=world.cvc.name, professional=outsider_role.username)

    report = import_cases(_lines([doc]), imported_by=world.admin)

    assert [(e.pointer, e.message) for e in report.errors] == [
        ("/participants/1/professional", str(PARTICIPANT_NOT_WORKING))
    ]
    assert not Case.objects.filter(external_reference="ROL-1").exists()
    assert not Participant.objects.filter(professional=outsider_role).exists()
