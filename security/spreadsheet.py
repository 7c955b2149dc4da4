"""Cells that are safe to open in a spreadsheet: the one CSV and XLSX cell writer of every export.

A spreadsheet runs a cell that starts with one of FORMULA_PREFIXES as a formula (CSV/formula
injection): an organisation or team name such as `=HYPERLINK("http://x")` would become a live link
in the privacy officer's or the evaluator's file. Every text cell goes through `formula_safe`, which
puts a quote in front; numbers stay numbers (-1 is a number, not a formula).

Here in `security`, below `cases` and `metrics`, so that both write their files with it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO

from django.utils.functional import Promise

# A spreadsheet treats a cell starting with these as a formula (OWASP: CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """Prefix a quote to text a spreadsheet would run as a formula; numbers and None stay as they are."""
    if isinstance(value, Promise):  # a lazy translation is text too
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [formula_safe(value) for value in row]


def write_csv(out: IO[str], header: Sequence, rows: Iterable[Sequence]) -> int:
    """Header and rows as CSV (RFC 4180 line ends), every cell formula-safe; returns the number of rows.
    With "\\r\\n" line ends a cell holding a bare "\\r" is quoted and cannot split a row."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow(safe_row(row))
        count += 1
    return count


# csv.writer (QUOTE_MINIMAL, "\r\n" line ends) quotes a cell holding any of these.
_NEEDS_QUOTES = re.compile('[,"\r\n]')


def csv_cell(value) -> str:
    """One cell exactly as `write_csv` writes it in a row: formula-safe, quoted when needed."""
    value = formula_safe(value)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = repr(value) if isinstance(value, float) else str(value)
    if _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_line(row: Sequence) -> str:
    """One row exactly as `write_csv` writes it, line end included."""
    line = ",".join([csv_cell(value) for value in row])
    return '""\r\n' if len(row) == 1 and not line else line + "\r\n"  # csv quotes a lone empty cell


class CsvCells(dict):
    """csv_cell for strings that repeat (kinds, days, bands): worked out once, then a dict lookup.
    For str values only: 1, 1.0 and True are one key but different cells."""

    def __missing__(self, value: str) -> str:
        self[value] = cell = csv_cell(value)
        return cell


def xlsx_sheet(workbook, title: str, header: Sequence, rows: Iterable[Sequence]) -> int:
    """One sheet in an openpyxl write-only workbook, every cell formula-safe (openpyxl stores a string
    starting with "=" as a formula); returns the number of rows."""
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(safe_row(header))
    count = 0
    for row in rows:
        sheet.append(safe_row(row))
        count += 1
    return count
