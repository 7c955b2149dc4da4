"""The access log's hash chain is keyed (HMAC-SHA256 with ACCESS_LOG_KEY): someone who can rewrite the
table but lacks the key cannot make an edited row verify, however they recompute the hashes after it.
Rows from before the key (hash_version 1) still verify, but only at the start of the chain."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from cases.access_log.integrity import (
    MORE_FINDINGS,
    ROW_CONTENT_CHANGED,
    ROW_LINK_BROKEN,
    ROW_UNKEYED_AFTER_KEYED,
    Finding,
    access_log_verify,
)
from cases.access_log.models import HASH_KEYED, HASH_UNKEYED, AccessLogEntry
from cases.access_log.services import (
    GENESIS_HASH,
    access_log_rows,
    entry_hash_keyed,
    entry_hash_unkeyed,
    subject_digest,
)
from tests.cases.access_log.tampering import TABLE, rechain, tampering, write_rows

# The row hash as the code before the key computed it, copied unchanged: what existing rows carry.
_OLD_HASHED_FIELDS = (
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


def old_entry_hash(values: dict, prev_hash: str) -> str:
    payload = {name: values[name] for name in _OLD_HASHED_FIELDS}
    payload["at"] = payload["at"].isoformat() if hasattr(payload["at"], "isoformat") else payload["at"]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str) + prev_hash
    return hashlib.sha256(text.encode()).hexdigest()


def _old_row_values(n: int) -> dict:
    return {
        "at": datetime.datetime(2026, 3, 2, 9, 30, 15, 123456 + n, tzinfo=datetime.UTC),
        "user_id": 7,
        "username": "j.jansen",
        "organisation_id": 3,
        "organisation_name": "Veilig Thuis A",
        "role": "participant:onderzoeker",
        "case_id": 41 + n,
        "person_id": None,
        "action": "read",
        "outcome": "allowed",
        "ip_address": "10.1.2.3",
        "detail": "case",
    }


def test_the_unkeyed_hash_is_still_the_one_the_rows_before_the_key_were_written_with():
    # Computed with the code before this change (commit 88f9712).
    expected = "88ce3b2cba19e8b8a3259559070748e74da0c4a6ebc5632ba9d2e1a64e506135"
    assert old_entry_hash(_old_row_values(0), GENESIS_HASH) == expected
    assert entry_hash_unkeyed(_old_row_values(0), GENESIS_HASH) == expected


def test_new_rows_are_keyed_with_their_own_salt_and_depend_on_the_key(world):
    first, second = write_rows(world.professional, 2)
    assert (first.hash_version, second.hash_version) == (HASH_KEYED, HASH_KEYED)
    assert len(first.subject_salt) == 32 and first.subject_salt != second.subject_salt
    row = access_log_rows().filter(pk=first.pk).values().get()
    assert entry_hash_keyed(row, first.prev_hash) == first.hash
    with override_settings(ACCESS_LOG_KEY="een-andere-sleutel-" + "y" * 16):
        assert entry_hash_keyed(row, first.prev_hash) != first.hash


def test_the_keyed_hash_covers_the_subject_fields_through_their_salted_digest(world):
    [entry] = write_rows(world.professional, 1)
    row = access_log_rows().filter(pk=entry.pk).values().get()
    for name, other in [("case_id", 1), ("person_id", 2), ("detail", "person:3"), ("subject_salt", "0" * 32)]:
        assert entry_hash_keyed({**row, name: other}, entry.prev_hash) != entry.hash, name
        assert subject_digest({**row, name: other}) != subject_digest(row), name
    assert entry_hash_keyed({**row, "username": "iemand"}, entry.prev_hash) != entry.hash


def test_rows_written_before_the_key_still_verify_and_keyed_rows_chain_on_to_them(world, capsys):
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - a log as the migration found it: old rows only
        prev_hash = GENESIS_HASH
        for n in range(3):
            values = _old_row_values(n)
            row_hash = old_entry_hash(values, prev_hash)
            AccessLogEntry.objects.using("audit").create(
                **values, prev_hash=prev_hash, hash=row_hash, hash_version=HASH_UNKEYED
            )
            prev_hash = row_hash
        new_rows = write_rows(world.professional, 2)

        assert new_rows[0].prev_hash == prev_hash
        assert list(access_log_rows().order_by("id").values_list("hash_version", flat=True)) == [1, 1, 1, 2, 2]
        assert access_log_verify().findings == []
        call_command("verify_access_log")
    assert "intact (5 regels" in capsys.readouterr().out


def _recompute_with_a_guessed_key(values: dict, prev_hash: str) -> str:
    with override_settings(ACCESS_LOG_KEY="geraden-sleutel-" + "z" * 16):
        return entry_hash_keyed(values, prev_hash)


@pytest.mark.parametrize(
    "hash_function", [_recompute_with_a_guessed_key, entry_hash_unkeyed], ids=["guessed-key", "old-unkeyed-function"]
)
def test_an_edited_row_is_found_even_when_every_later_hash_was_recomputed_without_the_key(world, hash_function):
    rows = write_rows(world.professional, 4)
    edited = rows[1]
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = %s WHERE id = %s", ["iemand-anders", edited.pk])  # noqa: S608
        rechain(cursor, from_id=edited.pk, hash_function=hash_function)
        findings = access_log_verify().findings
        with pytest.raises(CommandError) as caught:
            call_command("verify_access_log")

    # Every recomputed row is named, the first being the edited one; the links themselves hold.
    assert findings == [Finding(f"regel {row.pk}", ROW_CONTENT_CHANGED) for row in rows[1:]]
    assert ROW_LINK_BROKEN not in {finding.what for finding in findings}
    assert caught.value.returncode == 1
    assert f"- regel {edited.pk}: inhoud klopt niet met de hash" in str(caught.value)
    assert access_log_verify().findings == []  # rolled back: the shared chain is whole again


def test_an_edited_row_whose_hash_was_recomputed_with_the_key_would_pass(world):
    """The control for the test above: the key, not the way of recomputing, is what finds the edit."""
    rows = write_rows(world.professional, 3)
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = %s WHERE id = %s", ["iemand-anders", rows[1].pk])  # noqa: S608
        rechain(cursor, from_id=rows[1].pk, hash_function=entry_hash_keyed)
        assert access_log_verify().findings == []


def test_an_edited_row_passed_off_as_an_old_unkeyed_row_is_found(world):
    rows = write_rows(world.professional, 3)
    edited = rows[1]
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET username = %s WHERE id = %s", ["iemand-anders", edited.pk])  # noqa: S608
        rechain(cursor, from_id=edited.pk, hash_function=entry_hash_unkeyed, version=HASH_UNKEYED)
        findings = access_log_verify().findings

    # Their unkeyed hashes match, but unkeyed rows after keyed ones cannot be genuine.
    assert findings == [Finding(f"regel {row.pk}", ROW_UNKEYED_AFTER_KEYED) for row in rows[1:]]


def test_a_changed_subject_field_is_found(world):
    rows = write_rows(world.professional, 2)
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET case_id = 1 WHERE id = %s", [rows[0].pk])  # noqa: S608
        assert access_log_verify().findings == [Finding(f"regel {rows[0].pk}", ROW_CONTENT_CHANGED)]


def test_findings_beyond_the_limit_are_counted_not_listed(world):
    rows = write_rows(world.professional, 5)
    with tampering() as cursor:
        rechain(cursor, from_id=rows[0].pk, hash_function=entry_hash_unkeyed)
        findings = access_log_verify(max_findings=2).findings
    assert findings == [
        Finding(f"regel {rows[0].pk}", ROW_CONTENT_CHANGED),
        Finding(f"regel {rows[1].pk}", ROW_CONTENT_CHANGED),
        Finding("toegangslog", MORE_FINDINGS.format(count=3)),
    ]
