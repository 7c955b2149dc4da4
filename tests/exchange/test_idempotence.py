"""Importing the same file twice changes nothing; a changed record updates the case through the
services, with history; changes the import does not support are refused with the field."""

import json
from datetime import timedelta

from django.apps import apps

from cases.models import Case, Person, TimelineEvent
from exchange.format import parse_moment
from exchange.importer import import_cases
from exchange.models import ImportedCase
from tests.exchange.world import make_world, minimal_document
from workflows.deadlines.models import Deadline

COUNTED = [
    "cases.Case",
    "cases.Person",
    "cases.Participant",
    "cases.TimelineEvent",
    "cases.HistoricalCase",
    "cases.HistoricalPerson",
    "workflows.Deadline",
    "exchange.ImportedCase",
]


def _counts():
    return {name: apps.get_model(name).objects.count() for name in COUNTED}


def _lines(*docs):
    return [(n, json.dumps(doc)) for n, doc in enumerate(docs, start=1)]


def test_importing_the_same_file_twice_changes_nothing(db):
    world = make_world()
    docs = [minimal_document(world, f"TWEE-{n}") for n in range(5)]
    first = import_cases(_lines(*docs))
    after_first = _counts()
    events = list(TimelineEvent.objects.values_list("pk", flat=True))

    second = import_cases(_lines(*docs))

    assert (first.created, second.created, second.unchanged, second.errors) == (5, 0, 5, [])
    assert _counts() == after_first
    assert list(TimelineEvent.objects.values_list("pk", flat=True)) == events


def test_a_changed_person_is_changed_through_the_service_with_history(db):
    world = make_world()
    doc = minimal_document(world, "WIJZIG-1")
    import_cases(_lines(doc))
    doc["persons"][0]["full_name"] = "Kind Nieuwe Naam"
    doc["persons"].append({"key": "k2", "role": "ouder", "full_name": "Ouder Test"})

    report = import_cases(_lines(doc))

    assert (report.updated, report.errors) == (1, [])
    case = Case.objects.get(external_reference="WIJZIG-1")
    person = Person.objects.get(case=case, full_name="Kind Nieuwe Naam")
    assert person.history.count() == 2
    assert Person.objects.filter(case=case).count() == 2
    kinds = list(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("person_changed") == 1
    assert kinds.count("person_added") == 2


def test_new_later_events_are_appended_and_run_their_deadlines(db):
    world = make_world()
    doc = minimal_document(world, "AANVUL-1")
    import_cases(_lines(doc))
    case = Case.objects.get(external_reference="AANVUL-1")
    events_before = TimelineEvent.objects.filter(case=case).count()
    at = (parse_moment(doc["status_history"][0]["at"]) + timedelta(days=1)).isoformat()
    doc["assessments"] = [
        {
            "started_at": at,
            "by": world.cvc_user.username,
            "contributions": [
                {
                    "at": at,
                    "by": world.vt_user.username,
                    "organisation": world.vt.name,
                    "safety_score": 4,
                    "classification": "structureel",
                }
            ],
        }
    ]

    report = import_cases(_lines(doc))

    assert (report.updated, report.errors) == (1, [])
    assert TimelineEvent.objects.filter(case=case).count() == events_before + 1
    assert ImportedCase.objects.get(case=case).document["assessments"]
    # No melding: the VT deadline does not exist; the team's own deadline is still open.
    assert Deadline.objects.filter(case=case, rule__code="gezamenlijke-beoordeling", state="open").exists()


def test_changing_or_removing_imported_history_is_refused_with_the_field(db):
    world = make_world()
    doc = minimal_document(world, "HISTORIE-1")
    import_cases(_lines(doc))
    changed = json.loads(json.dumps(doc))
    changed["status_history"][0]["reason"] = "Andere reden"
    changed["intake"] = "gi"
    removed = json.loads(json.dumps(doc))
    removed["persons"] = []
    counts = _counts()

    refused_change = import_cases(_lines(changed))
    refused_removal = import_cases(_lines(removed))

    assert {e.pointer for e in refused_change.errors} == {"/status_history/0", "/intake"}
    assert [e.pointer for e in refused_removal.errors] == ["/persons"]
    assert "verwijdert geen personen" in refused_removal.errors[0].message
    assert _counts() == counts
