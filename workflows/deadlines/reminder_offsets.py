"""Reminder offsets of a rule: "2wd, 1d" = 2 working days and 1 calendar day before the due moment.

`h` counts real hours back from the due moment (UTC); `d` and `w` count calendar days back on the
Amsterdam calendar, at the due moment's clock time; `wd` is 08:00 on the n-th working day before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from workflows.deadlines.calendar import WorkingDayCalendar, as_utc, days_before, local_date, start_of_day

_TOKEN = re.compile(r"^([0-9]{1,4})\s*(h|d|wd|w)$")  # ASCII digits only (security.digits)
_HOURS = {"h": 1, "d": 24, "wd": 24, "w": 168}


@dataclass(frozen=True)
class Offset:
    value: int
    unit: str

    @property
    def label(self) -> str:
        return f"{self.value}{self.unit}"

    def approx_hours(self) -> int:
        return self.value * _HOURS[self.unit]

    def before(self, due_at: datetime, cal: WorkingDayCalendar) -> datetime:
        """The moment (UTC) this offset before `due_at`: working days count back over working days."""
        if self.unit == "wd":
            day = local_date(due_at)
            for _i in range(self.value):
                day -= timedelta(days=1)
                while not cal.is_working_day(day):
                    day -= timedelta(days=1)
            # Remind at the start of that working day's office hours.
            return start_of_day(day, hour=8)
        if self.unit == "h":
            return as_utc(due_at) - timedelta(hours=self.value)
        return days_before(due_at, self.value * (7 if self.unit == "w" else 1))


def parse_offsets(text: str) -> list[Offset]:
    """Parse "2wd, 1d"; raises ValidationError naming the token that is wrong."""
    offsets = []
    for raw in (text or "").split(","):
        token = raw.strip().lower()
        if not token:
            continue
        match = _TOKEN.match(token)
        if match is None:
            raise ValidationError(
                _("Onbekende herinnering '%(token)s': gebruik een getal met h, d, wd of w, bijvoorbeeld '2wd'.")
                % {"token": raw.strip()}
            )
        if int(match.group(1)) == 0:
            raise ValidationError(_("Een herinnering vooraf moet minstens 1 eenheid voor de termijn liggen."))
        offsets.append(Offset(int(match.group(1)), match.group(2)))
    return sorted(set(offsets), key=lambda o: -o.approx_hours())


def validate_offsets(text: str) -> None:
    parse_offsets(text)
