"""Working days and term ends under the Algemene termijnenwet, 2023–2031."""

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from workflows.deadlines.calendar import (
    AMSTERDAM,
    WorkingDayCalendar,
    as_utc,
    atw_feestdagen,
    end_of_day,
    local_date,
    start_of_day,
)
from workflows.deadlines.rules import GELIJKGESTELDE_DAGEN

ATW = WorkingDayCalendar(GELIJKGESTELDE_DAGEN)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 4, 18),  # Goede Vrijdag
        date(2025, 4, 21),  # tweede Paasdag
        date(2026, 4, 3),  # Goede Vrijdag 2026
        date(2026, 4, 6),  # tweede Paasdag 2026
        date(2026, 4, 27),  # Koningsdag (Monday)
        date(2026, 5, 5),  # 5 mei in a non-lustrum year
        date(2027, 5, 5),
        date(2026, 5, 14),  # Hemelvaartsdag
        date(2026, 5, 15),  # gelijkgestelde vrijdag
        date(2026, 5, 25),  # tweede Pinksterdag
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2027, 1, 1),
        date(2026, 1, 2),  # gelijkgestelde vrijdag na Nieuwjaarsdag
        date(2027, 5, 7),
        date(2028, 4, 28),
        date(2028, 5, 26),
        date(2030, 4, 19),  # Goede Vrijdag 2030
        date(2031, 5, 5),
    ],
)
def test_it_is_not_a_working_day(day):
    assert not ATW.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 4, 22),  # Tuesday after Easter
        date(2026, 4, 28),  # day after Koningsdag
        date(2026, 5, 13),  # Wednesday before Hemelvaart
        date(2026, 5, 18),
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 5, 10),
        date(2029, 1, 2),  # no gelijkstelling known for 2029
    ],
)
def test_it_is_a_working_day(day):
    assert ATW.is_working_day(day)


def test_koningsdag_moves_to_26_april_when_the_27th_is_a_sunday():
    assert date(2025, 4, 26) in atw_feestdagen(2025) and date(2025, 4, 27) not in atw_feestdagen(2025)
    assert date(2031, 4, 26) in atw_feestdagen(2031) and date(2031, 4, 27) not in atw_feestdagen(2031)
    assert date(2026, 4, 27) in atw_feestdagen(2026)


def test_5_may_is_a_feestdag_every_year_unlike_the_holidays_package():
    nl = holidays.country_holidays("NL", years=[2026])
    assert date(2026, 5, 5) not in nl  # the package knows it only in lustrum years
    for year in range(2025, 2032):
        assert date(year, 5, 5) in atw_feestdagen(year)


def test_the_atw_days_include_every_holiday_the_package_knows_2025_2031():
    for year in range(2025, 2032):
        nl = holidays.country_holidays("NL", years=[year])
        assert set(nl) <= atw_feestdagen(year), year
        assert date(year, 9, 15) not in atw_feestdagen(year)


def test_working_days_skip_goede_vrijdag_and_easter_monday():
    # Thursday 2 April 2026 + 1 working day = Tuesday 7 April (Fri 3 and Mon 6 are feestdagen).
    assert ATW.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_five_working_days_from_hemelvaart_week_skip_the_gelijkgestelde_friday():
    # Wed 13 May 2026: Thu 14 Hemelvaart, Fri 15 gelijkgesteld -> 18, 19, 20, 21, 22.
    assert ATW.add_working_days(date(2026, 5, 13), 5) == date(2026, 5, 22)
    # Without the Besluit gelijkstelling the Friday would count.
    assert WorkingDayCalendar().add_working_days(date(2026, 5, 13), 5) == date(2026, 5, 21)


def test_working_days_over_christmas_and_new_year():
    # Wed 23 Dec 2026: 24 (Thu), 28, 29, 30, 31 (25/26 feestdagen, 1 Jan feestdag).
    assert ATW.add_working_days(date(2026, 12, 23), 5) == date(2026, 12, 31)
    assert ATW.add_working_days(date(2026, 12, 23), 6) == date(2027, 1, 4)


def test_working_days_over_pinksteren_and_5_mei_2027():
    # Fri 30 Apr 2027: Mon 3, Tue 4, (Wed 5 mei), Thu 6 (Hemelvaart), (Fri 7 gelijkgesteld), Mon 10.
    assert ATW.add_working_days(date(2027, 4, 30), 3) == date(2027, 5, 10)


def test_a_10_week_statutory_term_ending_on_a_feestdag_runs_on_to_the_next_working_day():
    # 16 March 2026 + 10 weeks = Monday 25 May 2026, tweede Pinksterdag -> Tuesday 26 May.
    assert ATW.statutory_end(date(2026, 3, 16), date(2026, 5, 25)) == date(2026, 5, 26)
    # 7 March 2026 + 10 weeks = Saturday 16 May after Hemelvaart -> Monday 18 May.
    assert ATW.statutory_end(date(2026, 3, 7), date(2026, 5, 16)) == date(2026, 5, 18)


