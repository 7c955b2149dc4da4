"""Export runs as the named user through the case selector: need-to-know applies and the export is
in the access log under that user's name."""

import json

import pytest
from django.core.management import CommandError, call_command

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_rows
from tests.exchange.world import build_live_case, make_world


def test_export_command_writes_the_case_and_logs_the_export_under_the_user(db, tmp_path):
    world = make_world()
    case = build_live_case(world)
    out = tmp_path / "export.jsonl"

    call_command("export_cases", "--case", case.reference, "--as", world.vt_user.username, "--out", str(out))

    document = json.loads(out.read_text().splitlines()[0])
    assert document["external_reference"] == case.reference
    assert document["persons"][0]["bsn"] == "111222333"
    row = access_log_rows().filter(case_id=case.pk, action=AccessAction.EXPORT).get()
    assert (row.username, row.outcome) == (world.vt_user.username, AccessOutcome.ALLOWED)


def test_a_user_without_access_gets_an_error_and_a_denied_log_row(db):
    world = make_world()
    case = build_live_case(world)

    with pytest.raises(CommandError, match=case.reference):
        call_command("export_cases", "--case", case.reference, "--as", world.outsider.username)

    row = access_log_rows().filter(case_id=case.pk, action=AccessAction.EXPORT).get()
    assert (row.username, row.outcome) == (world.outsider.username, AccessOutcome.DENIED)
