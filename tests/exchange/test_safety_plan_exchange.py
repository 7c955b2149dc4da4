"""The veiligheidsplan in the exchange format: its versions and akkoorden leave with the case and
come back the same; a plan that does not hold together is refused with the field."""

import copy
import json

from cases.models import Case
from cases.safety_plans.models import PlanAgreement, SafetyPlanVersion
from exchange.exporter import export_case
from exchange.format import schema_problems
from exchange.importer import import_cases
from tests.exchange.test_round_trip import _flush
from tests.exchange.world import build_live_case, make_world


def _plan(case):
    return [
        (
            v.number,
            v.recorded_at,
            v.recorded_by_id,
            v.danger_statements,
            v.safety_goals,
            v.warning_signs,
            v.monitoring,
            v.evaluation_on,
            v.reason,
            [(c.person.full_name, c.commitment) for c in v.commitments.order_by("position")],
            sorted(c.description for c in v.conditions.all()),
            sorted(i.kind for i in v.interventions.all()),
            sorted(
                (a.person.full_name if a.person else a.organisation.name, a.agreed_on, a.way, a.recorded_at)
                for a in v.agreements.all()
            ),
        )
        for v in SafetyPlanVersion.objects.filter(plan__case=case).order_by("number")
    ]


def test_the_plans_versions_and_agreements_round_trip_through_the_exchange_format(db):
    world = make_world()
    case = build_live_case(world)
    live = _plan(case)
    assert [row[0] for row in live] == [1, 2] and len(live[0][-1]) == 2
    exported = export_case(world.cvc_user, case.reference)
    assert schema_problems(exported) == []
    versions = exported["safety_plans"][0]["versions"]
    assert versions[1]["conditions"] == ["/assessments/0/judgement/conditions/0"]
    assert {a.get("person", a.get("organisation")) for a in versions[0]["agreements"]} >= {world.cvc.name}
    _flush(case)

    report = import_cases([(1, json.dumps(exported))], imported_by=world.admin)

    assert report.errors == []
    imported = Case.objects.get(external_reference=exported["external_reference"])
    assert _plan(imported) == live
    again = export_case(world.cvc_user, exported["external_reference"])
    assert again["safety_plans"] == exported["safety_plans"]


def _refused(world, exported, change):
    doc = copy.deepcopy(exported)
    change(doc)
    return import_cases([(1, json.dumps(doc))], imported_by=world.admin)


def test_a_plan_that_does_not_hold_together_is_refused_with_the_field_and_imports_nothing(db):
    world = make_world()
    case = build_live_case(world)
    exported = export_case(world.cvc_user, case.reference)
    _flush(case)
    cases_before = Case.objects.count()

    def unknown_person(doc):
        doc["safety_plans"][0]["versions"][0]["commitments"][0]["person"] = "NIEMAND"

    def scale_eleven(doc):
        doc["safety_plans"][0]["versions"][0]["safety_goals"][0]["scale"] = 11

    def empty_danger(doc):
        doc["safety_plans"][0]["versions"][0]["danger_statements"] = [" "]

    def agreed_twice(doc):
        agreements = doc["safety_plans"][0]["versions"][0]["agreements"]
        agreements.append({**agreements[0]})

    expected = {
        unknown_person: "/safety_plans/0/versions/0/commitments/0/person",
        scale_eleven: "/safety_plans/0/versions/0/safety_goals/0/scale",
        empty_danger: "/safety_plans/0/versions/0/danger_statements/0",
        agreed_twice: "/safety_plans/0/versions/0/agreements/2/person",
    }
    for change, pointer in expected.items():
        report = _refused(world, exported, change)
        assert [e.pointer for e in report.errors][:1] == [pointer], (change.__name__, report.errors)
        assert report.created == 0
    assert Case.objects.count() == cases_before
    assert not PlanAgreement.objects.exists()
