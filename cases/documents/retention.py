"""What destroying a case removes of its documents: the files in the store (once the destruction has
committed: a rolled-back destruction keeps them), the titles, the uploaded file names and whom they
concern. Kept for the metrics: the kind, the dates and a beschikking's measure."""

from __future__ import annotations

from django.core.files.storage import storages
from django.db import transaction

from cases.documents.models import Document, DocumentVersion
from cases.retention.erase import TOMBSTONE


def erase_documents(case_id: int) -> None:
    documents = Document.objects.filter(case_id=case_id)
    versions = DocumentVersion.objects.filter(document__case_id=case_id)
    keys = list(versions.values_list("storage_key", flat=True))
    Document.persons.through.objects.filter(document__case_id=case_id).delete()
    documents.update(title=TOMBSTONE)
    versions.update(original_name=TOMBSTONE)
    transaction.on_commit(lambda: _delete_files(keys))


def _delete_files(keys: list[str]) -> None:
    store = storages["documents"]
    for key in keys:
        store.delete(key)