def test_a_term_of_three_days_or_more_contains_at_least_two_working_days():
    # Wed 23 Dec 2026 + 3 days = Sat 26 -> art. 1: Mon 28; the term holds Thu 24 and Mon 28 = 2 days.
    assert ATW.statutory_end(date(2026, 12, 23), date(2026, 12, 26)) == date(2026, 12, 28)
    # Wed 13 May 2026 + 3 days = Sat 16 -> Mon 18 holds only Mon 18: art. 2 extends to Tue 19.
    assert ATW.statutory_end(date(2026, 5, 13), date(2026, 5, 16)) == date(2026, 5, 19)
    # A two-day term is not extended beyond art. 1.
    assert ATW.statutory_end(date(2026, 5, 13), date(2026, 5, 15)) == date(2026, 5, 18)


def test_a_norm_ending_on_a_non_working_day_runs_on_but_gets_no_two_working_days():
    # Art. 1 for every term: Koningsdag (Monday 27 April 2026) -> Tuesday 28 April.
    assert ATW.term_end(date(2026, 4, 17), date(2026, 4, 27), statutory=False) == date(2026, 4, 28)
    # Saturday 26 December 2026 (Tweede Kerstdag) -> Monday 28 December.
    assert ATW.term_end(date(2026, 12, 16), date(2026, 12, 26), statutory=False) == date(2026, 12, 28)
    # Art. 2 only for statutory terms: Wed 13 May 2026 + 3 days = Sat 16 -> Mon 18 (one working day).
    assert ATW.term_end(date(2026, 5, 13), date(2026, 5, 16), statutory=False) == date(2026, 5, 18)
    assert ATW.term_end(date(2026, 5, 13), date(2026, 5, 16), statutory=True) == date(2026, 5, 19)
    # A working day stays as it is.
    assert ATW.term_end(date(2026, 4, 16), date(2026, 4, 28), statutory=False) == date(2026, 4, 28)


@pytest.mark.parametrize(
    "day", [date(2023, 4, 28), date(2023, 5, 19), date(2024, 5, 10), date(2024, 12, 27), date(2025, 5, 30)]
)
def test_the_gelijkgestelde_dagen_are_kept_from_2023(day):
    # Besluit gelijkstelling of 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025.
    assert day.weekday() == 4
    assert not ATW.is_working_day(day)
    assert WorkingDayCalendar().is_working_day(day)


def test_five_working_days_from_the_wednesday_before_hemelvaart_2025_skip_its_friday():
    # Wed 28 May 2025: Thu 29 (Hemelvaart) and Fri 30 (gelijkgesteld) do not count -> Fri 6 June.
    assert ATW.add_working_days(date(2025, 5, 28), 5) == date(2025, 6, 6)


def test_a_due_day_ends_at_midnight_amsterdam_in_utc():
    assert end_of_day(date(2026, 7, 1)).isoformat() == "2026-07-01T21:59:59.999999+00:00"
    assert end_of_day(date(2026, 1, 15)).isoformat() == "2026-01-15T22:59:59.999999+00:00"
    assert start_of_day(date(2026, 3, 29), hour=8).isoformat() == "2026-03-29T06:00:00+00:00"
    assert start_of_day(date(2026, 3, 28), hour=8).isoformat() == "2026-03-28T07:00:00+00:00"


def test_arithmetic_on_its_moments_is_in_real_hours():
    # Python adds to an aware Amsterdam datetime on the wall clock; the calendar hands out UTC only.
    saturday, sunday = end_of_day(date(2026, 3, 28)), end_of_day(date(2026, 3, 29))
    assert sunday - saturday == timedelta(hours=23)
    assert saturday.utcoffset() == sunday.utcoffset() == timedelta(0)


def test_a_naive_moment_is_taken_as_utc():
    naive = datetime(2026, 7, 1, 22, 30)  # noqa: DTZ001 - the point of the test
    assert local_date(naive) == date(2026, 7, 2)
    assert as_utc(naive) == datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    assert as_utc(datetime(2026, 7, 2, 0, 30, tzinfo=AMSTERDAM)).tzinfo is UTC


def test_the_live_calendar_uses_the_gelijkgestelde_dagen_from_the_database(db):
    from workflows.deadlines.models import GelijkgesteldeDag
    from workflows.deadlines.working_days import calendar

    # Seeded by migration 0002; transactional tests elsewhere may have flushed the table.
    GelijkgesteldeDag.objects.get_or_create(day=date(2028, 5, 26))
    assert not calendar().is_working_day(date(2028, 5, 26))
    GelijkgesteldeDag.objects.create(day=date(2029, 5, 11), source="test")
    assert not calendar().is_working_day(date(2029, 5, 11))
