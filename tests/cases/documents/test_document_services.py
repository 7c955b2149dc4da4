"""Adding documents and versions, and what is refused: on disk and in S3-compatible storage."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages

from cases.confidentiality import MELDER_VT_ONLY
from cases.documents.files import FILE_NAME_MISMATCH, FILE_NAME_UNSAFE, FILE_TYPE_NOT_ALLOWED
from cases.documents.models import Document, DocumentVersion, RetentionClass, VersionStatus
from cases.documents.scanning import EICAR
from cases.documents.services import (
    DOCUMENT_CASE_FULL,
    DOCUMENT_TOO_LARGE,
    document_add,
    document_version_add,
)
from tests.cases.documents.conftest import PDF_BYTES, scanned, upload


def add(w, content=PDF_BYTES, filename="rapport.pdf", **fields):
    values = {
        "kind": "raadsrapport",
        "title": "Raadsrapport onderzoek",
        "document_date": date(2026, 5, 1),
        "confidentiality": "gedeeld",
        "persons": [w.child],
    }
    values.update(fields)
    actor = values.pop("actor", w.professional)
    return document_add(actor=actor, case=w.case, file=upload(content), filename=filename, **values)


def test_a_document_is_stored_hidden_until_scanned_then_readable_and_versioned(world, document_storage):
    document = add(world)
    first = document.versions.get()
    assert first.status == VersionStatus.WORDT_GECONTROLEERD
    assert first.content_type == "application/pdf" and first.original_name == "rapport.pdf"
    assert "rapport" not in first.storage_key  # the uploader's name never becomes a storage key
    assert document.retention_class == RetentionClass.JUSTITIEEL
    assert list(document.persons.all()) == [world.child]
    scanned(document)
    first.refresh_from_db()
    assert first.status == VersionStatus.BESCHIKBAAR

    second = document_version_add(
        actor=world.professional, document=document, file=upload(PDF_BYTES + b"% v2\n"), filename="rapport-v2.pdf"
    )
    assert second.number == 2
    # The old version stays, with its file.
    assert DocumentVersion.objects.filter(document=document).count() == 2
    with storages["documents"].open(first.storage_key, "rb") as stream:
        assert stream.read() == PDF_BYTES
    with storages["documents"].open(second.storage_key, "rb") as stream:
        assert stream.read() == PDF_BYTES + b"% v2\n"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip(
    {
        "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": b"<w:document/>",
    }
)
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [
        (DOCX, "verslag.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (ODT, "verslag.odt", "application/vnd.oasis.opendocument.text"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "foto.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, "foto.jpg", "image/jpeg"),
        ("Verslag van het huisbezoek, één pagina.\n".encode(), "verslag.txt", "text/plain; charset=utf-8"),
    ],
)
def test_allowed_types_are_told_by_their_content(world, settings, tmp_path, content, filename, content_type):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    document = add(world, content=content, filename=filename, kind="verslag")
    assert document.versions.get().content_type == content_type


def _refused(world, **kwargs) -> str:
    with pytest.raises(ValidationError) as refused:
        add(world, **kwargs)
    return " ".join(refused.value.message_dict.get("file", [])) or str(refused.value)


def _nothing_stored(world):
    assert not Document.objects.filter(case=world.case).exists()
    assert not DocumentVersion.objects.exists()
    store = storages["documents"]
    try:
        _, files = store.listdir(f"cases/{world.case.pk}/documents")
    except FileNotFoundError:
        files = []
    assert files == []


def test_a_renamed_executable_is_refused_and_nothing_stored(world, document_storage):
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256))
    assert _refused(world, content=executable, filename="rapport.pdf") == str(FILE_TYPE_NOT_ALLOWED)
    _nothing_stored(world)


def test_an_oversized_file_is_refused_and_nothing_stored(world, document_storage, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    message = _refused(world, content=PDF_BYTES + b"0" * (1024 * 1024), filename="groot.pdf")
    assert message == str(DOCUMENT_TOO_LARGE % {"limit": "1"})
    _nothing_stored(world)


def test_the_default_size_limit_is_25_mb(settings):
    assert settings.DOCUMENT_MAX_BYTES == 25 * 1024 * 1024


def test_a_pdf_claiming_to_be_an_image_is_refused_and_nothing_stored(world, document_storage):
    message = _refused(world, content=PDF_BYTES, filename="foto.png")
    assert message == str(FILE_NAME_MISMATCH % {"extension": ".png", "type": "PDF"})
    _nothing_stored(world)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\rapport.pdf", "map/rapport.pdf", "rap\x00port.pdf", "rapport\u202e.pdf"]
)
def test_a_path_traversal_or_control_character_name_is_refused_and_nothing_stored(world, document_storage, name):
    assert _refused(world, filename=name) == str(FILE_NAME_UNSAFE)
    _nothing_stored(world)


def test_the_count_limit_per_case_holds(world, document_storage, settings):
    settings.DOCUMENT_MAX_PER_CASE = 1
    add(world)
    assert _refused(world) == str(DOCUMENT_CASE_FULL % {"limit": 1})
    assert DocumentVersion.objects.count() == 1


def test_only_veilig_thuis_adds_a_melder_document(world, document_storage):
    with pytest.raises(ValidationError) as refused:
        add(world, confidentiality="melder")
    assert refused.value.message_dict["confidentiality"] == [str(MELDER_VT_ONLY)]
    document = add(world, actor=world.vt_professional, confidentiality="melder", kind="melding")
    assert document.author_organisation == world.vt


def test_an_infected_upload_is_quarantined_its_file_removed_and_the_uploader_told(world, document_storage, mailoutbox):
    world.professional.email = "uploader@example.invalid"
    world.professional.save()
    document = add(world, content=b"Verslag\n" + EICAR + b"\n", filename="verslag.txt", kind="verslag")
    version = document.versions.get()
    scanned(document)
    version.refresh_from_db()
    assert version.status == VersionStatus.QUARANTAINE
    assert version.scan_result == "Eicar-Test-Signature"
    assert not storages["documents"].exists(version.storage_key)
    assert [m.to for m in mailoutbox] == [["uploader@example.invalid"]]
    assert "Raadsrapport" not in mailoutbox[0].body and "verslag.txt" not in mailoutbox[0].body


def test_a_zip_that_is_no_office_file_is_refused(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    archive = _zip({"setup.exe": b"MZ" + b"\0" * 100})
    assert _refused(world, content=archive, filename="verslag.docx") == str(FILE_TYPE_NOT_ALLOWED)


def test_the_same_form_sent_twice_adds_one_document(world, document_storage):
    import uuid

    from cases.exceptions import AlreadySubmitted

    key = uuid.uuid4()
    first = add(world, submission_key=key)
    with pytest.raises(AlreadySubmitted):
        add(world, submission_key=key)
    assert list(Document.objects.filter(case=world.case)) == [first]
    assert DocumentVersion.objects.count() == 1
