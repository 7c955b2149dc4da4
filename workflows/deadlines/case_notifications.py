"""Notifications of what happens on a case that a professional must act on (DESIGN.md §8).

Timeline hooks (registered in `WorkflowsConfig.ready`) write, in the transaction of the service that
recorded the event, one in-app Notification per recipient; the unique key (event, user) makes that
exactly-once, also when an event is replayed or a handler retried. E-mails go out afterwards through
the reminders' machinery (`notifications.notification_email_send`, claim and lease), at once or in the
daily digest as each user chose per kind; safety signals always at once (`SAFETY_SIGNALS`).

Recipients follow need-to-know (`recipients.case_access`), here and again right before the e-mail.
Events replayed in bulk (an import, the demo seed: `services.bulk_replay_running`) and past events that
reach the hooks again are history: nobody is told now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.assessments.models import JointJudgement, Veiligheidsvoorwaarde
from cases.models import EventKind, Participant, TimelineEvent
from workflows.deadlines.dispatch import SEND_NOTIFICATION_EMAIL, task
from workflows.deadlines.models import (
    SAFETY_SIGNALS,
    Delivery,
    Notification,
    NotificationKind,
    NotificationKindPreference,
)
from workflows.deadlines.recipients import CaseAccess, case_access
from workflows.deadlines.services import bulk_replay_running

# Older events are history when they reach the hooks (imported or seeded): no notification.
NOTIFY_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class Message:
    kind: str
    recipients: Sequence[int | None]  # in order, may repeat or be empty (None): each is notified once
    title: str
    url: str


def _case_url(event: TimelineEvent) -> str:
    return reverse("case-detail", kwargs={"case_id": event.case_id})


def _assessment_url(event: TimelineEvent, assessment_id) -> str:
    if not assessment_id:
        return _case_url(event)
    return reverse("assessment-detail", kwargs={"case_id": event.case_id, "assessment_id": assessment_id})


def _coordinators(event: TimelineEvent, access: CaseAccess) -> list[int]:
    return access.coordinators.get(event.case.team_id, [])


def _condition_breached(event: TimelineEvent, access: CaseAccess) -> Message:
    """A safety signal: the condition's owner, the vast gezicht and the team's coordinators."""
    condition = Veiligheidsvoorwaarde.objects.filter(pk=event.data.get("condition_id"), case_id=event.case_id).first()
    return Message(
        kind=NotificationKind.CONDITION_BREACHED,
        recipients=[
            condition.owner_id if condition else None,
            event.case.vast_gezicht_id,
            *_coordinators(event, access),
        ],
        title=_("Veiligheidsvoorwaarde niet nagekomen in %(ref)s.") % {"ref": event.case.reference},
        url=_case_url(event),
    )


def _crisis_flagged(event: TimelineEvent, access: CaseAccess) -> Message:
    """A safety signal: the team's coordinators and everyone working on the case."""
    return Message(
        kind=NotificationKind.CRISIS_FLAGGED,
        recipients=[*_coordinators(event, access), *sorted(access.on_case(event.case_id))],
        title=_("Acute onveiligheid gemeld in %(ref)s: gezamenlijk oordeel binnen één werkdag.")
        % {"ref": event.case.reference},
        url=_case_url(event),
    )


def _participant_added(event: TimelineEvent, access: CaseAccess) -> Message:
    participant = Participant.objects.filter(pk=event.data.get("participant_id"), case_id=event.case_id).first()
    return Message(
        kind=NotificationKind.PARTICIPANT_ADDED,
        recipients=[participant.professional_id] if participant else [],
        title=_("U bent toegevoegd aan casus %(ref)s.") % {"ref": event.case.reference},
        url=_case_url(event),
    )


def _contribution_requested(event: TimelineEvent, access: CaseAccess) -> Message:
    organisation_id = event.data.get("organisation_id")
    return Message(
        kind=NotificationKind.CONTRIBUTION_REQUESTED,
        recipients=list(access.involved.get((event.case_id, organisation_id), [])),
        title=_("Uw bijdrage aan de veiligheidsbeoordeling van %(ref)s is gevraagd.") % {"ref": event.case.reference},
        url=_assessment_url(event, event.data.get("assessment_id")),
    )


