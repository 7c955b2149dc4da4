"""What an attacker with the database's owner rights but without ACCESS_LOG_KEY can do to the access
log, for the tests of `verify_access_log`. Everything happens in one transaction on the log's own
connection that is rolled back at the end: the test database's chain is shared by later tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.backends.utils import CursorWrapper

from cases.access_log.models import AccessLogEntry
from cases.access_log.services import (
    GENESIS_HASH,
    HASHED_FIELDS,
    Actor,
    access_log_rows,
    access_log_write,
    audit_alias,
)

TABLE = AccessLogEntry._meta.db_table


@contextmanager
def tampering() -> Iterator[CursorWrapper]:
    """A cursor on the log's connection with its triggers off (only a table owner can do that)."""
    alias = audit_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            transaction.set_rollback(True, using=alias)


def rechain(
    cursor: CursorWrapper, *, from_id: int, hash_function: Callable[[dict, str], str], version: int | None = None
) -> None:
    """Recompute `hash` and `prev_hash` from row `from_id` on with the attacker's function (and
    optionally claim another `hash_version`), so every link from there on holds."""
    prev_hash = access_log_rows().filter(id__lt=from_id).order_by("-id").values_list("hash", flat=True).first()
    prev_hash = prev_hash or GENESIS_HASH
    fields = ("id", *HASHED_FIELDS, "subject_salt", "hash_version")
    updates = []
    for row in access_log_rows().filter(id__gte=from_id).order_by("id").values(*fields):
        row_hash = hash_function(row, prev_hash)
        updates.append((prev_hash, row_hash, version or row["hash_version"], row["id"]))
        prev_hash = row_hash
    cursor.executemany(f"UPDATE {TABLE} SET prev_hash = %s, hash = %s, hash_version = %s WHERE id = %s", updates)  # noqa: S608


def write_rows(user, count: int, *, detail: str = "tamper-test") -> list[AccessLogEntry]:
    actor = Actor(user_id=user.pk, username=user.username, ip_address="10.0.0.7")
    return [
        access_log_write(actor=actor, action="read", outcome="allowed", case_id=9000 + n, detail=detail)
        for n in range(count)
    ]
