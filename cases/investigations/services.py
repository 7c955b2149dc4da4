"""Writes that start and close terms: Veilig Thuis and the Raad start and end their onderzoek, a
parent or child asks for destruction of the file. Each is one timeline event (through
`cases.timeline`), from which the deadline handlers open and close the terms: "VT onderzoek
afgerond" (10 weeks), "RvdK onderzoek gestart" (10 days after the verzoek) and the destruction
request (three months).

A date is what the professional records ("gestart op"); the event's moment is now when that date is
today and the end of that day otherwise, so a later registration keeps its day and stays after the
participation of whoever recorded it.
"""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from cases.assessments.services import acting_organisation, require_open_case
from cases.investigations.selectors import OnderzoekKind, onderzoeken_of
from cases.models import Case, EventKind, Participant, Person, PersonRole, TimelineEvent
from cases.timeline import as_utc, timeline_record
from partners.models import OrganisationKind

ORGANISATION_KIND: dict[str, str] = {
    OnderzoekKind.VT: OrganisationKind.VEILIG_THUIS,
    OnderzoekKind.RVDK: OrganisationKind.RVDK,
}
DESTRUCTION_MIN_AGE = 12

# The rules' messages, written once: forms, serializers and the import show these.
ONDERZOEK_UNKNOWN_KIND = gettext_lazy("Kies het onderzoek van Veilig Thuis of van de Raad voor de Kinderbescherming.")
ONDERZOEK_NOT_OF_ORGANISATION = gettext_lazy(
    "Alleen wie namens %(organisation)s bij de casus betrokken is, kan dit onderzoek vastleggen."
)
ONDERZOEK_ALREADY_RUNNING = gettext_lazy("Dit onderzoek loopt al sinds %(date)s.")
ONDERZOEK_NOT_RUNNING = gettext_lazy("Er loopt geen onderzoek van %(organisation)s dat kan worden afgerond.")
ONDERZOEK_END_BEFORE_START = gettext_lazy("Het onderzoek kan niet eindigen vóór het begon (%(date)s).")
DATE_IN_FUTURE = gettext_lazy("Deze datum ligt in de toekomst.")
DATE_BEFORE_REPORT = gettext_lazy("Deze datum ligt vóór de melding of het verzoek (%(date)s).")
DESTRUCTION_PERSON_NOT_OF_CASE = gettext_lazy("Kies een persoon van deze casus.")
DESTRUCTION_ROLE = gettext_lazy("Om vernietiging vragen de ouders, de verzorgers of de jeugdige zelf.")
DESTRUCTION_TOO_YOUNG = gettext_lazy(
    "Een jeugdige kan vanaf %(age)d jaar zelf om vernietiging vragen; controleer de geboortedatum."
)


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def event_moment(day: date, occurred_at: datetime | None = None) -> datetime:
    """The moment of an event recorded for `day`: now on today, the end of that day in Amsterdam
    before; `occurred_at` (a replayed event) wins."""
    if occurred_at is not None:
        return as_utc(occurred_at)
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    end = timezone.make_aware(datetime.combine(day, datetime.max.time()))
    return as_utc(end)


def _check_day(case: Case, day: date, *, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: str(DATE_IN_FUTURE)})
    if day < case.reported_on:
        raise ValidationError({field: str(DATE_BEFORE_REPORT) % {"date": _day(case.reported_on)}})


def _participation(actor, case: Case, kind: str) -> Participant:
    """The actor's active participation for the organisation whose onderzoek this is."""
    if kind not in ORGANISATION_KIND:
        raise ValidationError({"kind": str(ONDERZOEK_UNKNOWN_KIND)})
    organisation_kind = ORGANISATION_KIND[kind]
    participation = (
        Participant.objects.active()
        .filter(case=case, professional=actor, organisation__kind=organisation_kind)
        .select_related("organisation")
        .order_by("started_at", "id")
        .first()
    )
    if participation is None:
        label = OrganisationKind(organisation_kind).label
        raise PermissionDenied(str(ONDERZOEK_NOT_OF_ORGANISATION) % {"organisation": label})
    return participation


