"""Writing rows as CSV, XLSX (openpyxl write-only) and JSON, streaming, with spreadsheet safety."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO

# A spreadsheet treats a cell starting with these as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx", "json")


def formula_safe(value):
    """Prefix a quote to strings a spreadsheet would run as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Sequence) -> list:
    return [formula_safe(value) for value in row]


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence]) -> int:
    # RFC 4180 line ends: then a cell holding a bare "\r" is quoted and cannot split a row.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow([("'" + v) if v.__class__ is str and v.startswith(FORMULA_PREFIXES) else v for v in row])
        count += 1
    return count


# csv.writer (QUOTE_MINIMAL, "\r\n" line ends) quotes a cell holding any of these.
_NEEDS_QUOTES = re.compile('[,"\r\n]')


def csv_cell(value) -> str:
    """One cell exactly as `write_csv` writes it in a row: formula-safe, quoted when needed."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.__class__ is str and value.startswith(FORMULA_PREFIXES):
            value = "'" + value
    else:
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


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json_rows(out: IO[str], header: Sequence[str], rows: Iterable[Sequence]) -> int:
    """A JSON array of objects, written one object at a time (memory stays flat)."""
    out.write("[")
    count = 0
    dumps = json.JSONEncoder(default=_json_default, ensure_ascii=False).encode
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(dumps(dict(zip(header, row, strict=True))))
        count += 1
    out.write("\n]\n")
    return count


def xlsx_sheet(workbook, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> int:
    """One sheet in a write-only workbook; strings formula-safe (openpyxl would store "=..." as a formula)."""
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(safe_row(header))
    count = 0
    for row in rows:
        sheet.append(safe_row(row))
        count += 1
    return count
