"""The access log's head (row count, last id, last hash) is anchored outside the database: a signed,
chained line in the anchor file and an event in the security log. `verify_access_log` uses the anchors
to find removed newest rows and an emptied table, and finds a rewritten anchor file."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from cases.access_log.integrity import (
    ANCHOR_GENESIS,
    ANCHOR_LINK_BROKEN,
    ANCHOR_SEQ_WRONG,
    ANCHOR_SIGNATURE_BAD,
    ANCHOR_UNREADABLE,
    EVENT_ANCHOR_DIFFERS,
    EVENT_ANCHOR_MISSING,
    HEAD_COUNT_DIFFERS,
    HEAD_HASH_DIFFERS,
    HEAD_ROW_MISSING,
    HEAD_ROWS_REMOVED,
    HEAD_TABLE_EMPTIED,
    ROW_LINK_BROKEN,
    ROW_UNKEYED_AFTER_ANCHOR,
    Anchor,
    Finding,
    access_log_anchor,
    access_log_verify,
    anchor_file,
)
from cases.access_log.models import HASH_UNKEYED
from cases.access_log.services import GENESIS_HASH, access_log_rows, entry_hash_unkeyed, keyed_digest
from cases.access_log.tasks import anchor as anchor_task
from safetyteams.celery import app
from security.models import SecurityAction, SecurityEvent
from tests.cases.access_log.tampering import TABLE, rechain, tampering, write_rows


def _lines() -> list[dict]:
    return [json.loads(line) for line in anchor_file().read_text().splitlines()]


def _write_lines(lines: list[str]) -> None:
    anchor_file().write_text("".join(line + "\n" for line in lines))


def _head() -> tuple[int, int, str]:
    last = access_log_rows().order_by("-id").first()
    return access_log_rows().count(), last.pk, last.hash


def test_an_anchor_is_a_signed_line_chained_to_the_one_before_and_a_security_log_event(world):
    write_rows(world.professional, 2)
    first = access_log_anchor()
    write_rows(world.professional, 1)
    second = access_log_anchor()

    rows, last_id, last_hash = _head()
    assert (second.seq, second.rows, second.last_id, second.last_hash) == (2, rows, last_id, last_hash)
    raw_lines = anchor_file().read_text().splitlines()
    assert [line["seq"] for line in _lines()] == [1, 2]
    assert _lines()[0]["prev"] == ANCHOR_GENESIS
    assert _lines()[1]["prev"] == hashlib.sha256(raw_lines[0].encode()).hexdigest()
    unsigned = {key: value for key, value in _lines()[1].items() if key != "sig"}
    assert _lines()[1]["sig"] == keyed_digest(
        "access-log-anchor", json.dumps(unsigned, sort_keys=True, separators=(",", ":"))
    )
    events = SecurityEvent.objects.filter(action=SecurityAction.ACCESS_LOG_ANCHORED).order_by("id")
    assert [event.detail for event in events] == _lines()
    assert first.rows == rows - 1


def test_an_empty_log_is_anchored_as_empty(world):
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        anchor = access_log_anchor()
        assert (anchor.rows, anchor.last_id, anchor.last_hash) == (0, None, GENESIS_HASH)
        assert access_log_verify().findings == []


def test_a_clean_log_with_anchors_passes_and_says_how_far_the_newest_anchor_reaches(world, capsys):
    write_rows(world.professional, 2)
    access_log_anchor()
    write_rows(world.professional, 2)
    anchor = access_log_anchor()
    write_rows(world.professional, 1)  # after the newest anchor: fine

    result = access_log_verify()
    call_command("verify_access_log")

    assert result.findings == [] and (result.anchors, result.newest_anchor) == (2, anchor)
    assert f"intact ({result.rows} regels, 2 ankers; het nieuwste, ankerregel 2" in capsys.readouterr().out


def test_without_an_anchor_verify_says_removed_newest_rows_cannot_be_seen_yet(world, capsys):
    call_command("verify_access_log")
    assert "Nog geen anker" in capsys.readouterr().out


@pytest.mark.parametrize("then_written", [0, 1], ids=["nothing-after", "new-rows-after"])
def test_removed_newest_rows_are_found_from_the_anchor(world, then_written):
    rows = write_rows(world.professional, 3)
    anchor = access_log_anchor()
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id >= %s", [rows[1].pk])  # noqa: S608
        later = write_rows(world.professional, then_written)  # the application writes on, chained to the cut
        findings = access_log_verify().findings
        with pytest.raises(CommandError) as caught:
            call_command("verify_access_log")

    values = {"seq": 1, "rows": anchor.rows, "last_id": rows[-1].pk}
    if later:
        assert findings == [Finding(f"regel {rows[-1].pk}", HEAD_ROW_MISSING.format(**values))]
    else:
        assert findings == [
            Finding("toegangslog", HEAD_ROWS_REMOVED.format(**values, end_id=rows[0].pk, count=anchor.rows - 2))
        ]
    assert f"- {findings[0]}" in str(caught.value)
    assert caught.value.returncode == 1


def test_a_row_removed_before_the_anchored_head_is_found_by_its_link_and_the_count(world):
    rows = write_rows(world.professional, 3)
    anchor = access_log_anchor()
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [rows[1].pk])  # noqa: S608
        findings = access_log_verify().findings
    assert findings == [
        Finding(f"regel {rows[2].pk}", ROW_LINK_BROKEN),
        Finding(
            "toegangslog", HEAD_COUNT_DIFFERS.format(seq=1, rows=anchor.rows, last_id=rows[2].pk, count=anchor.rows - 1)
        ),
    ]


@pytest.mark.parametrize(
    "truncate, then_written",
    [("TRUNCATE {table}", 0), ("TRUNCATE {table}", 2), ("TRUNCATE {table} RESTART IDENTITY", 2)],
    ids=["emptied", "emptied-then-written", "emptied-ids-restarted-then-written"],
)
def test_a_truncated_log_is_found_from_the_anchor(world, truncate, then_written):
    write_rows(world.professional, 2)
    anchor = access_log_anchor()
    with tampering() as cursor:  # its triggers off: the one that refuses TRUNCATE too
        cursor.execute(truncate.format(table=TABLE))
        write_rows(world.professional, then_written)
        findings = access_log_verify().findings

    values = {"seq": 1, "rows": anchor.rows, "last_id": anchor.last_id}
    if then_written == 0:
        assert findings == [Finding("toegangslog", HEAD_TABLE_EMPTIED.format(**values))]
    elif "RESTART" in truncate:  # the new rows 1 and 2 end before the anchor's last row
        assert findings == [Finding("toegangslog", HEAD_ROWS_REMOVED.format(**values, end_id=2, count=2))]
    else:
        assert findings == [Finding(f"regel {anchor.last_id}", HEAD_ROW_MISSING.format(**values))]


def test_a_chain_downgraded_to_unkeyed_hashes_does_not_match_the_anchor(world):
    write_rows(world.professional, 2)
    anchor = access_log_anchor()
    after = write_rows(world.professional, 2)
    with tampering() as cursor:
        first_id = access_log_rows().order_by("id").values_list("id", flat=True).first()
        rechain(cursor, from_id=first_id, hash_function=entry_hash_unkeyed, version=HASH_UNKEYED)
        findings = access_log_verify().findings

    assert findings == [
        Finding(f"regel {anchor.last_id}", HEAD_HASH_DIFFERS.format(seq=1)),
        *(Finding(f"regel {row.pk}", ROW_UNKEYED_AFTER_ANCHOR.format(seq=1)) for row in after),
    ]


def _three_anchors(world) -> list[str]:
    for _ in range(3):
        write_rows(world.professional, 1)
        access_log_anchor()
    return anchor_file().read_text().splitlines()


def _edited(line: str, **changes) -> str:
    return json.dumps({**json.loads(line), **changes}, sort_keys=True, separators=(",", ":"))


def _resigned_with_a_guessed_key(line: str, **changes) -> str:
    data = {**json.loads(line), **changes}
    data.pop("sig")
    with override_settings(ACCESS_LOG_KEY="geraden-sleutel-" + "z" * 16):
        data["sig"] = keyed_digest("access-log-anchor", json.dumps(data, sort_keys=True, separators=(",", ":")))
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def test_an_anchor_line_with_changed_numbers_is_found(world):
    lines = _three_anchors(world)
    _write_lines([lines[0], _edited(lines[1], rows=1), lines[2]])
    assert access_log_verify().findings == [
        Finding("ankerregel 2", ANCHOR_SIGNATURE_BAD),
        Finding("ankerregel 3", ANCHOR_LINK_BROKEN),
        Finding(_event_where(2), EVENT_ANCHOR_MISSING.format(seq=2)),
    ]


def test_an_anchor_line_resigned_without_the_key_is_found(world):
    lines = _three_anchors(world)
    _write_lines([lines[0], lines[1], _resigned_with_a_guessed_key(lines[2], rows=2)])
    findings = access_log_verify().findings
    assert Finding("ankerregel 3", ANCHOR_SIGNATURE_BAD) in findings


def test_a_removed_anchor_line_is_found(world):
    lines = _three_anchors(world)
    _write_lines([lines[0], lines[2]])
    assert access_log_verify().findings == [
        Finding("ankerregel 2", ANCHOR_LINK_BROKEN),
        Finding("ankerregel 2", ANCHOR_SEQ_WRONG.format(found=3, expected=2)),
        Finding(_event_where(2), EVENT_ANCHOR_MISSING.format(seq=2)),
    ]


def test_a_removed_newest_anchor_line_is_found_from_the_security_log(world):
    lines = _three_anchors(world)
    _write_lines(lines[:2])  # the file's own chain still holds
    assert access_log_verify().findings == [Finding(_event_where(3), EVENT_ANCHOR_MISSING.format(seq=3))]


def test_a_deleted_anchor_file_is_found_from_the_security_log_and_still_anchors_the_rows(world):
    write_rows(world.professional, 2)
    anchor = access_log_anchor()
    anchor_file().unlink()
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [anchor.last_id])  # noqa: S608
        findings = access_log_verify().findings
    rows = {"seq": 1, "rows": anchor.rows, "last_id": anchor.last_id}
    assert findings == [
        Finding(_event_where(1), EVENT_ANCHOR_MISSING.format(seq=1)),
        Finding("toegangslog", HEAD_ROWS_REMOVED.format(**rows, end_id=anchor.last_id - 1, count=anchor.rows - 1)),
    ]


def test_an_anchor_file_put_back_to_an_older_copy_is_found_from_the_security_log(world):
    lines = _three_anchors(world)
    _write_lines(lines[:2])  # an older copy of the file...
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = (SELECT max(id) FROM {TABLE})")  # noqa: S608
        access_log_anchor()  # ...which the application then anchors on: a valid line 3 for the shortened log
        findings = access_log_verify().findings
    assert findings == [Finding(_event_where(3), EVENT_ANCHOR_DIFFERS.format(seq=3))]


def test_an_unreadable_anchor_line_is_found(world):
    lines = _three_anchors(world)
    _write_lines([lines[0], "{niet: json", lines[2]])
    findings = access_log_verify().findings
    assert Finding("ankerregel 2", ANCHOR_UNREADABLE) in findings


def test_a_line_cut_short_by_a_crash_stays_its_own_line_and_the_next_anchor_links_to_it(world):
    write_rows(world.professional, 1)
    access_log_anchor()
    with anchor_file().open("a") as file:
        file.write('{"seq":2,"at":"2026')  # the writer died mid-line
    access_log_anchor()
    assert len(anchor_file().read_text().splitlines()) == 3
    assert access_log_verify().findings == [Finding("ankerregel 2", ANCHOR_UNREADABLE)]


def test_the_command_names_the_anchor_line_and_fails(world):
    lines = _three_anchors(world)
    _write_lines([lines[0], _edited(lines[1], rows=1), lines[2]])
    with pytest.raises(CommandError) as caught:
        call_command("verify_access_log")
    assert caught.value.returncode == 1
    assert "- ankerregel 2: handtekening klopt niet" in str(caught.value)


def _event_where(seq: int) -> str:
    event = (
        SecurityEvent.objects.filter(action=SecurityAction.ACCESS_LOG_ANCHORED, detail__seq=seq).order_by("id").first()
    )
    return f"beveiligingslog {event.pk}"


def test_anchor_access_log_writes_an_anchor(world, capsys):
    write_rows(world.professional, 1)
    call_command("anchor_access_log")
    rows, last_id, _ = _head()
    assert (
        f"Anker 1 geschreven in {anchor_file()}: {rows} regels tot en met regel {last_id}." in capsys.readouterr().out
    )
    assert Anchor(**_lines()[0]).last_id == last_id


def test_beat_runs_the_anchor_task_hourly_under_its_explicit_name(world):
    entry = settings.CELERY_BEAT_SCHEDULE["cases-access-log-anchor"]
    assert "cases.access_log" in settings.SUBPACKAGES  # so the Celery app autodiscovers its tasks module
    app.loader.import_default_modules()
    assert (entry["task"], entry["schedule"]) == ("cases.access_log_anchor", 3600.0)
    assert app.tasks["cases.access_log_anchor"].name == anchor_task.name

    result = anchor_task.apply().get()

    rows, last_id, _ = _head()
    assert result == {"seq": 1, "rows": rows, "last_id": last_id}
    assert len(_lines()) == 1
