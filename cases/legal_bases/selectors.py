"""Reads of the bases of one case (obtained through `cases.selectors.case_for`)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.models import Case, Consent, LegalBasis, Participant


def consents_of(case: Case) -> QuerySet[Consent]:
    """The case's consents, each with how many active participations rest on it."""
    return (
        Consent.objects.filter(case=case)
        .select_related("person")
        .annotate(active_participations=Count("participations", filter=Q(participations__ended_at__isnull=True)))
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
