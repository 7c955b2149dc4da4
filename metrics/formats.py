"""The export formats; CSV and XLSX cells are written by `security.spreadsheet` (formula-safe), JSON here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO

FORMATS = ("csv", "xlsx", "json")


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
