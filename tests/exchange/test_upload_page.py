"""The upload page: functional administrators only, limited by size and type, reports per record."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.access_log.services import access_log_rows
from cases.models import Case
from exchange import forms
from exchange.jobs import import_job_run
from tests.exchange.world import make_world, minimal_document
from tests.helpers import login


def _upload(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def test_a_functional_admin_imports_a_file_and_sees_the_report(client, db, django_capture_on_commit_callbacks):
    world = make_world()
    bad = minimal_document(world, "WEB-2")
    bad["persons"][0]["bsn"] = "123456789"
    text = "\n".join(json.dumps(d) for d in [minimal_document(world, "WEB-1"), bad]) + "\n"
    login(client, world.admin)

    response = client.post(reverse("exchange-import"), {"file": _upload("zaken.jsonl", text)})
    assert response.status_code == 302
    job_id = int(response.url.rstrip("/").rsplit("/", 1)[1])
    with django_capture_on_commit_callbacks(execute=True):  # the log rows are written on commit
        import_job_run(job_id)

    page = client.get(response.url).content.decode()
    assert "WEB-2" in page and "/persons/0/bsn" in page and "elfproef" in page
    assert Case.objects.filter(external_reference="WEB-1").exists()
    assert not Case.objects.filter(external_reference="WEB-2").exists()
    # The access log names the professional the import acted as, and the administrator who ran it.
    case = Case.objects.get(external_reference="WEB-1")
    logged = set(access_log_rows().filter(case_id=case.pk).values_list("username", "action", "detail"))
    assert (world.admin.username, "create", "import:run") in logged
    assert {username for username, _action, _detail in logged} >= {world.cvc_user.username, world.admin.username}


@pytest.mark.django_db(transaction=True)
def test_the_dry_run_box_writes_nothing(client, django_capture_on_commit_callbacks):
    world = make_world()
    login(client, world.admin)

    upload = _upload("zaken.jsonl", json.dumps(minimal_document(world, "WEB-3")))
    before = access_log_rows().count()
    response = client.post(reverse("exchange-import"), {"file": upload, "dry_run": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        import_job_run(int(response.url.rstrip("/").rsplit("/", 1)[1]))

    assert "Resultaat van de proefimport (niets opgeslagen)" in client.get(response.url).content.decode()
    assert not Case.objects.filter(external_reference="WEB-3").exists()
    assert access_log_rows().count() == before  # nothing about a case that was never stored


def test_a_professional_may_not_use_the_upload_page(client, db):
    world = make_world()
    login(client, world.cvc_user)

    assert client.get(reverse("exchange-import")).status_code == 403


def test_other_file_types_and_too_large_files_are_refused(client, db, monkeypatch):
    world = make_world()
    login(client, world.admin)
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 10)

    wrong_type = client.post(reverse("exchange-import"), {"file": _upload("zaken.csv", "a,b")})
    too_large = client.post(reverse("exchange-import"), {"file": _upload("zaken.jsonl", "x" * 11)})

    assert "Kies een .jsonl- of .json-bestand." in wrong_type.content.decode()
    assert "groter dan 20 MB" in too_large.content.decode()


@pytest.mark.parametrize("name", ["exchange-import", "exchange-import-job", "exchange-import-report"])
def test_the_import_pages_take_no_request_transaction(name):
    # On SQLite (the quick start) a request transaction begins IMMEDIATE: it would wait for the one
    # writer that a dry run or an all-or-nothing run holds until it ends, and fail after the timeout.
    from django.db import DEFAULT_DB_ALIAS
    from django.urls import resolve

    url = reverse(name) if name == "exchange-import" else reverse(name, args=[1])
    view = resolve(url).func
    assert DEFAULT_DB_ALIAS in getattr(view, "_non_atomic_requests", set())