def _dissent_recorded(event: TimelineEvent, access: CaseAccess) -> Message:
    """Who answers for the judgement: its recorder, the vast gezicht and the coordinators."""
    judgement = (
        JointJudgement.objects.filter(pk=event.data.get("judgement_id"), assessment__case_id=event.case_id)
        .only("pk", "assessment_id", "recorded_by_id")
        .first()
    )
    return Message(
        kind=NotificationKind.DISSENT_RECORDED,
        recipients=[
            *([judgement.recorded_by_id] if judgement else []),
            event.case.vast_gezicht_id,
            *_coordinators(event, access),
        ],
        title=_("Afwijkend standpunt vastgelegd bij het gezamenlijk oordeel in %(ref)s.")
        % {"ref": event.case.reference},
        url=_assessment_url(event, judgement.assessment_id if judgement else None),
    )


def _placed_on_agenda(event: TimelineEvent, access: CaseAccess) -> Message:
    meeting_id = event.data.get("meeting_id")
    return Message(
        kind=NotificationKind.PLACED_ON_AGENDA,
        recipients=sorted(access.on_case(event.case_id)),
        title=_("Casus %(ref)s staat op de agenda van het overleg.") % {"ref": event.case.reference},
        url=reverse("meeting-detail", kwargs={"meeting_id": meeting_id}) if meeting_id else _case_url(event),
    )


MESSAGES: dict[str, Callable[[TimelineEvent, CaseAccess], Message]] = {
    EventKind.CONDITION_BREACHED: _condition_breached,
    EventKind.CRISIS_FLAGGED: _crisis_flagged,
    EventKind.PARTICIPANT_ADDED: _participant_added,
    EventKind.CONTRIBUTION_REQUESTED: _contribution_requested,
    EventKind.DISSENT_RECORDED: _dissent_recorded,
    EventKind.PLACED_ON_AGENDA: _placed_on_agenda,
}


def _dissenter(event: TimelineEvent) -> int | None:
    # The other helper's event names the user in its data; the actor otherwise.
    return event.data.get("user_id") or event.data.get("recorded_by_id") or event.actor_id


def deliveries_for(kind: str, user_ids: Iterable[int]) -> dict[int, str]:
    """How each user receives this kind's e-mail: safety signals always at once; otherwise as chosen
    (no choice: at once). One query at most."""
    user_ids = list(user_ids)
    if kind in SAFETY_SIGNALS:
        return dict.fromkeys(user_ids, Delivery.IMMEDIATE)
    chosen = dict(
        NotificationKindPreference.objects.filter(kind=kind, user_id__in=user_ids).values_list("user_id", "delivery")
    )
    return {user_id: chosen.get(user_id, Delivery.IMMEDIATE) for user_id in user_ids}


def on_case_event(event: TimelineEvent) -> list[int]:
    """Timeline hook: notify who must act on this event (once each), within need-to-know. Returns the
    ids of the e-mails queued at once."""
    build = MESSAGES.get(event.kind)
    if build is None or bulk_replay_running() or event.occurred_at < timezone.now() - NOTIFY_WITHIN:
        return []
    access = case_access([event.case], on=timezone.localdate())
    message = build(event, access)
    # Safety signals reach everyone named, also whoever raised them; other kinds not the one who acted.
    skip = set() if message.kind in SAFETY_SIGNALS else {event.actor_id}
    if event.kind == EventKind.DISSENT_RECORDED:
        skip.add(_dissenter(event))
    recipients = list(
        dict.fromkeys(
            u for u in message.recipients if u and u not in skip and access.allows(case=event.case, user_id=u)
        )
    )
    if not recipients:
        return []
    return notifications_create(event=event, message=message, recipients=recipients)


def notifications_create(*, event: TimelineEvent, message: Message, recipients: list[int]) -> list[int]:
    """Insert the notifications that are new (ON CONFLICT DO NOTHING on (event, user)) and queue their
    immediate e-mails after commit."""
    now = timezone.now()
    retry_at = now + timedelta(seconds=settings.REMINDER_REDISPATCH_SECONDS)
    deliveries = deliveries_for(message.kind, recipients)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=message.kind,
                case_id=event.case_id,
                event=event,
                title=message.title[:200],
                url=message.url,
                created_at=now,
                delivery=deliveries[user_id],
                retry_at=retry_at if deliveries[user_id] == Delivery.IMMEDIATE else None,
            )
            for user_id in recipients
        ],
        ignore_conflicts=True,
    )
    # Unsent immediate e-mails of this event: a replayed event queues again only what is still unsent
    # (the claim makes a second task a no-op).
    ids = list(
        Notification.objects.filter(
            event=event, delivery=Delivery.IMMEDIATE, sent_at__isnull=True, withdrawn_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if ids and settings.REMINDER_DISPATCH:
        with transaction.atomic():
            for pk in ids:
                task(SEND_NOTIFICATION_EMAIL).delay_on_commit(pk)
    return ids


NOTIFIED_KINDS = tuple(MESSAGES)
