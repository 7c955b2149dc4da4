"""The live Atw calendar: the fixed rules of `calendar.py` plus the gelijkgestelde dagen kept in the
database (the calendar module itself knows no models, so the models may use it)."""

from __future__ import annotations

from workflows.deadlines.calendar import WorkingDayCalendar
from workflows.deadlines.models import GelijkgesteldeDag


def calendar() -> WorkingDayCalendar:
    """The calendar with the gelijkgestelde dagen from the database."""
    return WorkingDayCalendar(GelijkgesteldeDag.objects.values_list("day", flat=True))