@transaction.atomic
def onderzoek_start(
    *, actor, case: Case, kind: str, started_on: date, occurred_at: datetime | None = None
) -> TimelineEvent:
    """Record that Veilig Thuis (`kind` "vt") or the Raad ("rvdk") started its onderzoek on `started_on`:
    opens Veilig Thuis' 10-week term, meets or misses the Raad's start norm."""
    require_open_case(case)
    participation = _participation(actor, case, kind)
    _check_day(case, started_on, field="started_on")
    running = next((o for o in onderzoeken_of(case) if o.kind == kind and o.running), None)
    if running is not None:
        raise ValidationError({"kind": str(ONDERZOEK_ALREADY_RUNNING) % {"date": _day(running.started_on)}})
    return timeline_record(
        case=case,
        kind=EventKind.ONDERZOEK_STARTED,
        actor=actor,
        organisation=participation.organisation,
        occurred_at=event_moment(started_on, occurred_at),
        summary=str(participation.organisation),
        data={"onderzoek": kind, "on": started_on.isoformat()},
    )


@transaction.atomic
def onderzoek_end(
    *, actor, case: Case, kind: str, ended_on: date, occurred_at: datetime | None = None
) -> TimelineEvent:
    """Record that the running onderzoek of `kind` ended on `ended_on`: closes its term as met or missed."""
    require_open_case(case)
    participation = _participation(actor, case, kind)
    _check_day(case, ended_on, field="ended_on")
    running = next((o for o in onderzoeken_of(case) if o.kind == kind and o.running), None)
    if running is None:
        label = OrganisationKind(ORGANISATION_KIND[kind]).label
        raise ValidationError({"kind": str(ONDERZOEK_NOT_RUNNING) % {"organisation": label}})
    if ended_on < running.started_on:
        raise ValidationError({"ended_on": str(ONDERZOEK_END_BEFORE_START) % {"date": _day(running.started_on)}})
    return timeline_record(
        case=case,
        kind=EventKind.ONDERZOEK_COMPLETED,
        actor=actor,
        organisation=participation.organisation,
        occurred_at=event_moment(ended_on, occurred_at),
        summary=str(participation.organisation),
        data={"onderzoek": kind, "on": ended_on.isoformat()},
    )


def destruction_request_allowed(person: Person, *, on: date) -> str | None:
    """Why this person cannot ask for destruction of the file on `on` (None: they can). Parents and
    carers can; a child from 12 (DESIGN.md §13), which needs a date of birth to show."""
    if person.role in (PersonRole.OUDER, PersonRole.VERZORGER):
        return None
    if person.role != PersonRole.JEUGDIGE:
        return str(DESTRUCTION_ROLE)
    if person.date_of_birth is None or relativedelta(on, person.date_of_birth).years < DESTRUCTION_MIN_AGE:
        return str(DESTRUCTION_TOO_YOUNG) % {"age": DESTRUCTION_MIN_AGE}
    return None


@transaction.atomic
def destruction_request_register(
    *,
    actor,
    case: Case,
    requested_on: date,
    requested_by: Person,
    occurred_at: datetime | None = None,
) -> TimelineEvent:
    """Register that `requested_by` (a parent, carer or child of 12 or older of this family) asked on
    `requested_on` for the file to be destroyed: opens the three-month term, also on a closed case."""
    organisation = acting_organisation(actor, case)  # refuses whoever does not work on the case
    if requested_by.case_id != case.pk:
        raise ValidationError({"requested_by": str(DESTRUCTION_PERSON_NOT_OF_CASE)})
    _check_day(case, requested_on, field="requested_on")
    refusal = destruction_request_allowed(requested_by, on=requested_on)
    if refusal:
        raise ValidationError({"requested_by": refusal})
    return timeline_record(
        case=case,
        kind=EventKind.DESTRUCTION_REQUESTED,
        actor=actor,
        organisation=organisation,
        occurred_at=event_moment(requested_on, occurred_at),
        summary=requested_by.full_name,
        data={"person_id": requested_by.pk, "role": requested_by.role, "on": requested_on.isoformat()},
    )
