"""What the test's database connection sends to PostgreSQL, message by message (libpq's trace)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.db import connection


def sent_messages(run: Callable[[], object]) -> list[str]:
    """The frontend messages ("Query …", "Parse …", "Bind …") sent on Django's connection while `run` runs."""
    connection.ensure_connection()
    pg = connection.connection.pgconn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trace.txt"
        with path.open("w") as f:
            pg.trace(f.fileno())
            try:
                run()
            finally:
                pg.untrace()
        lines = path.read_text(errors="replace").splitlines()
    sent = []
    for line in lines:
        fields = line.split("\t")
        if "F" in fields[:2]:  # after the timestamp, if any: F(rontend) or B(ackend)
            sent.append("\t".join(fields[fields.index("F") + 2 :]))
    return sent


def statements(messages: list[str]) -> list[str]:
    """The statements among the messages: simple queries and the extended protocol's Parse."""
    return [m for m in messages if m.startswith(("Query\t", "Parse\t"))]
