"""Confidentiality below the case: who reads an item's content (notes, persons' details, partner
contributions, judgement texts, documents).

- gedeeld: everyone who may see the case;
- eigen_organisatie: participants of the item's organisation (an active, backed participation);
- melder: Veilig Thuis participants of the case only (facts that could lead back to the reporter).

Anyone else who may see the case learns "dat, niet wat": that the item exists, who wrote it, when and
for which organisation. The class is decided inside the query (`readable_by`), never in Python after
loading; `shown` hands a content column back as NULL to a reader without the class.

A page that reads several items of the same cases reads the reader's own participations on them once
(`reader_grants`) and passes them on: the class condition is then plain columns against those values,
instead of the same correlated subqueries again in every shown column of every query, which cost
PostgreSQL more to plan (tens of milliseconds on the case page) than to run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Confidentiality, Participant
from cases.selectors import participation_backed
from partners.models import Organisation, OrganisationKind

CLASS_UNKNOWN = _("Kies de vertrouwelijkheid.")
MELDER_VT_ONLY = _("Alleen Veilig Thuis legt informatie vast die herleidbaar is tot de melder.")
EIGEN_ORGANISATIE_NEEDS_ORGANISATION = _("Informatie voor de eigen organisatie vraagt een organisatie van de auteur.")
# What a reader without the class sees in place of the content.
NOT_READABLE = _("Vertrouwelijk: alleen zichtbaar voor de organisatie die het vastlegde.")


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def vt_participation(user, *, case=None) -> Exists:
    """An active, backed participation of `user` for Veilig Thuis on `case` (a case or an OuterRef;
    by default the outer row's `case_id`)."""
    case = OuterRef("case_id") if case is None else case
    if not _active(user):
        return Exists(Participant.objects.none())
    return Exists(
        Participant.objects.active()
        .filter(case=case, professional=user, organisation__kind=OrganisationKind.VEILIG_THUIS)
        .filter(participation_backed())
    )


def organisation_participation(user, *, case="case_id", organisation="organisation_id") -> Exists:
    """An active, backed participation of `user` on the outer row's case for the outer row's organisation
    (both given as the outer row's column names)."""
    if not _active(user):
        return Exists(Participant.objects.none())
    return Exists(
        Participant.objects.active()
        .filter(case=OuterRef(case), professional=user, organisation=OuterRef(organisation))
        .filter(participation_backed())
    )


@dataclasses.dataclass(frozen=True)
class ReaderGrants:
    """What a reader's own active, backed participations open on some cases (read by `reader_grants`):
    per case the organisations they take part for, and the cases where one of those is Veilig Thuis.
    Valid only for rows of `case_ids`; rows of any other case read as if the reader took no part in it."""

    case_ids: frozenset[int]
    organisations: Mapping[int, frozenset[int]] = dataclasses.field(default_factory=dict)
    vt_cases: frozenset[int] = frozenset()


def reader_grants(user, case_ids: Iterable[int]) -> ReaderGrants:
    """The reader's participations on these cases that count for the classes: the same rows that
    `organisation_participation` and `vt_participation` look for, in one query."""
    ids = frozenset(case_ids)
    if not _active(user) or not ids:
        return ReaderGrants(ids)
    organisations: dict[int, set[int]] = {}
    vt_cases = set()
    rows = (
        Participant.objects.active()
        .filter(case_id__in=ids, professional=user)
        .filter(participation_backed())
        .values_list("case_id", "organisation_id", "organisation__kind")
    )
    for case_id, organisation_id, kind in rows:
        organisations.setdefault(case_id, set()).add(organisation_id)
        if kind == OrganisationKind.VEILIG_THUIS:
            vt_cases.add(case_id)
    return ReaderGrants(ids, {k: frozenset(v) for k, v in organisations.items()}, frozenset(vt_cases))


def _granted_condition(grants: ReaderGrants, *, case: str, organisation: str, field: str) -> Q:
    """`readable_condition` with the reader's participations given: plain comparisons, one plan."""
    condition = Q(**{field: Confidentiality.GEDEELD})
    for case_id, organisation_ids in sorted(grants.organisations.items()):
        # IS NOT NULL keeps the answer a plain false (never NULL) for a row without an organisation.
        condition |= Q(
            **{
                field: Confidentiality.EIGEN_ORGANISATIE,
                case: case_id,
                f"{organisation}__isnull": False,
                f"{organisation}__in": sorted(organisation_ids),
            }
        )
    if grants.vt_cases:
        condition |= Q(**{field: Confidentiality.MELDER, f"{case}__in": sorted(grants.vt_cases)})
    return condition


def readable_condition(
    user,
    *,
    case="case_id",
    organisation="organisation_id",
    field="confidentiality",
    grants: ReaderGrants | None = None,
) -> Q:
    """The rows whose content `user` may read, for a model with a class column `field`, the case at the
    column `case` and the author's organisation at `organisation` (outer-row column names). With
    `grants` (`reader_grants` of this user, for the cases of the rows read) the same rule without
    subqueries."""
    if grants is not None:
        return _granted_condition(grants, case=case, organisation=organisation, field=field)
    return (
        Q(**{field: Confidentiality.GEDEELD})
        | (
            Q(**{field: Confidentiality.EIGEN_ORGANISATIE})
            & Q(organisation_participation(user, case=case, organisation=organisation))
        )
        | (Q(**{field: Confidentiality.MELDER}) & Q(vt_participation(user, case=OuterRef(case))))
    )


def with_readable(queryset: QuerySet, user, grants: ReaderGrants | None = None, **columns: str) -> QuerySet:
    """`queryset` with a boolean `readable` column: whether `user` may read each row's content."""
    return queryset.annotate(
        readable=ExpressionWrapper(readable_condition(user, grants=grants, **columns), output_field=BooleanField())
    )


def readable_by(queryset: QuerySet, user, grants: ReaderGrants | None = None, **columns: str) -> QuerySet:
    """Only the rows of `queryset` whose content `user` may read."""
    return queryset.filter(readable_condition(user, grants=grants, **columns))


def shown(column: str) -> SqlCase:
    """A content column as a reader sees it: the value where `readable`, else NULL (use after with_readable)."""
    return SqlCase(When(Q(readable=True), then=F(column)), default=Value(None))


def check_class(
    *, actor, case: Case, confidentiality: str, organisation: Organisation | None, field: str = "confidentiality"
) -> None:
    """The class an author may give an item: a known class; melder only for a Veilig Thuis participant of
    the case; eigen organisatie only with an author organisation. ValidationError on `field` otherwise."""
    if confidentiality not in Confidentiality.values:
        raise ValidationError({field: [str(CLASS_UNKNOWN)]})
    if confidentiality == Confidentiality.EIGEN_ORGANISATIE and organisation is None:
        raise ValidationError({field: [str(EIGEN_ORGANISATIE_NEEDS_ORGANISATION)]})
    if confidentiality == Confidentiality.MELDER:
        writes_for_vt = (
            Participant.objects.active()
            .filter(case=case, professional=actor, organisation__kind=OrganisationKind.VEILIG_THUIS)
            .filter(participation_backed())
            .exists()
        )
        if not writes_for_vt:
            raise ValidationError({field: [str(MELDER_VT_ONLY)]})
