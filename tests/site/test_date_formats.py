"""One way to write a moment: "1 december 2026" and "13:45" on every page, in both languages."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from workflows.deadlines.calendar import AMSTERDAM

ROOT = Path(settings.BASE_DIR)
APPS = ("cases", "exchange", "metrics", "partners", "safetyteams", "security", "workflows")
MOMENT = datetime(2026, 12, 1, 13, 45, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [("nl", "1 december 2026", "1 december 2026 13:45"), ("en", "1 December 2026", "1 December 2026 13:45")],
)
def test_dates_and_times_are_written_one_way_in_both_languages(language, day, moment):
    template = Template('{{ d }}|{{ m }}|{{ m|date:"TIME_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override(language):
        shown = template.render(Context({"d": date(2026, 12, 1), "m": MOMENT}))
    assert shown == f"{day}|{moment}|13:45|{moment}"


def _sources(pattern: str):
    for app in APPS:
        yield from (ROOT / app).rglob(pattern)


def test_no_template_writes_a_date_as_day_month_year_with_dashes():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources("*.html")
        if re.search(r"""date:["']d-m-Y""", path.read_text(encoding="utf-8"))
    ]
    assert not offenders


def test_no_message_formats_a_date_with_strftime_as_day_month_year():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources("*.py")
        if "migrations" not in path.parts and re.search(r"strftime\([\"']%d-%m-%Y", path.read_text(encoding="utf-8"))
    ]
    assert not offenders
