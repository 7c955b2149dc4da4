"""When a reminder is delivered: within office hours on a working day, never at midnight.

A stage whose moment falls within office hours (REMINDER_WORKDAY_START_HOUR to _END_HOUR, Europe/
Amsterdam) on a working day (the Atw calendar) is delivered at that moment; any other stage at the
start of the next working day's office hours. The moment is built from a local date and hour and
returned in UTC; every comparison is between UTC moments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings

from workflows.deadlines.calendar import AMSTERDAM, WorkingDayCalendar


def _at(day: date, hour: int) -> datetime:
    """`hour` o'clock on `day` in Amsterdam, as UTC (hour 24 is the next midnight)."""
    if hour >= 24:
        day, hour = day + timedelta(days=1), 0
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM).astimezone(UTC)


def delivery_moment(moment: datetime, *, cal: WorkingDayCalendar) -> datetime:
    """The moment a stage that falls at `moment` is delivered (UTC)."""
    start, end = settings.REMINDER_WORKDAY_START_HOUR, settings.REMINDER_WORKDAY_END_HOUR
    local = moment.astimezone(AMSTERDAM)
    day = local.date()
    if cal.is_working_day(day):
        if local.hour < start:
            return _at(day, start)
        if local.hour < end:
            return moment.astimezone(UTC)
    return _at(cal.next_working_day(day + timedelta(days=1)), start)


def earliest_stage_delivered_at(delivery: datetime, *, cal: WorkingDayCalendar) -> datetime:
    """The earliest stage moment that `delivery_moment` maps to `delivery`: the sweep's window starts
    there. The start of a working day's office hours also delivers everything since the end of the
    previous working day's; any other moment delivers only itself."""
    start, end = settings.REMINDER_WORKDAY_START_HOUR, settings.REMINDER_WORKDAY_END_HOUR
    local = delivery.astimezone(AMSTERDAM)
    day = local.date()
    if not (cal.is_working_day(day) and local.time() == time(start)):
        return delivery.astimezone(UTC)
    previous = day - timedelta(days=1)
    while not cal.is_working_day(previous):
        previous -= timedelta(days=1)
    return _at(previous, end)
