"""Writing the access log (NEN 7513) and the functions that chain its rows.

Each row's `hash` is an HMAC-SHA256, keyed with `settings.ACCESS_LOG_KEY` (which the database does
not hold), over the row's content and the previous row's hash: someone who can rewrite the table
but lacks the key cannot recompute a valid chain. Rows from before the key keep their unkeyed
SHA-256 (`hash_version` 1). The subject fields enter the keyed hash as a salted digest, so that
destroying a case can later tombstone them (see `cases.access_log.models`). Verifying the chain and
anchoring its head outside the database: `cases.access_log.integrity`.

Rows are written on their own connection ("audit" alias on PostgreSQL) so that a denied or failed
attempt stays logged even when the request's transaction rolls back.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone

from cases.access_log.models import HASH_KEYED, HASH_UNKEYED, SUBJECT_FIELDS, TOMBSTONE_DETAIL, AccessLogEntry

# Any constant: the PostgreSQL advisory lock that orders writers of the hash chain.
_CHAIN_LOCK_KEY = 7_513_000


GENESIS_HASH = "0" * 64


HASHED_FIELDS = (
    "at",
    "user_id",
    "username",
    "organisation_id",
    "organisation_name",
    "role",
    "case_id",
    "person_id",
    "action",
    "outcome",
    "ip_address",
    "detail",
)


def keyed_digest(purpose: str, text: str) -> str:
    """HMAC-SHA256 with the access log's key; `purpose` keeps row hashes, subject digests and
    anchor signatures from ever standing in for one another."""
    digest = _keyed_hmac(settings.ACCESS_LOG_KEY).copy()
    digest.update(f"{purpose}\n{text}".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=4)
def _keyed_hmac(key: str) -> hmac.HMAC:
    # Copying a keyed HMAC is cheaper than keying a new one for every row.
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def _canonical(payload: dict) -> str:
    if hasattr(payload.get("at"), "isoformat"):
        payload = {**payload, "at": payload["at"].isoformat()}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash_unkeyed(values: dict, prev_hash: str) -> str:
    """Version 1, the rows written before the key: SHA-256 anyone can recompute. Verify only."""
    payload = {name: values[name] for name in HASHED_FIELDS}
    return hashlib.sha256((_canonical(payload) + prev_hash).encode()).hexdigest()


def subject_digest(values: dict) -> str:
    """The keyed digest of a row's subject fields, salted with its `subject_salt`; a tombstoned row
    (its case destroyed) carries the digest itself in `subject_digest`."""
    if values.get("subject_digest"):
        return values["subject_digest"]
    subject = json.dumps([values[name] for name in SUBJECT_FIELDS], separators=(",", ":"))
    return keyed_digest("access-log-subject", values["subject_salt"] + subject)


def entry_hash_keyed(values: dict, prev_hash: str) -> str:
    """Version 2: HMAC over the row's other fields, its subject digest and the previous hash."""
    payload = {name: values[name] for name in HASHED_FIELDS if name not in SUBJECT_FIELDS}
    payload["subject"] = subject_digest(values)
    return keyed_digest("access-log-row", _canonical(payload) + prev_hash)


# A row's hash_version -> the function that made its hash.
ENTRY_HASHES = {HASH_UNKEYED: entry_hash_unkeyed, HASH_KEYED: entry_hash_keyed}


def audit_alias() -> str:
    # SQLite has one writer at a time: a second connection would wait on the request's own lock.
    return "audit" if "audit" in settings.DATABASES else "default"


@dataclass(frozen=True)
class Actor:
    """Who acts, for which organisation and in which role, from where."""

    user_id: int | None
    username: str
    organisation_id: int | None = None
    organisation_name: str = ""
    role: str = ""
    ip_address: str | None = None


_deferred: ContextVar[bool] = ContextVar("access_log_deferred", default=False)


