"""Reads of a case's onderzoeken and destruction requests, from its timeline. Callers pass a case
they obtained through `cases.selectors.case_for` (need-to-know checked and logged)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, EventKind, Participant, TimelineEvent
from partners.models import OrganisationKind


class OnderzoekKind(models.TextChoices):
    VT = "vt", _("onderzoek Veilig Thuis")
    RVDK = "rvdk", _("onderzoek Raad voor de Kinderbescherming")


# An event recorded without the "onderzoek" key (older data) is told apart by its organisation.
KIND_OF_ORGANISATION: dict[str, str] = {
    OrganisationKind.VEILIG_THUIS: OnderzoekKind.VT,
    OrganisationKind.RVDK: OnderzoekKind.RVDK,
}


@dataclass
class Onderzoek:
    kind: str
    episode: int
    start: TimelineEvent
    end: TimelineEvent | None = None
    # False for an earlier episode: the case was closed since, so it no longer runs.
    current: bool = True

    @property
    def running(self) -> bool:
        return self.end is None and self.current

    @property
    def started_on(self) -> date:
        return _event_day(self.start)

    @property
    def ended_on(self) -> date | None:
        return _event_day(self.end) if self.end is not None else None

    def get_kind_display(self) -> str:
        return str(OnderzoekKind(self.kind).label)


def onderzoek_kinds_for(user, case: Case) -> set[str]:
    """The onderzoeken this user may record on the case: those of the organisations they take part for."""
    participations = Participant.objects.active().filter(case=case, professional=user)
    kinds = participations.values_list("organisation__kind", flat=True)
    return {KIND_OF_ORGANISATION[kind] for kind in kinds if kind in KIND_OF_ORGANISATION}


def _event_day(event: TimelineEvent) -> date:
    on = event.data.get("on")
    return date.fromisoformat(on) if isinstance(on, str) else timezone.localdate(event.occurred_at)


def _kind(event: TimelineEvent) -> str | None:
    kind = event.data.get("onderzoek")
    if kind in OnderzoekKind.values:
        return kind
    return KIND_OF_ORGANISATION.get(event.organisation.kind) if event.organisation is not None else None


def onderzoeken_of(case: Case) -> list[Onderzoek]:
    """The case's onderzoeken in time order; an end closes the running one of its kind (one query)."""
    events = (
        TimelineEvent.objects.filter(case=case, kind__in=[EventKind.ONDERZOEK_STARTED, EventKind.ONDERZOEK_COMPLETED])
        .select_related("actor", "organisation")
        .order_by("occurred_at", "id")
    )
    result: list[Onderzoek] = []
    running: dict[tuple[str, int], Onderzoek] = {}
    for event in events:
        kind = _kind(event)
        if kind is None:
            continue
        key = (kind, event.episode)
        if event.kind == EventKind.ONDERZOEK_STARTED:
            if key not in running:
                running[key] = Onderzoek(kind, event.episode, event, current=event.episode == case.episode)
                result.append(running[key])
        elif key in running:
            running.pop(key).end = event
    return result


@dataclass
class DestructionRequest:
    event: TimelineEvent
    person_id: int | None

    @property
    def requested_on(self) -> date:
        return _event_day(self.event)


def destruction_requests_of(case: Case) -> list[DestructionRequest]:
    """The case's registered destruction requests in time order (one query)."""
    events = (
        TimelineEvent.objects.filter(case=case, kind=EventKind.DESTRUCTION_REQUESTED)
        .select_related("actor", "organisation")
        .order_by("occurred_at", "id")
    )
    return [DestructionRequest(event=e, person_id=e.data.get("person_id")) for e in events]
