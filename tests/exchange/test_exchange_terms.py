"""The exchange format carries what starts and closes terms with its dates: the onderzoek of Veilig
Thuis and the Raad, the destruction request and every assignment of the vast gezicht. Export ->
import gives them back at the same moments, so the same deadlines and handovers follow."""

import json
from datetime import datetime, time, timedelta

from django.utils.formats import date_format

from cases.investigations.selectors import destruction_requests_of, onderzoeken_of
from cases.investigations.services import onderzoek_start
from cases.models import Case, EventKind, TimelineEvent
from cases.services import case_open, participant_add
from exchange.exporter import export_case
from exchange.format import history_steps
from exchange.importer import import_cases
from tests.exchange.test_round_trip import _flush
from tests.exchange.world import base_moment, build_live_case, make_world, minimal_document
from tests.world import basis
from workflows.deadlines.calendar import AMSTERDAM
from workflows.deadlines.models import Deadline


def _end_of(day) -> str:
    return datetime.combine(day, time.max, tzinfo=AMSTERDAM).isoformat()


def _assignments(case):
    events = TimelineEvent.objects.filter(case=case, kind=EventKind.VAST_GEZICHT_ASSIGNED).order_by("occurred_at", "id")
    return [(e.occurred_at, e.actor.username, e.data["user_id"]) for e in events]


def test_the_export_carries_the_onderzoek_the_destruction_request_and_the_assignments_with_their_dates(db):
    world = make_world()
    t, d = base_moment(), timedelta(days=1)
    case = build_live_case(world, base=t)

    doc = export_case(world.cvc_user, case.reference)

    assert doc["vast_gezicht"] == world.cvc_user.username
    assert doc["vast_gezicht_assignments"] == [
        {"at": t.isoformat(), "by": world.cvc_user.username, "vast_gezicht": world.cvc_user.username},
        {"at": (t + 9 * d).isoformat(), "by": world.coordinator.username, "vast_gezicht": world.gi_user.username},
        {"at": (t + 12 * d).isoformat(), "by": world.coordinator.username, "vast_gezicht": world.cvc_user.username},
    ]
    assert doc["investigations"] == [
        {
            "kind": "vt",
            "organisation": world.vt.name,
            "started": {"at": _end_of((t + 2 * d).date()), "by": world.vt_user.username},
            "ended": {"at": _end_of((t + 20 * d).date()), "by": world.vt_user.username},
        }
    ]
    parent = case.persons.get(role="ouder")
    assert doc["destruction_requests"] == [
        {"at": _end_of((t + 52 * d).date()), "by": world.cvc_user.username, "requested_by": f"P{parent.pk}"}
    ]
    # The assignment at the opening is the opening itself, not a step of its own.
    assert [s.pointer for s in history_steps(doc) if s.kind == "vast_gezicht_assign"] == [
        "/vast_gezicht_assignments/1",
        "/vast_gezicht_assignments/2",
    ]


def test_an_imported_case_gets_the_same_onderzoek_request_and_assignments_back(db):
    world = make_world()
    t, d = base_moment(), timedelta(days=1)
    case = build_live_case(world, base=t)
    live = {
        "assignments": _assignments(case),
        "onderzoek": [(o.kind, o.started_on, o.ended_on) for o in onderzoeken_of(case)],
        "requests": [r.requested_on for r in destruction_requests_of(case)],
    }
    exported = export_case(world.cvc_user, case.reference)
    _flush(case)

    report = import_cases([(1, json.dumps(exported))], imported_by=world.admin)

    assert report.errors == []
    imported = Case.objects.get(external_reference=exported["external_reference"])
    assert _assignments(imported) == live["assignments"]
    assert (
        [(o.kind, o.started_on, o.ended_on) for o in onderzoeken_of(imported)]
        == live["onderzoek"]
        == [("vt", (t + 2 * d).date(), (t + 20 * d).date())]
    )
    assert [r.requested_on for r in destruction_requests_of(imported)] == live["requests"] == [(t + 52 * d).date()]
    assert imported.vast_gezicht == world.cvc_user