@contextmanager
def access_log_deferred():
    """Inside, rows are appended only when the default connection's transaction commits: a dry
    run or a rolled-back import case leaves no log rows about cases that never existed."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


_buffer: ContextVar[list[dict] | None] = ContextVar("access_log_buffer", default=None)


@contextmanager
def access_log_buffered():
    """Inside, rows are collected and appended together, in their order, when the block ends without
    an error (then as `access_log_write` would: deferred inside `access_log_deferred`); an error drops
    them with the work they were about. The import replays a case in one such block: one append for the
    whole case instead of one per service call."""
    rows: list[dict] = []
    token = _buffer.set(rows)
    try:
        yield
    finally:
        _buffer.reset(token)
    if rows:
        _write(rows)


def _entry_values(
    actor: Actor, *, action: str, outcome: str, case_id: int | None, person_id: int | None, detail: str, at: datetime
) -> dict:
    return {
        "at": at,
        "user_id": actor.user_id,
        "username": actor.username,
        "organisation_id": actor.organisation_id,
        "organisation_name": actor.organisation_name,
        "role": actor.role,
        "case_id": case_id,
        "person_id": person_id,
        "action": action,
        "outcome": outcome,
        "ip_address": actor.ip_address,
        "detail": detail[:300],
        "subject_salt": secrets.token_hex(16),
    }


def access_log_write(
    *,
    actor: Actor,
    action: str,
    outcome: str,
    case_id: int | None = None,
    person_id: int | None = None,
    detail: str = "",
) -> AccessLogEntry | None:
    """Append one row to the chain. Commits on its own connection where the database allows
    (inside `access_log_deferred`: on commit of the default connection, and returns None)."""
    values = _entry_values(
        actor, action=action, outcome=outcome, case_id=case_id, person_id=person_id, detail=detail, at=timezone.now()
    )
    written = _write([values])
    return written[0] if written else None


def access_log_write_many(
    *, actor: Actor, action: str, outcome: str, case_ids: Iterable[int], detail: str = ""
) -> list[AccessLogEntry] | None:
    """Append one row per case, in this order, for one actor and moment: one lock, one read of the
    previous hash and one multi-row INSERT, chained exactly as `access_log_write` one by one would.
    Same connection and deferral rules as `access_log_write` (deferred: returns None)."""
    at = timezone.now()
    rows = [
        _entry_values(actor, action=action, outcome=outcome, case_id=case_id, person_id=None, detail=detail, at=at)
        for case_id in case_ids
    ]
    return _write(rows) if rows else []


def access_log_write_actors(
    *, actors: Iterable[tuple[Actor, str]], action: str, outcome: str, case_id: int
) -> list[AccessLogEntry] | None:
    """Append one row per (actor, detail) about one case, in this order: one lock, one read of the
    previous hash and one multi-row INSERT (an import names every professional it acted as at once).
    Same connection and deferral rules as `access_log_write` (deferred: returns None)."""
    at = timezone.now()
    rows = [
        _entry_values(actor, action=action, outcome=outcome, case_id=case_id, person_id=None, detail=detail, at=at)
        for actor, detail in actors
    ]
    return _write(rows) if rows else []


def _write(rows: list[dict]) -> list[AccessLogEntry] | None:
    buffered = _buffer.get()
    if buffered is not None:
        buffered.extend(rows)
        return None
    alias = audit_alias()
    if _deferred.get():
        transaction.on_commit(lambda: _append(alias, rows))
        return None
    return _append(alias, rows)


def _append(alias: str, rows: list[dict]) -> list[AccessLogEntry]:
    with transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AccessLogEntry.objects.using(alias).order_by("-id").values_list("hash", flat=True).first()
        prev_hash = last or GENESIS_HASH
        entries = []
        for values in rows:
            row_hash = entry_hash_keyed(values, prev_hash)
            entries.append(AccessLogEntry(**values, prev_hash=prev_hash, hash=row_hash, hash_version=HASH_KEYED))
            prev_hash = entries[-1].hash
        # Ids are handed out in list order (one INSERT per batch): the chain is walked by id.
        return AccessLogEntry.objects.using(alias).bulk_create(entries, batch_size=500)


def access_log_rows() -> models.QuerySet[AccessLogEntry]:
    """Read the log on the connection that writes it (in tests that is the only one that sees it)."""
    return AccessLogEntry.objects.using(audit_alias())


def access_log_tombstone(*, case_id: int) -> int:
    """Replace the subject fields of the case's keyed rows by tombstones (the case is destroyed): each
    row keeps its digest of them in `subject_digest`, so its hash and the chain still verify. Unkeyed
    rows (version 1) hash their subject fields directly and are left as they are. Runs on the log's
    own connection; the database lets through exactly this change (migration 0010). Returns the count."""
    alias = audit_alias()
    count = 0
    with transaction.atomic(using=alias):
        rows = AccessLogEntry.objects.using(alias).filter(case_id=case_id, hash_version=HASH_KEYED, subject_digest="")
        for row in rows.select_for_update().values("id", *SUBJECT_FIELDS, "subject_salt").iterator():
            AccessLogEntry.objects.using(alias).filter(pk=row["id"]).update(
                subject_digest=subject_digest(row),
                case_id=None,
                person_id=None,
                detail=TOMBSTONE_DETAIL,
                subject_salt="",
            )
            count += 1
    return count
