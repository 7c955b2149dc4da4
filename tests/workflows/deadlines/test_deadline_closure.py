"""Closing a case ends its open deadlines: missed when already past due, vervallen otherwise; a
destruction request's deadline outlives the closure. No reminders run for a closed case."""

from datetime import date

from cases.models import CaseStatus, EventKind, Intake
from cases.timeline import timeline_record
from tests.world import at
from workflows.deadlines.models import Deadline, DeadlineState
from workflows.lifecycle.services import case_transition


def _states(case):
    return dict(Deadline.objects.filter(case=case).values_list("rule__code", "state"))


def _close(region, case, when):
    case.refresh_from_db()
    case_transition(
        actor=region.cvc_user,
        case=case,
        to=CaseStatus.AFGESLOTEN,
        reason="Geen zorgen meer",
        expected_version=case.version,
        occurred_at=when,
    )


def test_closing_ends_open_deadlines_as_missed_when_past_due_and_vervallen_otherwise(region):
    # VT veiligheidsbeoordeling due 22 May (5 working days); joint assessment due 27 May (10 working days).
    case = region.open_case(intake=Intake.MELDING_VT, reported_on=date(2026, 5, 13))
    assert set(_states(case).values()) == {DeadlineState.OPEN}

    _close(region, case, at(2026, 5, 25, 9))

    assert _states(case) == {
        "vt-veiligheidsbeoordeling": DeadlineState.MISSED,
        "gezamenlijke-beoordeling": DeadlineState.CANCELLED,
    }
    close = case.timeline.get(kind=EventKind.STATUS_CHANGED)
    for deadline in Deadline.objects.filter(case=case):
        assert (deadline.closed_at, deadline.close_event, deadline.remind_at) == (at(2026, 5, 25, 9), close, None)


def test_a_destruction_request_deadline_outlives_the_closure(region):
    case = region.open_case(reported_on=date(2026, 5, 13))
    timeline_record(case=case, kind=EventKind.DESTRUCTION_REQUESTED, occurred_at=at(2026, 5, 14, 9))

    _close(region, case, at(2026, 5, 15, 9))

    states = _states(case)
    assert states["vernietigingsverzoek"] == DeadlineState.OPEN
    assert states["gezamenlijke-beoordeling"] == DeadlineState.CANCELLED
