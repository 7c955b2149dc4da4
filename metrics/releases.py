"""Frozen releases: an evaluator publishes a quarter; its figures are computed once, on one snapshot, and
stored as the bytes every later download returns. A correction is a new version with a changelog.

Publishing is idempotent: the figures are computed and compared with the latest version of the quarter;
the same figures (a double click, or nothing changed since) give that version back instead of a new one.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import Actor, access_log_write
from metrics.access import is_evaluator
from metrics.definitions import QUARTER, Filters, period_end
from metrics.exports import filters_json
from metrics.models import MetricsRelease
from metrics.report import as_json, published_tables
from security.spreadsheet import write_csv

QUARTER_NOT_OVER = _("Een kwartaal kan pas worden gepubliceerd als het voorbij is (na %(date)s).")
CHANGELOG_REQUIRED = _(
    "Dit kwartaal is al gepubliceerd (versie %(version)s) en de cijfers zijn sindsdien veranderd. "
    "Beschrijf wat er is gecorrigeerd; de correctie wordt versie %(next)s."
)
NOT_AN_EVALUATOR = _("Alleen evaluatoren publiceren kerncijfers.")
FORMAT_VERSION = 1  # of the release files' layout; part of the content, so a new layout is a new version


def quarter_filters(year: int, quarter: int) -> Filters:
    """The release's fixed filters: the whole quarter, per quarter, every team and municipality; the
    stock on its last day; deadlines judged "open past the norm" at its end."""
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = period_end(start, QUARTER)
    tz = timezone.get_default_timezone()
    as_of = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    return Filters(date_from=start, date_to=end, granularity=QUARTER, peildatum=end, as_of=as_of)


def release_content(filters: Filters) -> tuple[bytes, bytes]:
    """The published (suppressed) tables as CSV and as JSON, in Dutch, computed on one snapshot."""
    with _snapshot(), translation.override("nl"):
        tables = published_tables(filters)
        out = io.StringIO(newline="")
        for index, table in enumerate(tables):
            if index:
                out.write("\n")
            write_csv(out, ["tabel", *table.header()], ([table.key, *row] for row in table.flat_rows()))
        document = {"format_version": FORMAT_VERSION, "filters": filters_json(filters), "tables": as_json(tables)}
        text = json.dumps(document, ensure_ascii=False, indent=1, default=str)
    return out.getvalue().encode(), (text + "\n").encode()


class _snapshot:
    """One REPEATABLE READ transaction for all the queries (when this opens the transaction; inside
    one, e.g. a test, its snapshot rules)."""

    def __enter__(self):
        self._outer = connection.get_autocommit()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        if self._outer and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return self

    def __exit__(self, *exc):
        return self._atomic.__exit__(*exc)


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def release_publish(*, actor: Actor, user, year: int, quarter: int, changelog: str = "") -> tuple[MetricsRelease, bool]:
    """Publish the quarter, or find it published: (the release, whether it is new)."""
    if not is_evaluator(user):
        raise PermissionDenied(str(NOT_AN_EVALUATOR))
    filters = quarter_filters(year, quarter)
    if filters.date_to >= timezone.localdate():
        raise ValidationError({"quarter": str(QUARTER_NOT_OVER) % {"date": date_format(filters.date_to, "j F Y")}})
    csv_bytes, json_bytes = release_content(filters)
    csv_hash, json_hash = _digest(csv_bytes), _digest(json_bytes)
    changelog = changelog.strip()
    with transaction.atomic():
        # One publisher per quarter at a time: a second click waits, then finds the first one's release.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x4D52, year * 10 + quarter])
        latest = MetricsRelease.objects.filter(period_start=filters.date_from).order_by("-version").first()
        if latest is not None and latest.csv_sha256 == csv_hash and latest.json_sha256 == json_hash:
            return latest, False
        if latest is not None and not changelog:
            raise ValidationError(
                {"changelog": str(CHANGELOG_REQUIRED) % {"version": latest.version, "next": latest.version + 1}}
            )
        release = MetricsRelease.objects.create(
            period_start=filters.date_from,
            period_end=filters.date_to,
            version=1 if latest is None else latest.version + 1,
            published_by=user,
            changelog=changelog,
            csv=csv_bytes,
            json=json_bytes,
            csv_sha256=csv_hash,
            json_sha256=json_hash,
        )
    access_log_write(
        actor=actor,
        action=AccessAction.EXPORT,
        outcome=AccessOutcome.ALLOWED,
        detail=f"metrics-release publish period={filters.date_from.isoformat()} version={release.version}",
    )
    return release, True


def releases_for(user) -> QuerySet[MetricsRelease]:
    """Every release, for evaluators (they are public figures among evaluators); nothing for others.
    Without the stored bytes: a list does not load them."""
    if not is_evaluator(user):
        return MetricsRelease.objects.none()
    return MetricsRelease.objects.select_related("published_by").defer("csv", "json")


def release_for(user, release_id: int) -> MetricsRelease:
    release = MetricsRelease.objects.filter(pk=release_id).first() if is_evaluator(user) else None
    if release is None:
        raise Http404
    return release


def release_downloaded(actor: Actor, release: MetricsRelease, fmt: str) -> None:
    access_log_write(
        actor=actor,
        action=AccessAction.EXPORT,
        outcome=AccessOutcome.ALLOWED,
        detail=f"metrics-release download id={release.pk} version={release.version} format={fmt}",
    )
