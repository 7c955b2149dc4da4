"""What an uploaded file is, told by its content (magic bytes), never by its name or the browser's
claim, and a file name that is safe to show and to put in a header."""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

FILE_TYPE_NOT_ALLOWED = gettext_lazy(
    "Dit soort bestand kan niet worden toegevoegd. Toegestaan zijn PDF, Word (docx), Excel (xlsx), "
    "OpenDocument (odt, ods), PNG, JPEG en platte tekst."
)
FILE_NAME_MISMATCH = gettext_lazy(
    "De naam van het bestand (%(extension)s) past niet bij de inhoud (%(type)s). Geef het bestand de juiste naam."
)
FILE_NAME_UNSAFE = gettext_lazy(
    "De bestandsnaam mag geen mappen (/ of \\), '..' of stuurtekens bevatten. Geef het bestand een gewone naam."
)
FILE_NAME_REQUIRED = gettext_lazy("Het bestand heeft geen naam.")
FILE_EMPTY = gettext_lazy("Het bestand is leeg.")

_ZIP_MAX_ENTRIES = 10_000
# The two small entries read to tell the office formats apart; a larger one is not an office file.
_ZIP_MARKER_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "PDF", "application/pdf", (".pdf",))
PNG = FileType("png", "PNG", "image/png", (".png",))
JPEG = FileType("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileType("docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODT = FileType("odt", "OpenDocument-tekst", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType("ods", "OpenDocument-rekenblad", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
TEXT = FileType("text", "platte tekst", "text/plain; charset=utf-8", (".txt",))

_OOXML = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_ODF = {ODT.content_type.encode(): ODT, ODS.content_type.encode(): ODS}
# Plain text may hold tabs, line ends and form feeds; any other control character is not text.
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f"}


def safe_name(name: str) -> str:
    """The uploader's file name if it is a plain name: no folder parts, no '..', no control characters."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise ValidationError({"file": [str(FILE_NAME_REQUIRED)]})
    if "/" in name or "\\" in name or ".." in name or any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationError({"file": [str(FILE_NAME_UNSAFE)]})
    return name[-200:]


def _zip_type(stream: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if len(names) > _ZIP_MAX_ENTRIES:
                return None
            for marker in ("mimetype", "[Content_Types].xml"):
                if marker in names and archive.getinfo(marker).file_size > _ZIP_MARKER_MAX_BYTES:
                    return None
            if "mimetype" in names:
                return _ODF.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                types = archive.read("[Content_Types].xml")
                return next((kind for marker, kind in _OOXML.items() if marker in types), None)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    return None


def _is_text(stream: IO[bytes]) -> bool:
    stream.seek(0)
    try:
        text = stream.read().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c in _TEXT_CONTROLS or not unicodedata.category(c).startswith("C") for c in text)


def sniff(stream: IO[bytes]) -> FileType | None:
    """The allowed type of this content, or None."""
    stream.seek(0)
    head = stream.read(8)
    if head.startswith(b"%PDF-"):
        found: FileType | None = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        found = _zip_type(stream)
    else:
        found = TEXT if _is_text(stream) else None
    stream.seek(0)
    return found


def file_type_of(stream: IO[bytes], name: str) -> FileType:
    """The content's type, which must be allowed and match the name's extension; else ValidationError."""
    found = sniff(stream)
    if found is None:
        raise ValidationError({"file": [str(FILE_TYPE_NOT_ALLOWED)]})
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in found.extensions:
        raise ValidationError(
            {"file": [str(FILE_NAME_MISMATCH % {"extension": extension or "geen extensie", "type": found.label})]}
        )
    return found
