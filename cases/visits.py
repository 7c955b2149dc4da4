"""What is new on my cases: the last time a user opened each case's page, and the cases with
activity by someone else since then (the start page's "Nieuw sinds uw laatste bezoek")."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.models import Case, CaseVisit, TimelineEvent
from cases.selectors import cases_participating

NEW_ACTIVITY_LISTED = 10


def case_visit_record(*, user, case: Case) -> None:
    """Remember that `user` opened `case` now: one upsert, whatever was there before."""
    CaseVisit.objects.bulk_create(
        [CaseVisit(user=user, case=case, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "case"],
        update_fields=["seen_at"],
    )


def cases_with_new_activity(user) -> QuerySet[Case]:
    """The cases the user takes part in where someone else added to the timeline after the user last
    opened the case (or ever, when they never did), newest activity first, with `last_activity_at`
    and `last_seen_at`. One query: the visit and the events are subqueries."""
    seen = CaseVisit.objects.filter(user=user, case=OuterRef("pk")).values("seen_at")[:1]
    by_others = TimelineEvent.objects.filter(case=OuterRef("pk")).exclude(actor=user)
    latest = by_others.order_by("-occurred_at").values("occurred_at")[:1]
    return (
        cases_participating(user)
        .annotate(last_seen_at=Subquery(seen), last_activity_at=Subquery(latest))
        .filter(
            Q(last_activity_at__gt=F("last_seen_at")) | Q(last_seen_at__isnull=True, last_activity_at__isnull=False)
        )
        .order_by("-last_activity_at", "-id")
    )
