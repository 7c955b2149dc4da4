""" "Who looked at this file": the privacy officer's report for one case, read from the access log only.

The privacy officer of a case's team may see who read or changed the case and when, but never the
case's content: these selectors resolve only the case's id, reference and team, and they log the
report itself (a read of the report, or an export for the CSV).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cases.access_log.models import AccessAction, AccessLogEntry, AccessOutcome
from cases.access_log.services import Actor, access_log_rows, access_log_write, keyed_digest
from cases.models import Case, Participant, Person
from cases.participant_basis import basis_label
from cases.validators import bsn_from_input
from partners.models import Membership, Role
from partners.selectors import memberships_of
from security.digits import parse_id

REPORT_DETAIL = "access_report"


@dataclass(frozen=True)
class ReportCase:
    """What the privacy officer may know about the case: its identity, not its content."""

    id: int
    reference: str
    team_id: int


def _privacy_memberships(user) -> QuerySet[Membership]:
    return memberships_of(user).filter(role=Role.PRIVACY_OFFICER, team__isnull=False)


def _actor(user, membership: Membership | None, ip: str | None) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user_id=None, username="", ip_address=ip)
    if membership is None:
        return Actor(user_id=user.pk, username=user.get_username(), ip_address=ip)
    return Actor(
        user.pk, user.get_username(), membership.organisation_id, membership.organisation.name, membership.role, ip
    )


def access_report_case_for(
    user, case_id, *, ip: str | None = None, action: str = AccessAction.READ, detail: str = REPORT_DETAIL
) -> ReportCase:
    """The case's identity when the user is privacy officer of its team (logged); else Http404 (logged)."""
    case_pk = parse_id(case_id)
    memberships = list(_privacy_memberships(user)) if getattr(user, "is_authenticated", False) else []
    row = (
        Case.objects.filter(pk=case_pk, team_id__in=[m.team_id for m in memberships])
        .values("id", "reference", "team_id")
        .first()
        if case_pk is not None and memberships
        else None
    )
    if row is None:
        access_log_write(
            actor=_actor(user, memberships[0] if memberships else None, ip),
            action=action,
            outcome=AccessOutcome.DENIED,
            case_id=case_pk,
            detail=detail,
        )
        raise Http404("Casus niet gevonden")
    membership = next(m for m in memberships if m.team_id == row["team_id"])
    access_log_write(
        actor=_actor(user, membership, ip),
        action=action,
        outcome=AccessOutcome.ALLOWED,
        case_id=row["id"],
        detail=detail,
    )
    return ReportCase(**row)


def access_report_case_id_by_reference(user, reference: str) -> int | None:
    """Find the case id for a reference among the privacy officer's teams (nothing else is revealed)."""
    team_ids = list(_privacy_memberships(user).values_list("team_id", flat=True))
    if not team_ids or not reference.strip():
        return None
    return (
        Case.objects.filter(reference__iexact=reference.strip(), team_id__in=team_ids)
        .values_list("id", flat=True)
        .first()
    )


def is_privacy_officer(user) -> bool:
    return getattr(user, "is_authenticated", False) and _privacy_memberships(user).exists()


def access_report_rows(report_case: ReportCase) -> QuerySet[AccessLogEntry]:
    """Every allowed read, change, creation and export of the case, oldest first."""
    return (
        access_log_rows()
        .filter(case_id=report_case.id, outcome=AccessOutcome.ALLOWED)
        .exclude(detail=REPORT_DETAIL)
        .order_by("at", "id")
        .only(
            "at", "user_id", "username", "organisation_id", "organisation_name", "role", "action", "detail", "person_id"
        )
    )


READ_AS_COORDINATOR = _("coördinator van het team")


@dataclass(frozen=True)
class _Participation:
    professional_id: int
    organisation_id: int
    started_at: datetime
    ended_at: datetime | None
    label: str


def _participations(report_case: ReportCase) -> list[_Participation]:
    """Every participation the case ever had with its basis in a few words: one query, no case content."""
    rows = (
        Participant.objects.filter(case_id=report_case.id)
        .order_by("started_at", "id")
        .values_list(
            "professional_id",
            "organisation_id",
            "started_at",
            "ended_at",
            "basis_kind",
            "legal_basis__title",
            "consent__given_by",
        )
    )
    return [
        _Participation(
            professional_id,
            organisation_id,
            started_at,
            ended_at,
            basis_label(basis_kind=kind, legal_basis_title=title or "", consent_given_by=given_by or ""),
        )
        for professional_id, organisation_id, started_at, ended_at, kind, title, given_by in rows
    ]


def reader_bases(report_case: ReportCase, rows: list[AccessLogEntry]) -> list[str]:
    """For each log row, the basis its user acted on: that of their participation (for the organisation
    they acted for) running at the moment of the row, or "coördinator van het team"; empty when none."""
    participations = _participations(report_case)

    def basis_at(row: AccessLogEntry) -> str:
        if row.role == Role.COORDINATOR:
            return str(READ_AS_COORDINATOR)
        running = [
            p
            for p in participations
            if p.professional_id == row.user_id
            and p.organisation_id == row.organisation_id
            and p.started_at <= row.at
            and (p.ended_at is None or row.at <= p.ended_at)
        ]
        return running[0].label if running else ""

    return [basis_at(row) for row in rows]


SEARCH_DETAIL = "access_report:search"


def access_report_search(user, term: str, *, ip: str | None = None) -> list[ReportCase]:
    """Cases of the privacy officer's teams with a family member of this name (part) or BSN (whole),
    at most 50; only the cases' identities. One log row per search: the term's length, or for a BSN
    its keyed digest (as the BSN search of the case lists), never the term itself."""
    memberships = list(_privacy_memberships(user))
    team_ids = [m.team_id for m in memberships]
    term = term.strip()
    bsn = bsn_from_input(term)
    is_bsn = len(bsn) == 9 and bsn.isdigit()
    detail = f"{SEARCH_DETAIL};bsn={_bsn_digest(bsn)}" if is_bsn else f"{SEARCH_DETAIL};len={len(term)}"
    access_log_write(
        actor=_actor(user, memberships[0] if memberships else None, ip),
        action=AccessAction.SEARCH,
        outcome=AccessOutcome.ALLOWED,
        detail=detail,
    )
    if not team_ids or not term:
        return []
    persons = Person.objects.filter(case__team_id__in=team_ids)
    persons = persons.filter(bsn=bsn) if is_bsn else persons.filter(full_name__icontains=term)
    rows = (
        Case.objects.filter(pk__in=persons.values("case_id"))
        .order_by("reference")
        .values("id", "reference", "team_id")[:50]
    )
    return [ReportCase(**row) for row in rows]


def _bsn_digest(bsn: str) -> str:
    # As `cases.selectors.bsn_digest`: repeats of one search can be told apart, the BSN is not in the log.
    return keyed_digest("bsn-search", bsn)[:32]
