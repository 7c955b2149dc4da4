"""The exchange format carries each child's protection measure with its dates, who recorded it and how
it ended; the import records it through the same services (without the beschikking's file), a wrong
child or day is named by its field, and the export gives the same measures back."""

import json
from datetime import timedelta

from cases.documents.measures import MEASURE_CHILD_NOT_ON_CASE, MEASURE_ENDED_BEFORE_START
from cases.documents.models import ChildMeasure
from cases.models import Case, EventKind
from exchange.exporter import export_case
from exchange.importer import import_cases
from tests.exchange.world import base_moment, make_world, minimal_document


def with_measure(w, reference: str, **changes) -> dict:
    doc = minimal_document(w, reference)
    doc["persons"].append({"key": "k2", "role": "ouder", "full_name": "Ouder Test", "date_of_birth": None, "bsn": ""})
    opened = base_moment(30)
    measure = {
        "kind": "ots",
        "child": "k1",
        "organisation": w.cvc.name,
        "decided_on": (opened + timedelta(days=2)).date().isoformat(),
        "starts_on": (opened + timedelta(days=3)).date().isoformat(),
        "planned_end": (opened + timedelta(days=368)).date().isoformat(),
        "recorded": {"at": (opened + timedelta(days=3)).isoformat(), "by": w.cvc_user.username},
        "ended": {
            "at": (opened + timedelta(days=20)).isoformat(),
            "by": w.cvc_user.username,
            "on": (opened + timedelta(days=20)).date().isoformat(),
            "reason": "opgeheven",
        },
    }
    for key, value in changes.items():
        if key == "ended_on":
            measure["ended"]["on"] = value
        else:
            measure[key] = value
    doc["measures"] = [measure]
    return doc


def test_an_imported_measure_is_recorded_for_its_child_ends_as_recorded_and_exports_the_same(db):
    w = make_world()
    doc = with_measure(w, "MAATREGEL-1")
    report = import_cases([(1, json.dumps(doc))], imported_by=w.admin)
    assert report.errors == [] and report.created == 1
    case = Case.objects.get(external_reference="MAATREGEL-1")
    measure = ChildMeasure.objects.get(case=case)
    assert (measure.child.full_name, measure.measure, measure.document) == ("Kind Test", "ots", None)
    assert (measure.ended_on.isoformat(), measure.end_reason) == (doc["measures"][0]["ended"]["on"], "opgeheven")
    kinds = set(case.timeline.values_list("kind", flat=True))
    assert {EventKind.MEASURE_RECORDED, EventKind.MEASURE_ENDED} <= kinds
    exported = export_case(w.cvc_user, case.reference)
    assert exported["measures"] == doc["measures"]


def test_a_measure_for_a_parent_or_ending_before_its_start_is_named_by_its_field_and_nothing_is_imported(db):
    w = make_world()
    for_parent = with_measure(w, "MAATREGEL-2", child="k2")
    too_early = with_measure(w, "MAATREGEL-3", ended_on=(base_moment(30) + timedelta(days=1)).date().isoformat())
    report = import_cases([(1, json.dumps(for_parent)), (2, json.dumps(too_early))], imported_by=w.admin)
    problems = {(e.line, e.pointer): e.message for e in report.errors}
    assert problems[(1, "/measures/0/child")] == str(MEASURE_CHILD_NOT_ON_CASE)
    assert problems[(2, "/measures/0/ended/on")] == str(MEASURE_ENDED_BEFORE_START)
    assert not Case.objects.filter(external_reference__startswith="MAATREGEL").exists()
    assert not ChildMeasure.objects.exists()
