"""The one way a document's file leaves the store: streamed as an attachment, never sniffed or cached.
Callers have the version through `version_for_download` (the case's door and the document's class)."""

from __future__ import annotations

from django.core.files.storage import storages
from django.http import FileResponse

from cases.documents.models import DocumentVersion


def file_response(version: DocumentVersion) -> FileResponse:
    stream = storages["documents"].open(version.storage_key, "rb")
    response = FileResponse(
        stream, as_attachment=True, filename=version.original_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
