"""Reads of the bases of one case (obtained through `cases.selectors.case_for`)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from cases.models import Case, Consent, LegalBasis, Participant, Person
from cases.record_reads import readable_persons


def consents_of(case: Case, user) -> QuerySet[Consent]:
    """The case's consents, each with how many active participations rest on it, and the name of the
    person who gave it as `person_name` where `user` may read that person's details (else NULL)."""
    names = readable_persons(user, Person.objects.filter(pk=OuterRef("person_id"))).values("full_name")
    return (
        Consent.objects.filter(case=case)
        .annotate(
            active_participations=Count("participations", filter=Q(participations__ended_at__isnull=True)),
            person_name=Subquery(names[:1]),
        )
        .order_by("given_on", "id")
    )


def consent_of(case: Case, consent_id: int) -> Consent | None:
    return Consent.objects.filter(case=case, pk=consent_id).select_related("case", "person").first()


def participations_with_basis(case: Case) -> QuerySet[Participant]:
    """Every participation of the case, running first, with what it rests on."""
    return (
        Participant.objects.filter(case=case)
        .select_related("organisation", "professional", "legal_basis", "consent")
        .order_by("ended_at", "started_at", "id")
    )


def legal_bases_active() -> QuerySet[LegalBasis]:
    return LegalBasis.objects.filter(active=True)
