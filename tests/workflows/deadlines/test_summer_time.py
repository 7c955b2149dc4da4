"""Deadlines across the changes to and from summer time: every moment is computed in UTC from aware
datetimes, so a reminder is never lost or moved and an hour term lasts its hours (DESIGN.md §8)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.interventions.models import Intervention
from cases.models import EventKind
from cases.timeline import timeline_record
from tests.world import at
from workflows.deadlines.calendar import AMSTERDAM, WorkingDayCalendar, end_of_day, local_date
from workflows.deadlines.models import Deadline, DeadlineRule, Reminder, TermUnit
from workflows.deadlines.reminders import reminders_sweep, stages_between
from workflows.deadlines.services import deadline_open


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def _stages(deadline):
    return sorted(Reminder.objects.filter(deadline=deadline).values_list("stage", flat=True))


@pytest.mark.parametrize(
    ("melding", "now"),
    [
        (at(2026, 7, 6, 10), at(2026, 12, 1, 10)),  # due in summer time, opened in winter (the seeded demo)
        (at(2026, 1, 5, 10), at(2026, 12, 1, 10)),  # due and opened in winter
        (at(2027, 1, 4, 10), at(2027, 7, 1, 10)),  # due in winter, opened in summer
        (at(2026, 7, 6, 10), at(2026, 8, 3, 10)),  # due and opened in summer
    ],
)
def test_a_deadline_that_opens_overdue_gets_exactly_one_catch_up_reminder(region, melding, now):
    case = region.open_case(opened_at=melding)
    event = timeline_record(case=case, kind=EventKind.CASE_CHANGED, occurred_at=melding)
    rule = DeadlineRule.objects.get(team=None, code="vt-veiligheidsbeoordeling")

    deadline = deadline_open(rule=rule, event=event, now=now)
    deadline.refresh_from_db()

    # Due long ago: the next sweep (which compares UTC moments) picks it up at once.
    assert deadline.due_at < now and deadline.remind_at <= now
    reminders_sweep(now=now + timedelta(minutes=1))
    reminders = sorted(Reminder.objects.filter(deadline=deadline).values_list("recipient_id", "stage"))
    # One reminder per recipient, once (not every escalation missed since the due moment): the latest
    # escalation to the one coordinator, the overdue stage to the vast gezicht who answers for it.
    assert [(user, stage.split(":")[0]) for user, stage in reminders] == sorted(
        [(region.coordinator.pk, "escalation"), (case.vast_gezicht_id, "overdue")]
    ), reminders
    stages = _stages(deadline)
    reminders_sweep(now=now + timedelta(minutes=2))
    assert _stages(deadline) == stages


def _intervention_deadline(region, *, agreed, due):
    case = region.open_case(opened_at=agreed - timedelta(days=1))
    organisation = region.cvc_user.memberships.get().organisation
    intervention = Intervention.objects.create(
        case=case,
        kind="veiligheidsplan",
        responsible_organisation=organisation,
        responsible_professional=region.cvc_user,
        start_date=agreed.date(),
        due_date=due,
    )
    timeline_record(
        case=case, kind=EventKind.INTERVENTION_AGREED, occurred_at=agreed, data={"intervention_id": intervention.pk}
    )
    return Deadline.objects.get(case=case, subject=f"intervention:{intervention.pk}")


# (Dates lie in the future so that opening does not skip stages already passed.)


def test_a_reminder_a_week_before_across_the_last_sunday_of_march_fires_once_on_its_day(region):
    # Summer time starts on Sunday 28 March 2027. An intervention due on Thursday 1 April: its
    # "1w" reminder falls on Thursday 25 March, still in winter time.
    deadline = _intervention_deadline(region, agreed=at(2027, 3, 8, 9), due=date(2027, 4, 1))
    assert deadline.due_at == end_of_day(date(2027, 4, 1))

    for moment in (
        at(2027, 3, 18, 12),
        at(2027, 3, 25, 12),
        at(2027, 3, 26, 0, 1),
        at(2027, 3, 26, 9),
        at(2027, 3, 30, 9),
        at(2027, 3, 31, 9),
    ):
        reminders_sweep(now=moment)

    reminders = list(Reminder.objects.filter(deadline=deadline, stage="before:1w"))
    assert len(reminders) == 1
    assert local_date(reminders[0].scheduled_for) == date(2027, 3, 25)
    assert reminders[0].scheduled_for == datetime(2027, 3, 25, 23, 59, 59, 999999, tzinfo=AMSTERDAM)


def test_a_reminder_a_week_before_across_the_last_sunday_of_october_stays_on_its_day(region):
    # Summer time ends on Sunday 31 October 2027; the intervention is due on Thursday 4 November.
    deadline = _intervention_deadline(region, agreed=at(2027, 10, 4, 9), due=date(2027, 11, 4))

    reminders_sweep(now=at(2027, 10, 28, 23, 0))
    assert _stages(deadline) == []
    reminders_sweep(now=at(2027, 10, 29, 0, 1))
    reminders_sweep(now=at(2027, 11, 3, 9))

    [reminder] = Reminder.objects.filter(deadline=deadline, stage="before:1w")
    assert local_date(reminder.scheduled_for) == date(2027, 10, 28)


# Summer time starts and ends at 01:00 UTC on the last Sunday of March and of October.
CHANGES = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2027, 3, 28, 1, tzinfo=UTC),
    datetime(2027, 10, 31, 1, tzinfo=UTC),
]
MOMENTS = st.sampled_from(CHANGES).flatmap(
    lambda change: st.integers(min_value=-36 * 3600, max_value=36 * 3600).map(lambda s: change + timedelta(seconds=s))
)
FORMS = {
    "naive UTC": lambda moment: moment.replace(tzinfo=None),
    "aware UTC": lambda moment: moment,
    "aware Amsterdam": lambda moment: moment.astimezone(AMSTERDAM),
}


@pytest.fixture
def hour_case(region):
    DeadlineRule.objects.create(
        team=region.team,
        code="crisis-oordeel",
        name="Oordeel bij acute onveiligheid",
        start_event="melding_received",
        term_value=24,
        term_unit=TermUnit.HOURS,
        responsible="vast_gezicht",
        reminder_offsets="2h",
    )
    return region.open_case(opened_at=at(2026, 1, 5, 10))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moment=MOMENTS, form=st.sampled_from(sorted(FORMS)))
def test_a_24_hour_term_lasts_24_real_hours_whatever_form_the_event_time_came_in(hour_case, moment, form):
    with transaction.atomic():
        timeline_record(case=hour_case, kind=EventKind.MELDING_RECEIVED, occurred_at=FORMS[form](moment))
        deadline = Deadline.objects.get(case=hour_case, rule__code="crisis-oordeel")

        assert deadline.started_at == moment
        assert deadline.due_at - deadline.started_at == timedelta(hours=24)
        assert deadline.due_at == moment + timedelta(hours=24)
        # Its "2h" reminder comes two real hours before the end.
        stages = dict(stages_between(deadline, start=moment, end=deadline.due_at, cal=WorkingDayCalendar()))
        assert stages["before:2h"] == moment + timedelta(hours=22)
        assert stages["overdue"] == moment + timedelta(hours=24)
        transaction.set_rollback(True)
