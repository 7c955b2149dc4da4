"""Writes on a case's documents: add a document with its first file, add a new version (the old
ones stay), and give a version its scanner's verdict.

Every file is checked before anything is stored: its size, the case's count, its name (no folder
parts or control characters) and its type by content. A stored version waits as "wordt
gecontroleerd" until the scanner (`cases.documents.scan`, run by a Celery task) finds it clean; until then
no one can download it. The timeline says that a document was added and of which kind, never its
title: other partners read the timeline, and a document's class may hide its title from them.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext_lazy

from cases.assessments.services import require_open_case
from cases.confidentiality import check_class
from cases.documents.files import FILE_EMPTY, file_type_of, safe_name
from cases.documents.measures import (
    MEASURE_CHILD_REQUIRED,
    MEASURE_END_BEFORE_START,
    MEASURE_REQUIRED,
    MEASURE_START_REQUIRED,
    child_measures_record,
    children_of,
)
from cases.documents.models import (
    RETENTION_BY_KIND,
    Confidentiality,
    Document,
    DocumentKind,
    DocumentVersion,
    Measure,
)
from cases.documents.tasks import document_scan
from cases.idempotency import lock_row, submission_claim, submission_done
from cases.model_validation import full_clean_held
from cases.models import Case, EventKind, Person
from cases.reporters.services import vt_organisation
from cases.selectors import acting_organisation
from cases.timeline import timeline_record

DOCUMENT_TOO_LARGE = gettext_lazy("Het bestand is te groot: ten hoogste %(limit)s MB.")
DOCUMENT_CASE_FULL = gettext_lazy("Bij deze casus kunnen niet meer dan %(limit)s bestanden worden bewaard.")
DOCUMENT_KIND_UNKNOWN = gettext_lazy("Kies de soort document.")
DOCUMENT_TITLE_REQUIRED = gettext_lazy("Geef het document een titel.")
DOCUMENT_PERSON_NOT_ON_CASE = gettext_lazy("Kies alleen personen van deze casus.")
DOCUMENT_ALREADY_SUBMITTED = gettext_lazy("Dit formulier was al verstuurd: het document is één keer toegevoegd.")
DOCUMENT_VERSION_AUTHOR_ONLY = gettext_lazy(
    "Alleen de organisatie die het document toevoegde, voegt een nieuwe versie toe."
)
MEASURE_DECIDED_ON_REQUIRED = gettext_lazy("Geef de datum van de beschikking.")
MEASURE_ONLY_ON_BESCHIKKING = gettext_lazy("Een maatregel hoort alleen bij een beschikking.")


def _check_size(stream: IO[bytes]) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise ValidationError({"file": [str(FILE_EMPTY)]})
    if size > settings.DOCUMENT_MAX_BYTES:
        limit = round(settings.DOCUMENT_MAX_BYTES / (1024 * 1024), 1)
        raise ValidationError({"file": [str(DOCUMENT_TOO_LARGE % {"limit": f"{limit:g}"})]})
    return size


def _check_count(case: Case) -> None:
    if DocumentVersion.objects.filter(document__case=case).count() >= settings.DOCUMENT_MAX_PER_CASE:
        raise ValidationError({"file": [str(DOCUMENT_CASE_FULL % {"limit": settings.DOCUMENT_MAX_PER_CASE})]})


def _checked_file(stream: IO[bytes], name: str) -> tuple[str, str, int, str]:
    """(safe name, content type, size, sha256) of an acceptable file; ValidationError otherwise."""
    clean_name = safe_name(name)
    size = _check_size(stream)
    found = file_type_of(stream, clean_name)
    digest = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    stream.seek(0)
    return clean_name, found.content_type, size, digest.hexdigest()


def _store(document: Document, *, actor, stream: IO[bytes], name: str, number: int) -> DocumentVersion:
    """Save the file under a key of our own (never the uploader's name) and its version row; the scan
    is queued when the transaction commits."""
    _check_count(document.case)
    clean_name, content_type, size, sha256 = _checked_file(stream, name)
    key = f"cases/{document.case_id}/documents/{uuid.uuid4().hex}"
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        storage_key=key,
        original_name=clean_name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=actor,
    )
    saved = storages["documents"].save(key, File(stream, name=key))
    if saved != key:  # a storage that renamed our key: keep what it stored under
        version.storage_key = saved
        version.save(update_fields=["storage_key"])
    document_scan.delay_on_commit(version.pk)
    return version


def _measure_fields(kind: str, fields: dict) -> dict:
    measure = fields.get("measure") or ""
    decided_on, start, end = fields.get("decided_on"), fields.get("measure_start"), fields.get("measure_end")
    if kind != DocumentKind.BESCHIKKING:
        if measure or decided_on or start or end:
            raise ValidationError({"measure": [str(MEASURE_ONLY_ON_BESCHIKKING)]})
        return {}
    errors: dict[str, list[str]] = {}
    if measure not in Measure.values:
        errors["measure"] = [str(MEASURE_REQUIRED)]
    if decided_on is None:
        errors["decided_on"] = [str(MEASURE_DECIDED_ON_REQUIRED)]
    if start is None:
        errors["measure_start"] = [str(MEASURE_START_REQUIRED)]
    elif end is not None and end < start:
        errors["measure_end"] = [str(MEASURE_END_BEFORE_START)]
    if errors:
        raise ValidationError(errors)
    due = end - timedelta(days=settings.MEASURE_EXTENSION_LEAD_DAYS) if end is not None else None
    return {
        "measure": measure,
        "decided_on": decided_on,
        "measure_start": start,
        "measure_end": end,
        "extension_request_due": due,
    }


def _persons(case: Case, persons) -> list[Person]:
    chosen = list(persons or [])
    ids = {p.pk if isinstance(p, Person) else p for p in chosen}
    found = list(Person.objects.filter(case=case, removed_at__isnull=True, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"persons": [str(DOCUMENT_PERSON_NOT_ON_CASE)]})
    return found


@transaction.atomic
def document_add(
    *,
    actor,
    case: Case,
    kind: str,
    title: str,
    document_date: date,
    confidentiality: str,
    file: IO[bytes],
    filename: str,
    persons=(),
    submission_key: uuid.UUID | None = None,
    **measure,
) -> Document:
    """Anyone working on the case adds a document for their organisation, with its first file. The
    melder class is for Veilig Thuis only. A beschikking records its measure; with an end date it
    opens the deadline for the extension request (through the `beschikking_recorded` event). It
    concerns one or more children among its persons, and records its measure for each of them."""
    organisation = acting_organisation(actor, case)
    claim = submission_claim(
        actor=actor, key=submission_key, model=Document, case=case, message=DOCUMENT_ALREADY_SUBMITTED
    )
    require_open_case(case)
    errors: dict[str, list[str]] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = [str(DOCUMENT_KIND_UNKNOWN)]
    if not (title or "").strip():
        errors["title"] = [str(DOCUMENT_TITLE_REQUIRED)]
    if errors:
        raise ValidationError(errors)
    check_class(actor=actor, case=case, confidentiality=confidentiality, organisation=organisation)
    if confidentiality == Confidentiality.MELDER:
        organisation = vt_organisation(actor, case)  # written for Veilig Thuis, whatever else the author works for
    measure_fields = _measure_fields(kind, measure)
    chosen = _persons(case, persons)
    children = children_of(case, chosen)
    if kind == DocumentKind.BESCHIKKING and not children:
        raise ValidationError({"persons": [str(MEASURE_CHILD_REQUIRED)]})
    lock_row(case)  # the case's count limit holds under simultaneous uploads
    document = Document(
        case=case,
        kind=kind,
        title=title.strip(),
        document_date=document_date,
        author_organisation=organisation,
        confidentiality=confidentiality,
        retention_class=RETENTION_BY_KIND[kind],
        created_by=actor,
        **measure_fields,
    )
    full_clean_held(document)
    document.save()
    document.persons.set(chosen)
    _store(document, actor=actor, stream=file, name=filename, number=1)
    timeline_record(
        case=case,
        kind=EventKind.DOCUMENT_ADDED,
        actor=actor,
        organisation=organisation,
        occurred_at=document.created_at,
        summary=str(DocumentKind(kind).label),
        data={"document_id": document.pk, "kind": kind},
    )
    if kind == DocumentKind.BESCHIKKING:  # the measure, once per child it concerns (the metrics count these)
        child_measures_record(
            actor=actor,
            organisation=organisation,
            case=case,
            children=children,
            measure=measure_fields["measure"],
            decided_on=measure_fields["decided_on"],
            starts_on=measure_fields["measure_start"],
            planned_end=measure_fields["measure_end"],
            document=document,
            occurred_at=document.created_at,
        )
    # Only a measure with an end has an extension to request: the deadline reads extension_request_due.
    if document.measure_end is not None:
        timeline_record(
            case=case,
            kind=EventKind.BESCHIKKING_RECORDED,
            actor=actor,
            organisation=organisation,
            occurred_at=document.created_at,
            summary=str(Measure(document.measure).label),
            data={"document_id": document.pk, "measure": document.measure},
        )
    submission_done(claim, created=document, case=case)
    return document


@transaction.atomic
def document_version_add(*, actor, document: Document, file: IO[bytes], filename: str) -> DocumentVersion:
    """A new file for a document (read through the selectors): by its author organisation; the old
    versions stay."""
    case = document.case
    organisation = acting_organisation(actor, case)
    require_open_case(case)
    if organisation.pk != document.author_organisation_id:
        raise PermissionDenied(str(DOCUMENT_VERSION_AUTHOR_ONLY))
    lock_row(document)
    last = DocumentVersion.objects.filter(document=document).order_by("-number").values_list("number", flat=True)
    number = (last.first() or 0) + 1
    version = _store(document, actor=actor, stream=file, name=filename, number=number)
    Document.objects.filter(pk=document.pk).update(version=document.version + 1)
    document.version += 1
    return version
