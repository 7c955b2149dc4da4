"""Need-to-know reads of a case's melder. Callers pass a case they got through the one door
(`cases.selectors.case_for`, need-to-know checked and logged).

Two audiences, told apart inside the query itself, never by filtering rows already loaded:
- Veilig Thuis participants of the case (an active participation for an organisation of kind
  veilig_thuis, backed by a working membership) read the whole record;
- everyone else who may see the case — other partners, the coordinator, anyone — learns only "dat,
  niet wat": that a record exists, who recorded it and when, and whether the feedback was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, F, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.shortcuts import get_object_or_404

from cases.confidentiality import vt_participation
from cases.models import Case
from cases.reporters.models import Reporter


def reporters_readable_by(user, case: Case) -> QuerySet[Reporter]:
    """The case's melder records with their content: rows only for a Veilig Thuis participant."""
    return (
        Reporter.objects.filter(case=case)
        .filter(vt_participation(user))
        .select_related("recorded_by", "organisation", "feedback_recorded_by")
    )


def reporter_for(user, case: Case, reporter_id) -> Reporter:
    """One melder record of the case for a Veilig Thuis participant; Http404 for anyone else."""
    return get_object_or_404(reporters_readable_by(user, case), pk=reporter_id)


def may_read_reporters(user, case: Case) -> bool:
    """Whether `user` reads the melder's content on this case (one query)."""
    return Case.objects.filter(pk=case.pk).filter(vt_participation(user, case=OuterRef("pk"))).exists()


@dataclass(frozen=True)
class ReporterTrace:
    """ "Dat, niet wat": what anyone on the case may know of a melder record."""

    id: int
    episode: int
    recorded_at: datetime
    recorded_by: str
    organisation: str
    feedback_recorded_at: datetime | None
    # Veilig Thuis only (None for anyone else): the content the case page shows them.
    anonymity_promised: bool | None = None


_TRACE_FIELDS = (
    "id",
    "episode",
    "recorded_at",
    "recorded_by__first_name",
    "recorded_by__last_name",
    "recorded_by__username",
    "organisation__name",
    "feedback_recorded_at",
)


def _trace(row: dict) -> ReporterTrace:
    name = f"{row['recorded_by__first_name']} {row['recorded_by__last_name']}".strip()
    return ReporterTrace(
        id=row["id"],
        episode=row["episode"],
        recorded_at=row["recorded_at"],
        recorded_by=name or row["recorded_by__username"],
        organisation=row["organisation__name"],
        feedback_recorded_at=row["feedback_recorded_at"],
        anonymity_promised=row.get("vt_anonymity_promised"),
    )


def reporter_traces_of(user, case: Case) -> list[ReporterTrace]:
    """The case's melder records as anyone on the case may know them, in one query. For a Veilig
    Thuis participant the database adds whether anonymity was promised; for anyone else that column
    comes back NULL, so no content ever leaves the database for them."""
    rows = (
        Reporter.objects.filter(case=case)
        .annotate(
            vt_reader=vt_participation(user),
            vt_anonymity_promised=SqlCase(
                When(Q(vt_reader=True), then=F("anonymity_promised")),
                default=Value(None),
                output_field=BooleanField(null=True),
            ),
        )
        .order_by("episode", "id")
        .values(*_TRACE_FIELDS, "vt_anonymity_promised")
    )
    return [_trace(row) for row in rows]
