"""Timeline events, and the one hook by which later stages (workflows) react to them.

Every service that changes a case records a timeline event here; subscribers registered with
`on_event` run in the same transaction, so a deadline opens or closes together with its event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Case, EventKind, TimelineEvent
from cases.replay_batch import timeline_event_held

Handler = Callable[[TimelineEvent], None]


def as_utc(moment: datetime) -> datetime:
    """The moment as an aware UTC datetime. A naive one is taken as UTC (as `datetime.utcnow()` and
    a database without time zones give it). Every moment on the timeline is stored and handed to the
    subscribers in this form, so their arithmetic is the same however the caller wrote the time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_handlers: dict[str, list[Handler]] = defaultdict(list)


def on_event(*kinds: str) -> Callable[[Handler], Handler]:
    """Register a handler for timeline events of these kinds (called from an AppConfig.ready)."""

    def register(handler: Handler) -> Handler:
        for kind in kinds:
            if handler not in _handlers[kind]:
                _handlers[kind].append(handler)
        return handler

    return register


def timeline_record(
    *,
    case: Case,
    kind: str,
    actor=None,
    organisation=None,
    occurred_at: datetime | None = None,
    summary: str = "",
    data: dict | None = None,
) -> TimelineEvent:
    """Append an event to the case's timeline and let subscribers react in this transaction."""
    event = TimelineEvent(
        case=case,
        kind=kind,
        actor=actor,
        organisation=organisation,
        occurred_at=as_utc(occurred_at) if occurred_at is not None else timezone.now(),
        episode=case.episode,
        summary=summary[:500],
        data=data or {},
    )
    if not timeline_event_held(event):  # an import's batch inserts the case's events together
        event.save(force_insert=True)
    _notify(event)
    return event


def timeline_replay(events: Iterable[TimelineEvent]) -> int:
    """Let the subscribers react to events that were written without `timeline_record` (the demo's
    bulk seed), one by one in the given order, as if each had just been recorded. Returns the count."""
    count = 0
    for event in events:
        _notify(event)
        count += 1
    return count


def _notify(event: TimelineEvent) -> None:
    for handler in _handlers.get(event.kind, ()):
        handler(event)


K = EventKind
# The case page's timeline filter: every kind belongs to one group (a test checks a new kind is placed).
TIMELINE_GROUPS: dict[str, tuple[str | Promise, tuple[str, ...]]] = {
    "casus": (
        _("casus"),
        (
            K.CASE_OPENED,
            K.MELDING_RECEIVED,
            K.VERZOEK_RECEIVED,
            K.CASE_CHANGED,
            K.VAST_GEZICHT_ASSIGNED,
            K.REPORTER_RECORDED,
            K.REPORTER_FEEDBACK_RECORDED,
        ),
    ),
    "status": (_("status"), (K.STATUS_CHANGED, K.CASE_REOPENED, K.CRISIS_FLAGGED, K.CRISIS_RESOLVED)),
    "beoordeling": (
        _("beoordeling"),
        (
            K.CONTRIBUTION_REQUESTED,
            K.CONTRIBUTION_ADDED,
            K.CONTRIBUTION_CORRECTED,
            K.JUDGEMENT_RECORDED,
            K.JUDGEMENT_AMENDED,
            K.AGREEMENT_RECORDED,
            K.DISSENT_RECORDED,
            K.CONDITION_AGREED,
            K.CONDITION_CHECKED,
            K.CONDITION_BREACHED,
        ),
    ),
    "inzet": (_("inzet"), (K.INTERVENTION_AGREED, K.INTERVENTION_STARTED, K.INTERVENTION_ENDED)),
    "veiligheidsplan": (
        _("veiligheidsplan"),
        (K.SAFETY_PLAN_RECORDED, K.PLAN_EVALUATION_PLANNED, K.SAFETY_PLAN_AGREED),
    ),
    "onderzoek": (
        _("onderzoek"),
        (
            K.ONDERZOEK_STARTED,
            K.ONDERZOEK_COMPLETED,
            K.DESTRUCTION_REQUESTED,
            # Retention and the family's requests (cases.retention, cases.requests).
            K.DESTRUCTION_DECIDED,
            K.FAMILY_REQUEST_RECEIVED,
            K.FAMILY_REQUEST_EXTENDED,
            K.FAMILY_REQUEST_DECIDED,
            K.CASE_DESTROYED,
        ),
    ),
    "overleg": (_("overleg"), (K.PLACED_ON_AGENDA, K.DISCUSSED_IN_MEETING)),
    "personen": (
        _("personen"),
        (
            K.PERSON_ADDED,
            K.PERSON_CHANGED,
            K.PERSON_REMOVED,
            K.PARTICIPANT_ADDED,
            K.PARTICIPANT_ENDED,
            K.CONSENT_WITHDRAWN,
        ),
    ),
    "notities": (_("notities"), (K.NOTE_ADDED, K.NOTE_CORRECTED)),
    "documenten": (
        _("documenten"),
        (K.DOCUMENT_ADDED, K.BESCHIKKING_RECORDED, K.MEASURE_RECORDED, K.MEASURE_ENDED),
    ),
}


def timeline_kinds(groups: Iterable[str]) -> list[str]:
    """The event kinds of these filter groups (unknown group names are ignored)."""
    return [str(kind) for group in groups if group in TIMELINE_GROUPS for kind in TIMELINE_GROUPS[group][1]]
