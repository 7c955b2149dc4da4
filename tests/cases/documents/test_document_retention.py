"""Destroying a case takes its documents with it: the files leave the store (on disk and in S3), the
titles and file names leave the database; the kind and dates stay for the metrics."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import storages
from django.db.models import F

from cases.documents.models import Document, DocumentVersion
from cases.documents.scan import document_version_scan
from cases.documents.services import document_add
from cases.models import Case, EventKind, TimelineEvent
from cases.retention.services import destruction_confirm, destruction_propose, retention_sweep
from tests.cases.retention.conftest import PARENT, YEARS_AGO, retained, tables_holding  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(databases="__all__")

TITLE = "Raadsrapport over de familie Kwakkelbos"
FILENAME = "kwakkelbos-rapport.pdf"


def test_destruction_removes_the_documents_files_titles_and_names(
    retained,  # noqa: F811 - the fixture imported above
    region,
    document_storage,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    case = retained.case
    closed = (case.status, case.closed_at)
    Case.objects.filter(pk=case.pk)._raw_update(status="monitoring", closed_at=None)  # setup: filed while it ran
    case.refresh_from_db()
    document = document_add(
        actor=region.cvc_user,
        case=case,
        kind="raadsrapport",
        title=TITLE,
        document_date=case.opened_at.date(),
        confidentiality="gedeeld",
        file=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        filename=FILENAME,
        persons=list(case.persons.filter(full_name=PARENT)),
    )
    version = document.versions.get()
    document_version_scan(version_id=version.pk)
    Case.objects.filter(pk=case.pk)._raw_update(status=closed[0], closed_at=closed[1])
    TimelineEvent.objects.filter(case=case, kind=EventKind.DOCUMENT_ADDED).update(
        occurred_at=F("occurred_at") - YEARS_AGO
    )
    case.refresh_from_db()
    store = storages["documents"]
    assert store.exists(version.storage_key)
    assert tables_holding("Kwakkelbos") and document.persons.exists()

    retention_sweep()
    destruction = destruction_propose(actor=retained.privacy_officer, destruction=case.destruction)
    with django_capture_on_commit_callbacks(execute=True):
        destruction_confirm(actor=region.coordinator, destruction=destruction, ip=None)

    assert not store.exists(version.storage_key)
    assert tables_holding("Kwakkelbos") == [] and tables_holding("Kwakkelbos", alias="audit") == []
    kept = Document.objects.get(pk=document.pk)
    assert (kept.kind, kept.document_date) == ("raadsrapport", document.document_date)
    assert not kept.persons.exists()
    assert DocumentVersion.objects.filter(document=kept).count() == 1
