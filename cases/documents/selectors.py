"""Need-to-know reads of a case's documents. Callers pass a case they got through the one door
(`cases.selectors.case_for`, need-to-know checked and logged).

The confidentiality class is applied inside the query (docs: issue 17's classes):
- gedeeld: everyone who may see the case reads it;
- eigen_organisatie: participants of the author's organisation (an active, backed participation);
- melder: Veilig Thuis participants of the case only.
Anyone else on the case learns "dat, niet wat": that the document exists, its kind, who added it,
when, and for which organisation; the title, the persons, the file names and the files stay in the
database for them (the columns come back NULL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from cases.confidentiality import ReaderGrants, readable_condition, with_readable
from cases.documents.models import (
    ChildMeasure,
    Confidentiality,
    Document,
    DocumentKind,
    DocumentVersion,
    VersionStatus,
)
from cases.models import Case, Person
from security.digits import parse_id


def _with_reader(user, documents: QuerySet[Document], grants: ReaderGrants | None = None) -> QuerySet[Document]:
    return with_readable(documents, user, grants, organisation="author_organisation_id")


def documents_readable_by(user, case: Case) -> QuerySet[Document]:
    """The case's documents whose content `user` may read."""
    return _with_reader(user, Document.objects.filter(case=case)).filter(Q(readable=True))


def document_for(user, case: Case, document_id) -> Document:
    """One document of the case whose content `user` may read; Http404 otherwise (also for "dat" only)."""
    pk = parse_id(document_id)
    document = (
        documents_readable_by(user, case).select_related("author_organisation", "created_by").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if document is None:
        raise Http404("Document niet gevonden")
    document.case = case
    return document


def version_for_download(user, case: Case, document_id, version_id) -> DocumentVersion:
    """A version that may be downloaded: its document readable by `user`, the version scanned clean."""
    document = document_for(user, case, document_id)
    version = (
        DocumentVersion.objects.filter(document=document, pk=version_id, status=VersionStatus.BESCHIKBAAR)
        .select_related("document")
        .first()
    )
    if version is None:
        raise Http404("Versie niet gevonden")
    version.document = document
    return version


def measures_of(document: Document) -> list[ChildMeasure]:
    """The children's measures of a beschikking the caller may read (obtained through document_for)."""
    rows = list(
        ChildMeasure.objects.filter(document=document).select_related("child").order_by("child__full_name", "id")
    )
    for row in rows:
        row.case = document.case
    return rows


def measure_for(user, case: Case, document_id, measure_id) -> ChildMeasure:
    """One child's measure of a beschikking that `user` may read; Http404 otherwise."""
    document = document_for(user, case, document_id)
    pk = parse_id(measure_id)
    measure = ChildMeasure.objects.filter(document=document, pk=pk).first() if pk is not None else None
    if measure is None:
        raise Http404("Maatregel niet gevonden")
    measure.case, measure.document = case, document
    return measure


def versions_of(document: Document) -> list[DocumentVersion]:
    """Every version of a document the caller may read (obtained through document_for), newest first."""
    return list(DocumentVersion.objects.filter(document=document).select_related("uploaded_by").order_by("-number"))


@dataclass(frozen=True)
class DocumentRow:
    """A document as the case page lists it. For a reader without the class, title/persons/file are None."""

    id: int
    kind: str
    kind_label: str
    confidentiality: str
    confidentiality_label: str
    document_date: date | None
    author_organisation: str
    created_by: str
    created_at: datetime
    versions: int
    status: str
    readable: bool
    title: str | None
    latest_version_id: int | None
    persons: str | None


def _name(row: Mapping[str, Any]) -> str:
    return f"{row['created_by__first_name']} {row['created_by__last_name']}".strip() or row["created_by__username"]


class _JoinedNames(StringAgg):
    """STRING_AGG(name, ', ' ORDER BY name) on PostgreSQL. SQLite (the quick start) knows no ordered
    aggregate before 3.44: GROUP_CONCAT there, the names in the order the rows come."""

    def as_sqlite(self, compiler, connection, **extra_context):
        plain = self.copy()
        plain.order_by = None
        plain.function = "GROUP_CONCAT"
        plain.template = "%(function)s(%(distinct)s%(expressions)s)"
        return plain.as_sql(compiler, connection)


def _person_names(user, grants: ReaderGrants | None = None) -> Subquery:
    """The names of the outer document's persons whose details `user` may read (the persons' own class,
    cases.confidentiality), joined by commas, as one column of the documents' query."""
    readable = Person.objects.filter(readable_condition(user, grants=grants)).values("pk")
    names = (
        Document.persons.through.objects.filter(document_id=OuterRef("pk"), person_id__in=readable)
        .values("document_id")
        .annotate(names=_JoinedNames("person__full_name", delimiter=", ", order_by="person__full_name"))
        .values("names")  # type: ignore[misc]  # an annotation the plugin does not follow
    )
    return Subquery(names[:1])


def document_rows_of(user, case: Case, grants: ReaderGrants | None = None) -> list[DocumentRow]:
    """The case's documents as anyone on the case may know them, in one query whatever their number
    (class decided by the database; the persons' names too, each by that person's own class).
    `grants`: the reader's `cases.confidentiality.reader_grants` for the case, where read already."""
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    rows = list(
        _with_reader(user, Document.objects.filter(case=case), grants)
        .annotate(
            version_count=Count("versions"),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_id=Subquery(latest.values("pk")[:1]),
            shown_title=SqlCase(When(Q(readable=True), then=F("title")), default=Value(None)),
            shown_date=SqlCase(When(Q(readable=True), then=F("document_date")), default=Value(None)),
            shown_persons=SqlCase(When(Q(readable=True), then=_person_names(user, grants)), default=Value(None)),
        )
        .order_by("-created_at", "-id")
        .values(
            "id",
            "kind",
            "confidentiality",
            "shown_date",
            "author_organisation__name",
            "created_by__first_name",
            "created_by__last_name",
            "created_by__username",
            "created_at",
            "version_count",
            "latest_status",
            "latest_id",
            "readable",
            "shown_title",
            "shown_persons",
        )
    )
    result = []
    for row in rows:
        readable = bool(row["readable"])
        result.append(
            DocumentRow(
                id=row["id"],
                kind=row["kind"],
                kind_label=str(DocumentKind(row["kind"]).label),
                confidentiality=row["confidentiality"],
                confidentiality_label=str(Confidentiality(row["confidentiality"]).label),
                document_date=row["shown_date"],
                author_organisation=row["author_organisation__name"],
                created_by=_name(row),
                created_at=row["created_at"],
                versions=row["version_count"],
                status=str(VersionStatus(row["latest_status"]).label) if row["latest_status"] else "",
                readable=readable,
                title=row["shown_title"] if readable else None,
                latest_version_id=row["latest_id"]
                if readable and row["latest_status"] == VersionStatus.BESCHIKBAAR
                else None,
                persons=row["shown_persons"] or "" if readable else None,
            )
        )
    return result


def persons_of_case(case: Case, user) -> QuerySet[Person]:
    """The persons a document may concern: the case's, not removed, whose details `user` may read."""
    return (
        Person.objects.filter(case=case, removed_at__isnull=True).filter(readable_condition(user)).order_by("full_name")
    )
