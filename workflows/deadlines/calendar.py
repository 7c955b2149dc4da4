"""Working days and term ends under the Algemene termijnenwet (Atw).

A working day is not a Saturday, a Sunday, a day of Atw art. 3 (incl. Goede Vrijdag and 5 May in
every year) or a day the periodic *Besluit gelijkstelling* puts on a par with them
(`GelijkgesteldeDag`, maintained in the admin). The `holidays` package is not used for the list:
it knows 5 May only in lustrum years and nothing of the gelijkgestelde dagen.

Dates are calendar dates in Europe/Amsterdam; moments are aware and in UTC. Arithmetic on moments
(hours, escalations) is done in UTC; the Amsterdam calendar is used only to count calendar and working
days, and `end_of_day` / `start_of_day` turn such a day back into a UTC moment. Python adds a
timedelta to an aware Amsterdam datetime on the wall clock (23 or 25 real hours across a change of
summer time), and compares two of them without their offsets: so no arithmetic on Amsterdam datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from cases.timeline import as_utc

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@lru_cache(maxsize=64)
def atw_feestdagen(year: int) -> frozenset[date]:
    """The days of Atw art. 3 (lid 1 and lid 2) in `year`."""
    pasen = easter(year)
    koningsdag = date(year, 4, 27)
    if koningsdag.weekday() == 6:
        # Wet vaststelling Koningsdag: celebrated on 26 April when the 27th is a Sunday.
        koningsdag = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),  # Nieuwjaarsdag
            pasen - timedelta(days=2),  # Goede Vrijdag (art. 3 lid 2)
            pasen,  # eerste Paasdag
            pasen + timedelta(days=1),  # tweede Paasdag
            koningsdag,
            date(year, 5, 5),  # every year, not only lustrum years
            pasen + timedelta(days=39),  # Hemelvaartsdag
            pasen + timedelta(days=49),  # eerste Pinksterdag
            pasen + timedelta(days=50),  # tweede Pinksterdag
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


class WorkingDayCalendar:
    """Atw calendar with a fixed set of gelijkgestelde dagen (use `calendar()` for the live one)."""

    def __init__(self, gelijkgesteld: Iterable[date] = ()) -> None:
        self.gelijkgesteld = frozenset(gelijkgesteld)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in atw_feestdagen(day.year) and day not in self.gelijkgesteld

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (the start day itself does not count)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        while count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=n)))

    def term_end(self, start: date, end: date, *, statutory: bool) -> date:
        """The last day of a term that runs from `start` (exclusive) to `end`.

        Atw art. 1, for every term: one ending on a Saturday, Sunday or feestdag runs on to the next
        working day (statutory terms by law; the norms too, because the partners work on working days).
        Atw art. 2, for statutory terms: a term of three days or more contains at least two working days.
        """
        term_days = (end - start).days
        end = self.next_working_day(end)
        if statutory and term_days >= 3:
            while self.working_days_between(start, end) < 2:
                end = self.next_working_day(end + timedelta(days=1))
        return end

    def statutory_end(self, start: date, end: date) -> date:
        """Atw art. 1 and 2 applied to a statutory term from `start` (exclusive) to `end`."""
        return self.term_end(start, end, statutory=True)


def local_date(moment: datetime) -> date:
    """The Amsterdam calendar date of a moment (a naive moment is taken as UTC, see `as_utc`)."""
    return as_utc(moment).astimezone(AMSTERDAM).date()


def end_of_day(day: date) -> datetime:
    """The last moment of `day` in Amsterdam, as an aware UTC datetime."""
    return datetime.combine(day, time.max, tzinfo=AMSTERDAM).astimezone(UTC)


def start_of_day(day: date, *, hour: int = 0) -> datetime:
    """`hour` o'clock on `day` in Amsterdam, as an aware UTC datetime."""
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM).astimezone(UTC)


def days_before(moment: datetime, days: int) -> datetime:
    """The same Amsterdam clock time `days` calendar days earlier, as a UTC moment: a reminder
    "1 week before" stays on its day whether or not summer time began or ended in between."""
    local = as_utc(moment).astimezone(AMSTERDAM)
    day = local.date() - timedelta(days=days)
    return datetime.combine(day, local.time(), tzinfo=AMSTERDAM).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)
