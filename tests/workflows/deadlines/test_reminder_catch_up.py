"""Reminders arrive in office hours on working days, and after downtime as one catch-up per deadline
and recipient (the latest stage), the responsible professional included."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.world import at
from workflows.deadlines.calendar import WorkingDayCalendar
from workflows.deadlines.models import Deadline, Reminder
from workflows.deadlines.office_hours import delivery_moment, earliest_stage_delivered_at
from workflows.deadlines.reminders import reminders_sweep

CAL = WorkingDayCalendar()


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


@pytest.mark.parametrize(
    ("stage", "delivered"),
    [
        (at(2027, 6, 22, 10, 30), at(2027, 6, 22, 10, 30)),  # Tuesday, in office hours: at once
        (at(2027, 6, 22, 6, 0), at(2027, 6, 22, 8, 0)),  # before office hours: 08:00 that day
        (at(2027, 6, 21, 23, 59, 59, 999999), at(2027, 6, 22, 8, 0)),  # a term's end: next morning
        (at(2027, 6, 25, 18, 0), at(2027, 6, 28, 8, 0)),  # Friday evening: Monday
        (at(2027, 6, 26, 12, 0), at(2027, 6, 28, 8, 0)),  # Saturday: Monday
        (at(2027, 4, 26, 20, 0), at(2027, 4, 28, 8, 0)),  # the eve of Koningsdag (Tue 27 April)
        (at(2027, 5, 5, 9, 0), at(2027, 5, 7, 8, 0)),  # 5 May, then Hemelvaartsdag (Atw art. 3)
    ],
)
def test_a_stage_outside_office_hours_is_delivered_at_the_next_working_days_start(stage, delivered):
    moment = delivery_moment(stage, cal=CAL)
    assert moment == delivered and moment.tzinfo is UTC


def test_the_start_hour_is_local_time_in_summer_and_winter_and_configurable(settings):
    assert delivery_moment(at(2027, 7, 1, 3), cal=CAL) == datetime(2027, 7, 1, 6, tzinfo=UTC)  # CEST
    assert delivery_moment(at(2027, 1, 5, 3), cal=CAL) == datetime(2027, 1, 5, 7, tzinfo=UTC)  # CET
    settings.REMINDER_WORKDAY_START_HOUR = 9
    assert delivery_moment(at(2027, 1, 5, 3), cal=CAL) == at(2027, 1, 5, 9)


def test_monday_morning_delivers_every_stage_since_friday_evening():
    assert earliest_stage_delivered_at(at(2027, 6, 28, 8, 0), cal=CAL) == at(2027, 6, 25, 18, 0)
    assert earliest_stage_delivered_at(at(2027, 6, 28, 10, 0), cal=CAL) == at(2027, 6, 28, 10, 0)


def _stages(deadline):
    return sorted(Reminder.objects.filter(deadline=deadline).values_list("stage", "recipient__username"))


def test_an_overdue_stage_on_a_friday_night_reaches_people_on_monday_morning(region):
    # Opened Fri 11 June 2027: the joint assessment is due at the end of Fri 25 June.
    case = region.open_case(opened_at=at(2027, 6, 11, 10))
    deadline = Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling")
    reminders_sweep(now=at(2027, 6, 25, 9, 0))  # before:2wd and the due day, as one catch-up
    assert _stages(deadline) == [("due", region.cvc_user.username)]
    for quiet in (at(2027, 6, 26, 0, 1), at(2027, 6, 27, 12, 0), at(2027, 6, 28, 7, 59)):
        assert reminders_sweep(now=quiet).reminders == 0
    assert Deadline.objects.get(pk=deadline.pk).remind_at == at(2027, 6, 28, 8, 0)

    reminders_sweep(now=at(2027, 6, 28, 8, 0))

    # The weekend's daily escalations (Saturday and Sunday night) arrive as the latest one only.
    assert _stages(deadline) == [
        ("due", region.cvc_user.username),
        ("escalation:2", region.coordinator.username),
        ("overdue", region.cvc_user.username),
    ]


def test_after_beat_was_away_three_days_each_recipient_gets_one_reminder_per_deadline(region, make_member):
    second_coordinator = make_member(region.team, role="coordinator")
    deadlines = []
    for _ in range(2):
        case = region.open_case(opened_at=at(2027, 6, 7, 10))
        deadlines.append(Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling"))
    Deadline.objects.filter(pk__in=[d.pk for d in deadlines]).update(escalation_interval_hours=1)
    reminders_sweep(now=at(2027, 6, 21, 9, 0))  # the due day; then beat stops
    before = set(Reminder.objects.values_list("pk", flat=True))

    # Three days later (Thu 24 June): 58 hourly escalations have passed for each deadline.
    reminders_sweep(now=at(2027, 6, 24, 9, 0))

    new = Reminder.objects.exclude(pk__in=before)
    per_recipient = Counter(new.values_list("deadline_id", "recipient__username"))
    for deadline in deadlines:
        for user in (region.coordinator, second_coordinator, region.cvc_user):
            assert per_recipient[(deadline.pk, user.username)] == 1
        assert sorted(new.filter(deadline=deadline).values_list("stage", "recipient__username")) == sorted(
            [
                ("escalation:57", region.coordinator.username),
                ("escalation:57", second_coordinator.username),
                ("overdue", region.cvc_user.username),  # the responsible professional is told too
            ]
        )
    assert new.count() == 6
    # Escalations go on hourly from there, one at a time.
    reminders_sweep(now=at(2027, 6, 24, 10, 0))
    assert Reminder.objects.exclude(pk__in=before).count() == 6 + 4


def test_a_deadline_that_opens_overdue_tells_its_responsible_too(region):
    from cases.models import EventKind
    from cases.timeline import timeline_record
    from workflows.deadlines.models import DeadlineRule
    from workflows.deadlines.services import deadline_open

    rule = DeadlineRule.objects.get(team=None, code="vt-veiligheidsbeoordeling")
    opened = []
    for _ in range(3):  # a professional responsible for several deadlines imported overdue
        case = region.open_case(opened_at=at(2027, 6, 7, 10))
        event = timeline_record(case=case, kind=EventKind.CASE_CHANGED, occurred_at=at(2027, 6, 9, 10))
        opened.append(deadline_open(rule=rule, event=event, now=at(2027, 7, 14, 10)))

    reminders_sweep(now=at(2027, 7, 14, 10, 1))

    for deadline in opened:
        assert ("overdue", region.cvc_user.username) in _stages(deadline)
        assert [u for _s, u in _stages(deadline)].count(region.coordinator.username) == 1
