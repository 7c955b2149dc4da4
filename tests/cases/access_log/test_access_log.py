"""The access log (NEN 7513): exactly the expected rows per request, append-only at the database,
tamper-evident through its hash chain (`manage.py verify_access_log`)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction

from cases.access_log.integrity import access_log_verify
from cases.access_log.models import AccessLogEntry
from cases.access_log.services import (
    Actor,
    access_log_deferred,
    access_log_rows,
    access_log_write,
    access_log_write_many,
    audit_alias,
)
from tests.cases.conftest import VALID_BSN


def last_log_id() -> int:
    return access_log_rows().order_by("-id").values_list("id", flat=True).first() or 0


def rows_since(log_id: int) -> list[AccessLogEntry]:
    return list(access_log_rows().filter(id__gt=log_id).order_by("id"))


def test_reading_a_case_leaves_exactly_one_allowed_read_row_with_the_nen7513_fields(world, client, login_verified):
    login_verified(client, world.vt_professional)
    before = last_log_id()

    response = client.get(f"/zaken/{world.case.pk}/", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    [row] = rows_since(before)
    assert (row.action, row.outcome, row.case_id, row.person_id) == ("read", "allowed", world.case.pk, None)
    assert (row.user_id, row.username) == (world.vt_professional.pk, world.vt_professional.username)
    assert (row.organisation_id, row.organisation_name) == (world.vt.pk, "Veilig Thuis A")
    assert row.role == "participant:onderzoeker"
    assert row.ip_address == "10.1.2.3"
    assert row.detail == "case"


def test_behind_a_trusted_proxy_the_log_names_the_forwarded_address_as_the_security_log_does(
    world, client, login_verified, settings
):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    login_verified(client, world.vt_professional)
    before = last_log_id()

    client.get(f"/zaken/{world.case.pk}/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1")

    [row] = rows_since(before)
    assert row.ip_address == "198.51.100.7"


def test_the_detail_page_never_writes_the_persons_data_into_the_log(world, client, login_verified):
    login_verified(client, world.professional)
    before = last_log_id()
    client.get(f"/zaken/{world.case.pk}/")
    [row] = rows_since(before)
    assert VALID_BSN not in str(row.__dict__) and "Kim" not in str(row.__dict__)


def test_opening_a_person_for_editing_logs_the_person(world, client, login_verified):
    login_verified(client, world.professional)
    before = last_log_id()
    client.get(f"/personen/{world.child.pk}/wijzigen/")
    [row] = rows_since(before)
    assert (row.action, row.outcome, row.case_id, row.person_id, row.detail) == (
        "read",
        "allowed",
        world.case.pk,
        world.child.pk,
        "person",
    )


def test_a_denied_attempt_is_logged_with_outcome_denied(world, client, login_verified):
    login_verified(client, world.stranger)
    before = last_log_id()

    assert client.get(f"/zaken/{world.case.pk}/").status_code == 404

    [row] = rows_since(before)
    assert (row.action, row.outcome, row.case_id, row.user_id) == ("read", "denied", world.case.pk, world.stranger.pk)


def test_a_search_is_one_row_without_the_search_term(world, client, login_verified):
    login_verified(client, world.professional)
    before = last_log_id()

    response = client.get("/mijn-zaken/", {"q": "Testman"})

    assert response.status_code == 200
    [row] = rows_since(before)
    assert (row.action, row.outcome, row.case_id) == ("search", "allowed", None)
    assert "q_len=7" in row.detail
    assert "Testman" not in row.detail.lower() and "testman" not in row.detail.lower()


def test_changing_a_person_is_logged_as_a_change(world, client, login_verified):
    login_verified(client, world.professional)
    before = last_log_id()
    client.post(
        f"/personen/{world.child.pk}/wijzigen/",
        {
            "role": "jeugdige",
            "full_name": "Kim Testman-de Wit",
            "date_of_birth": "2016-04-01",
            "bsn": "",
            "version": world.child.version,
        },
    )
    [row] = rows_since(before)
    assert (row.action, row.outcome, row.person_id) == ("change", "allowed", world.child.pk)


def test_opening_a_case_via_the_api_is_logged_as_create(world, client, login_verified):
    login_verified(client, world.professional)
    before = last_log_id()
    response = client.post(
        "/api/v1/cases/",
        {
            "team": world.team.pk,
            "municipality": world.municipality.pk,
            "family_name": "gezin Nieuw",
            "intake": "gi",
            "reported_on": "2026-01-02",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    [row] = rows_since(before)
    assert (row.action, row.outcome, row.case_id) == ("create", "allowed", response.json()["id"])


@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET username = 'iemand' WHERE id = %s", "DELETE FROM {table} WHERE id = %s"]
)
def test_the_database_refuses_to_update_or_delete_a_log_row(world, statement):
    row = access_log_rows().order_by("-id").first()
    alias = audit_alias()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute(statement.format(table=AccessLogEntry._meta.db_table), [row.pk])
    assert access_log_rows().get(pk=row.pk).username == row.username


def test_the_database_refuses_to_truncate_the_log(world):
    access_log_write(actor=_actor(world), action="read", outcome="allowed", case_id=world.case.pk)
    alias = audit_alias()
    with pytest.raises(DatabaseError, match=r"append-only \(TRUNCATE refused\)"):
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute(f"TRUNCATE {AccessLogEntry._meta.db_table}")
    assert access_log_rows().exists()


def test_verify_access_log_passes_on_an_intact_chain(world, capsys):
    call_command("verify_access_log")
    assert "intact" in capsys.readouterr().out


def test_verify_access_log_reports_the_first_altered_row_and_fails(world):
    table = AccessLogEntry._meta.db_table
    row = access_log_rows().filter(case_id=world.case.pk).order_by("id").first()
    alias = audit_alias()

    def tamper(username: str) -> None:
        # Only a database owner can do this (and it is itself visible in PostgreSQL's own logs).
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER access_log_append_only")
            cursor.execute(f"UPDATE {table} SET username = %s WHERE id = %s", [username, row.pk])  # noqa: S608
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER access_log_append_only")

    tamper("iemand-anders")
    try:
        with pytest.raises(CommandError, match=f"regel {row.pk}:") as caught:
            call_command("verify_access_log")
        assert caught.value.returncode == 1
    finally:
        tamper(row.username)  # the test database's chain is shared by later tests
    call_command("verify_access_log")


def _actor(world) -> Actor:
    return Actor(user_id=world.professional.pk, username=world.professional.username, ip_address="10.0.0.9")


def test_a_batch_write_chains_its_rows_like_single_writes_and_the_chain_verifies(world, capsys):
    before = last_log_id()
    access_log_write(actor=_actor(world), action="read", outcome="allowed", case_id=world.case.pk, detail="single")
    batch = access_log_write_many(
        actor=_actor(world), action="read", outcome="allowed", case_ids=[world.case.pk, 7001, 7002], detail="meeting:1"
    )
    access_log_write(actor=_actor(world), action="read", outcome="allowed", case_id=7003, detail="single")

    rows = rows_since(before)
    assert [row.case_id for row in rows] == [world.case.pk, world.case.pk, 7001, 7002, 7003]
    assert [row.pk for row in batch] == [row.pk for row in rows[1:4]]
    assert [row.detail for row in rows[1:4]] == ["meeting:1"] * 3
    # Each row links to the one before it, across the batch's edges, and its hash covers its own content.
    for previous, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == previous.hash
    assert len({row.hash for row in rows}) == len(rows)
    assert access_log_verify().findings == []
    call_command("verify_access_log")
    assert "intact" in capsys.readouterr().out


def test_an_empty_batch_writes_nothing(world):
    before = last_log_id()
    assert access_log_write_many(actor=_actor(world), action="read", outcome="allowed", case_ids=[]) == []
    assert rows_since(before) == []


def test_a_deferred_batch_is_written_only_when_the_transaction_commits(world, django_capture_on_commit_callbacks):
    before = last_log_id()
    with django_capture_on_commit_callbacks(execute=True):
        with access_log_deferred():
            assert (
                access_log_write_many(actor=_actor(world), action="read", outcome="allowed", case_ids=[8001, 8002])
                is None
            )
        assert rows_since(before) == []
    assert [row.case_id for row in rows_since(before)] == [8001, 8002]
    assert access_log_verify().findings == []
