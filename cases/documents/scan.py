"""The virus scanner's verdict on an uploaded version (run by the Celery task `cases.document_scan`)."""

from __future__ import annotations

import logging

from django.core.files.storage import storages
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from cases.documents.models import DocumentVersion, VersionStatus
from cases.documents.scanning import scanner

logger = logging.getLogger(__name__)


def document_version_scan(*, version_id: int) -> str | None:
    """Give a waiting version the scanner's verdict: clean makes it available, a hit quarantines it
    (the file is removed from the store, its row stays) and tells the uploader. Idempotent: a version
    that already has its verdict is left as it is. Raises ScannerUnavailable when no verdict came."""
    version = (
        DocumentVersion.objects.filter(pk=version_id, status=VersionStatus.WORDT_GECONTROLEERD)
        .select_related("uploaded_by", "document")
        .first()
    )
    if version is None:
        return None
    store = storages["documents"]
    with store.open(version.storage_key, "rb") as stream:
        verdict = scanner().scan(stream)
    with transaction.atomic():
        claimed = DocumentVersion.objects.filter(pk=version.pk, status=VersionStatus.WORDT_GECONTROLEERD).update(
            status=VersionStatus.BESCHIKBAAR if verdict.clean else VersionStatus.QUARANTAINE,
            scanned_at=timezone.now(),
            scan_result="" if verdict.clean else verdict.signature,
        )
    if not claimed:
        return None
    if verdict.clean:
        return VersionStatus.BESCHIKBAAR
    # Quarantined: the content leaves the store so no path can ever serve it; the row keeps the trace.
    store.delete(version.storage_key)
    logger.warning("document version %s quarantined: %s", version.pk, verdict.signature)
    _report_hit(version)
    return VersionStatus.QUARANTAINE


def _report_hit(version: DocumentVersion) -> None:
    """Tell the uploader, without the file's name or the document's title (e-mail is not need-to-know)."""
    address = version.uploaded_by.email
    if not address:
        return
    send_mail(
        gettext("Een bestand is tegengehouden door de virusscanner"),
        gettext(
            "Het bestand dat u op %(moment)s aan een document bij casus %(case)s toevoegde, bevat mogelijk een "
            "virus (%(signature)s). Het is niet bewaard en voor niemand zichtbaar. Voeg een schone versie toe."
        )
        % {
            "moment": date_format(timezone.localtime(version.uploaded_at), "j F Y H:i"),
            "case": version.document.case_id,
            "signature": version.scan_result or "onbekend",
        },
        None,
        [address],
    )
