"""Retention and destruction: the destruction date of a closed case, the daily sweep that schedules
it, and the four-eyes destruction (the privacy officer proposes, a coordinator of the team confirms).

The date: per applicable rule (`cases.retention.models`) the last involvement plus its years, and for
a rule that says so, the youngest child's 18th birthday at least; the case keeps the latest of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import Actor, access_log_tombstone, access_log_write
from cases.documents.models import ChildMeasure
from cases.interventions.models import PROTECTION_MEASURES, Intervention
from cases.models import CLOSED_STATUSES, Case, EventKind, Participant, Person, PersonRole, TimelineEvent
from cases.requests.models import FamilyRequest, RequestDecision, RequestKind
from cases.retention.erase import erase_content
from cases.retention.hooks import erase_elsewhere
from cases.retention.models import Destruction, DestructionState, RetentionRule
from cases.timeline import timeline_record
from partners.models import Role
from partners.selectors import memberships_of, user_coordinates_team
from security.services import security_log_tombstone

ADULT_AGE = 18
# In a destruction's rule codes: a granted destruction request of the family made it due.
GRANTED_REQUEST = "verzoek-toegewezen"

DESTRUCTION_NOT_DUE = gettext_lazy("Deze casus is nog niet aan vernietiging toe (bewaren tot %(date)s).")
DESTRUCTION_NOT_PROPOSED = gettext_lazy("De vernietiging van deze casus is niet voorgesteld.")
DESTRUCTION_ALREADY_DONE = gettext_lazy("Deze casus is al vernietigd.")
DESTRUCTION_ONLY_PRIVACY_OFFICER = gettext_lazy("Alleen de privacy officer van het team stelt vernietiging voor.")
DESTRUCTION_ONLY_COORDINATOR = gettext_lazy("Alleen een coördinator van het team bevestigt de vernietiging.")
DESTRUCTION_REQUEST_PENDING = gettext_lazy(
    "Er loopt nog een verzoek van het gezin over deze casus: beslis daar eerst op."
)
DESTRUCTION_FOUR_EYES = gettext_lazy(
    "Wie de vernietiging voorstelde, kan die niet zelf bevestigen: een tweede persoon bevestigt."
)


def last_involvement(case: Case) -> datetime:
    """The last moment anyone worked on the case: its closure, a participation's end, its last event."""
    moments = [case.closed_at, case.opened_at]
    moments.append(Participant.objects.filter(case=case).aggregate(m=Max("ended_at"))["m"])
    moments.append(
        TimelineEvent.objects.filter(case=case)
        .exclude(kind=EventKind.DESTRUCTION_REQUESTED)  # asking to destroy is no involvement
        .aggregate(m=Max("occurred_at"))["m"]
    )
    return max(m for m in moments if m is not None)


def rules_for(case: Case) -> list[RetentionRule]:
    kinds = set(Participant.objects.filter(case=case).values_list("organisation__kind", flat=True))
    # A measure ran: agreed as an intervention, or imposed on a child by a beschikking (one query).
    with_measure = (
        Case.objects.filter(pk=case.pk)
        .filter(
            Exists(Intervention.objects.filter(case=OuterRef("pk"), kind__in=PROTECTION_MEASURES))
            | Exists(ChildMeasure.objects.filter(case=OuterRef("pk")))
        )
        .exists()
    )
    return [
        rule
        for rule in RetentionRule.objects.filter(active=True)
        if (not rule.organisation_kind or rule.organisation_kind in kinds)
        and (not rule.only_with_measure or with_measure)
    ]


@dataclass(frozen=True)
class RetentionDate:
    destroy_on: date
    rule_codes: tuple[str, ...]


