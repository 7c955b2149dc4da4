"""As in Dutch (safetyteams.formats.nl): "1 December 2026" and "13:45", not "Dec. 1, 2026, 1:45 p.m."."""

from safetyteams.formats.nl.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