def test_a_case_imported_without_an_assignment_history_records_its_vast_gezicht_at_opening(db):
    world = make_world()
    doc = minimal_document(world, "VG-1")

    assert import_cases([(1, json.dumps(doc))]).errors == []

    case = Case.objects.get(external_reference="VG-1")
    opened_at = datetime.fromisoformat(doc["opened_at"])
    assert _assignments(case) == [(opened_at, world.cvc_user.username, world.cvc_user.pk)]


def test_a_document_whose_history_does_not_hold_together_is_refused_with_the_fields(db):
    world = make_world()
    opened = base_moment(30)
    doc = minimal_document(world, "VG-2")
    doc["vast_gezicht_assignments"] = [
        {"at": opened.isoformat(), "by": world.cvc_user.username, "vast_gezicht": world.cvc_user.username},
        {"at": (opened - timedelta(days=1)).isoformat(), "by": world.cvc_user.username, "vast_gezicht": None},
    ]
    doc["investigations"] = [
        {
            "kind": "rvdk",
            "organisation": world.vt.name,
            "started": {"at": (opened + timedelta(days=2)).isoformat(), "by": world.vt_user.username},
        }
    ]
    doc["destruction_requests"] = [
        {"at": (opened + timedelta(days=3)).isoformat(), "by": world.cvc_user.username, "requested_by": "onbekend"}
    ]

    report = import_cases([(1, json.dumps(doc))])

    assert {e.pointer for e in report.errors} == {
        "/vast_gezicht_assignments/1/at",
        "/vast_gezicht",
        "/investigations/0/organisation",
        "/destruction_requests/0/requested_by",
    }
    assert not Case.objects.filter(external_reference="VG-2").exists()


def test_an_onderzoek_the_service_refuses_is_reported_on_its_step(db):
    world = make_world()
    opened = base_moment(30)
    doc = minimal_document(world, "VG-3")
    # Veilig Thuis cannot have started its onderzoek before the melding came in.
    doc["investigations"] = [
        {
            "kind": "vt",
            "organisation": world.vt.name,
            "started": {"at": (opened - timedelta(days=2)).isoformat(), "by": world.vt_user.username},
        }
    ]

    report = import_cases([(1, json.dumps(doc))])

    assert [(e.pointer, e.message) for e in report.errors] == [
        ("/investigations/0", f"Deze datum ligt vóór de melding of het verzoek ({date_format(opened, 'j F Y')}).")
    ]
    assert not Case.objects.filter(external_reference="VG-3").exists()


def test_an_onderzoek_registered_by_someone_who_joined_after_it_began_round_trips(db):
    world = make_world()
    t, d = base_moment(40), timedelta(days=1)
    case = case_open(
        actor=world.cvc_user,
        team=world.team,
        municipality=world.municipality,
        family_name="Gezin Laat",
        intake="melding_vt",
        reported_on=t.date(),
        opened_at=t,
        vast_gezicht=world.cvc_user,
    )
    participant_add(
        actor=world.cvc_user,
        case=case,
        organisation=world.vt,
        professional=world.vt_user,
        role="onderzoeker",
        occurred_at=t + 5 * d,
        **basis(),
    )
    onderzoek_start(actor=world.vt_user, case=case, kind="vt", started_on=(t + 2 * d).date())
    exported = export_case(world.cvc_user, case.reference)
    _flush(case)

    report = import_cases([(1, json.dumps(exported))], imported_by=world.admin)

    assert report.errors == []
    imported = Case.objects.get(external_reference=exported["external_reference"])
    [onderzoek] = onderzoeken_of(imported)
    assert onderzoek.started_on == (t + 2 * d).date()
    assert Deadline.objects.get(case=imported, rule__code="vt-onderzoek").started_at == onderzoek.start.occurred_at
