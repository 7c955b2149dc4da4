"""The scanner runs in a real Celery worker: a clean upload becomes available, the EICAR test file is
quarantined (its file removed) and the uploader gets an e-mail. Until then both wait, hidden."""

from __future__ import annotations

import time
from datetime import date

import pytest
import redis
from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction

from cases.documents.models import DocumentVersion, VersionStatus
from cases.documents.scanning import EICAR
from cases.documents.services import document_add
from tests.cases.documents.conftest import PDF_BYTES, upload
from tests.celery_stack import Stack
from tests.conftest import require_service


@pytest.fixture
def stack(transactional_db, tmp_path):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        require_service("Redis", str(exc))
    s = Stack(tmp_path, settings.CELERY_BROKER_URL)
    yield s
    s.stop()


def _wait_for_status(version_id: int, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = DocumentVersion.objects.get(pk=version_id).status
        if status != VersionStatus.WORDT_GECONTROLEERD:
            return status
        time.sleep(0.3)
    pytest.fail("the worker gave no verdict")


@pytest.mark.celery_worker
def test_the_worker_clears_a_clean_file_and_quarantines_and_reports_the_eicar_file(stack, world, settings, tmp_path):
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(folder)}},
    }
    world.professional.email = "uploader@example.invalid"
    world.professional.save()

    def add(content: bytes, filename: str):
        with transaction.atomic():  # the scan is queued when this commits
            document = document_add(
                actor=world.professional,
                case=world.case,
                kind="verslag",
                title="Verslag",
                document_date=date(2026, 5, 1),
                confidentiality="gedeeld",
                file=upload(content),
                filename=filename,
            )
        return document.versions.get()

    clean = add(PDF_BYTES, "verslag.pdf")
    infected = add(b"Verslag\n" + EICAR + b"\n", "verslag.txt")
    assert clean.status == infected.status == VersionStatus.WORDT_GECONTROLEERD
    stack.start_worker(
        "scanner",
        queues="celery",
        DOCUMENT_STORAGE="filesystem",
        DOCUMENT_STORAGE_DIR=str(folder),
        DOCUMENT_SCANNER="cases.documents.scanning.EicarScanner",
    )
    assert _wait_for_status(clean.pk) == VersionStatus.BESCHIKBAAR
    assert _wait_for_status(infected.pk) == VersionStatus.QUARANTAINE
    infected.refresh_from_db()
    assert infected.scan_result == "Eicar-Test-Signature"
    assert not storages["documents"].exists(infected.storage_key)
    assert storages["documents"].exists(clean.storage_key)
    stack.wait_for_emails(1)
    mail = "".join(path.read_text() for path in stack.mail_dir.glob("*.log"))
    assert "uploader@example.invalid" in mail and "virus" in mail
