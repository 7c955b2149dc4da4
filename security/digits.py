"""The one rule for numbers a user types: ASCII digits 0-9 only.

`str.isdigit()`, `\\d` and `int()` also take "²", "١٢٣" or "1_000": `isdigit()` then lets `int()` fail
(a 500), and `int("١٢")` quietly reads 12. Every id, page number, BSN and count read from a request goes
through here instead.
"""

from __future__ import annotations

import re

ASCII_DIGITS = re.compile(r"[0-9]+")
# PostgreSQL's bigint: a larger id can match no row, and sending it would be a database error.
BIGINT_MAX = 2**63 - 1


def is_ascii_digits(value: object) -> bool:
    """True for a non-empty string of the digits 0-9 and nothing else (no sign, space or underscore)."""
    return isinstance(value, str) and ASCII_DIGITS.fullmatch(value) is not None


def parse_id(value: object, *, maximum: int = BIGINT_MAX) -> int | None:
    """The positive integer an id spells (an int passes as itself), or None when it is no such id:
    not ASCII digits, zero, or above `maximum`. Callers answer None with 404 or 400."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif is_ascii_digits(value):
        if len(value) > len(str(maximum)):  # type: ignore[arg-type]
            return None
        number = int(value)  # type: ignore[arg-type]
    else:
        return None
    return number if 1 <= number <= maximum else None