def destruction_date(case: Case) -> RetentionDate | None:
    """When a closed case may be destroyed, and by which rules (None: not closed, or no rule applies).
    A granted destruction request of the family makes it due from the decision's day."""
    if case.status not in CLOSED_STATUSES:
        return None
    rules = rules_for(case)
    last = timezone.localdate(last_involvement(case))
    youngest = (
        Person.objects.current()
        .filter(case=case, role=PersonRole.JEUGDIGE, date_of_birth__isnull=False)
        .aggregate(m=Max("date_of_birth"))["m"]
    )
    dates = []
    for rule in rules:
        if rule.years_after_last_involvement is not None:
            dates.append(last + relativedelta(years=rule.years_after_last_involvement))
        if rule.until_youngest_child_adult and youngest is not None:
            dates.append(youngest + relativedelta(years=ADULT_AGE))
    codes = tuple(sorted(rule.code for rule in rules))
    granted = (
        FamilyRequest.objects.filter(case=case, kind=RequestKind.VERNIETIGING, decision=RequestDecision.GRANTED)
        .order_by("decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    if granted is not None:  # the family's granted request comes before the retention term
        return RetentionDate(destroy_on=timezone.localdate(granted), rule_codes=(*codes, GRANTED_REQUEST))
    if not dates:
        return None
    return RetentionDate(destroy_on=max(dates), rule_codes=codes)


@transaction.atomic
def retention_sweep(*, today: date | None = None) -> list[int]:
    """Give every closed case its destruction date and mark those whose date has come as due; a case
    that was reopened loses its schedule. Idempotent. Returns the ids of the cases now due."""
    today = today or timezone.localdate()
    pending = (DestructionState.SCHEDULED, DestructionState.DUE)
    Destruction.objects.filter(state__in=pending).exclude(case__status__in=CLOSED_STATUSES).delete()
    done = Destruction.objects.exclude(state__in=pending).values("case_id")
    for case in Case.objects.filter(status__in=CLOSED_STATUSES).exclude(pk__in=done).iterator():
        # A sweep over every closed case: not a user's read, so not through the door (no content leaves).
        computed = destruction_date(case)
        if computed is None:
            Destruction.objects.filter(case=case, state__in=pending).delete()
            continue
        state = DestructionState.DUE if computed.destroy_on <= today else DestructionState.SCHEDULED
        Destruction.objects.update_or_create(
            case=case,
            defaults={
                "destroy_on": computed.destroy_on,
                "rule_codes": ", ".join(computed.rule_codes),
                "state": state,
                "updated_at": timezone.now(),
            },
        )
    return list(Destruction.objects.filter(state=DestructionState.DUE).values_list("case_id", flat=True))


def _locked(destruction: Destruction) -> Destruction:
    return Destruction.objects.select_for_update().select_related("case").get(pk=destruction.pk)


def _privacy_officer_of(user, team_id: int) -> bool:
    return memberships_of(user).filter(role=Role.PRIVACY_OFFICER, team_id=team_id).exists()


@transaction.atomic
def destruction_propose(*, actor, destruction: Destruction) -> Destruction:
    """The privacy officer of the case's team proposes to destroy a case whose date has come."""
    destruction = _locked(destruction)
    if not _privacy_officer_of(actor, destruction.case.team_id):
        raise PermissionDenied(DESTRUCTION_ONLY_PRIVACY_OFFICER)
    if destruction.state == DestructionState.DESTROYED:
        raise ValidationError(DESTRUCTION_ALREADY_DONE)
    if destruction.state != DestructionState.DUE or destruction.destroy_on > timezone.localdate():
        raise ValidationError(DESTRUCTION_NOT_DUE % {"date": date_format(destruction.destroy_on, "j F Y")})
    destruction.state = DestructionState.PROPOSED
    destruction.proposed_by = actor
    destruction.proposed_at = timezone.now()
    destruction.updated_at = destruction.proposed_at
    destruction.save(update_fields=["state", "proposed_by", "proposed_at", "updated_at"])
    return destruction


@transaction.atomic
def destruction_confirm(*, actor, destruction: Destruction, ip: str | None = None) -> Destruction:
    """A coordinator of the team, not the proposer, confirms: the case's personal content goes
    (`cases.retention.erase`, and each registered eraser), its access log rows are tombstoned once
    this commits, and the destruction itself is logged (timeline, access log)."""
    destruction = _locked(destruction)
    case = destruction.case
    if destruction.state == DestructionState.DESTROYED:
        raise ValidationError(DESTRUCTION_ALREADY_DONE)
    if destruction.state != DestructionState.PROPOSED:
        raise ValidationError(DESTRUCTION_NOT_PROPOSED)
    if not user_coordinates_team(actor, case.team_id):
        raise PermissionDenied(DESTRUCTION_ONLY_COORDINATOR)
    if destruction.proposed_by_id == actor.pk:
        raise ValidationError(DESTRUCTION_FOUR_EYES)
    if FamilyRequest.objects.filter(case=case, decision="").exists():
        raise ValidationError(DESTRUCTION_REQUEST_PENDING)  # the family's rights come first
    Case.objects.select_for_update().filter(pk=case.pk).first()
    erase_content(case.pk)
    # The security log keeps its rows; a path naming the case (page, API, privacy report) is tombstoned.
    security_log_tombstone(path_pattern=rf"^/(zaken|inzage/zaken|api/v1/cases)/{case.pk}(/|$)")
    erase_elsewhere(case.pk)
    now = timezone.now()
    timeline_record(
        case=case,
        kind=EventKind.CASE_DESTROYED,
        actor=actor,
        occurred_at=now,
        data={"rules": destruction.rule_codes, "proposed_by": destruction.proposed_by_id, "confirmed_by": actor.pk},
    )
    destruction.state = DestructionState.DESTROYED
    destruction.confirmed_by = actor
    destruction.destroyed_at = now
    destruction.updated_at = now
    destruction.save(update_fields=["state", "confirmed_by", "destroyed_at", "updated_at"])
    log_actor = Actor(user_id=actor.pk, username=actor.get_username(), role=Role.COORDINATOR, ip_address=ip)
    case_id = case.pk

    def tombstone_and_log() -> None:
        access_log_tombstone(case_id=case_id)
        # After the tombstones: the one row that says the case was destroyed, and by whom.
        access_log_write(
            actor=log_actor,
            action=AccessAction.DELETE,
            outcome=AccessOutcome.ALLOWED,
            case_id=case_id,
            detail="vernietiging",
        )

    transaction.on_commit(tombstone_and_log)
    return destruction
