"""Writes on the children's protection measures: a beschikking records its measure once per child it
concerns (`child_measures_record`, called by `document_add`), an import records one without its file
(`measure_record`), and the organisation that recorded a measure records how and when it ended
(`measure_end`). The timeline says which measure, for which person id, never a name.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.assessments.services import require_open_case
from cases.documents.models import ChildMeasure, Document, Measure, MeasureEndReason
from cases.models import Case, EventKind, Person, PersonRole
from cases.selectors import acting_organisation
from cases.timeline import timeline_record
from partners.models import Organisation

MEASURE_CHILD_REQUIRED = gettext_lazy(
    "Kies bij een beschikking het kind of de kinderen (jeugdigen) voor wie de maatregel geldt."
)
MEASURE_CHILD_NOT_ON_CASE = gettext_lazy("Kies een kind (jeugdige) van deze casus.")
MEASURE_ALREADY_ENDED = gettext_lazy("Het einde van deze maatregel is al vastgelegd.")
MEASURE_END_OWN_ORGANISATION = gettext_lazy(
    "Alleen de organisatie die de maatregel vastlegde, legt het einde ervan vast."
)
MEASURE_END_REASON_UNKNOWN = gettext_lazy("Kies hoe de maatregel eindigde.")
MEASURE_ENDED_ON_REQUIRED = gettext_lazy("Geef de dag waarop de maatregel eindigde.")
MEASURE_ENDED_BEFORE_START = gettext_lazy("De maatregel kan niet eindigen vóór de ingangsdatum.")
MEASURE_ENDED_IN_FUTURE = gettext_lazy("De dag waarop de maatregel eindigde ligt in de toekomst.")
# Also the beschikking's own fields (cases.documents.services).
MEASURE_REQUIRED = gettext_lazy("Geef bij een beschikking de maatregel.")
MEASURE_START_REQUIRED = gettext_lazy("Geef de ingangsdatum van de maatregel.")
MEASURE_END_BEFORE_START = gettext_lazy("De einddatum ligt vóór de ingangsdatum.")


def children_of(case: Case, persons) -> list[Person]:
    """The current children (jeugdigen) among `persons` of the case."""
    return [p for p in persons if p.case_id == case.pk and p.role == PersonRole.JEUGDIGE and p.removed_at is None]


def child_measures_record(
    *,
    actor,
    organisation: Organisation,
    case: Case,
    children: list[Person],
    measure: str,
    decided_on: date,
    starts_on: date,
    planned_end: date | None,
    document: Document | None = None,
    occurred_at: datetime | None = None,
) -> list[ChildMeasure]:
    """One measure row per child, each on the timeline; the caller checked the actor and the fields."""
    if not children:
        raise ValidationError({"persons": [str(MEASURE_CHILD_REQUIRED)]})
    at = occurred_at or timezone.now()
    rows = []
    for child in children:
        row = ChildMeasure.objects.create(
            case=case,
            document=document,
            child=child,
            measure=measure,
            decided_on=decided_on,
            starts_on=starts_on,
            planned_end=planned_end,
            organisation=organisation,
            recorded_by=actor,
            recorded_at=at,
        )
        timeline_record(
            case=case,
            kind=EventKind.MEASURE_RECORDED,
            actor=actor,
            organisation=organisation,
            occurred_at=at,
            summary=str(Measure(measure).label),
            data={
                "measure_id": row.pk,
                "measure": measure,
                "person_id": child.pk,
                "document_id": document and document.pk,
            },
        )
        rows.append(row)
    return rows


@transaction.atomic
def measure_record(
    *,
    actor,
    case: Case,
    child: Person,
    measure: str,
    decided_on: date,
    starts_on: date,
    planned_end: date | None = None,
    occurred_at: datetime | None = None,
) -> ChildMeasure:
    """A child's measure without its beschikking's file (the exchange import): by anyone working on
    the case, for their organisation."""
    organisation = acting_organisation(actor, case)
    require_open_case(case)
    errors: dict[str, list[str]] = {}
    if measure not in Measure.values:
        errors["measure"] = [str(MEASURE_REQUIRED)]
    if not children_of(case, [child]):
        errors["child"] = [str(MEASURE_CHILD_NOT_ON_CASE)]
    if starts_on is None:
        errors["starts_on"] = [str(MEASURE_START_REQUIRED)]
    elif planned_end is not None and planned_end < starts_on:
        errors["planned_end"] = [str(MEASURE_END_BEFORE_START)]
    if errors:
        raise ValidationError(errors)
    (row,) = child_measures_record(
        actor=actor,
        organisation=organisation,
        case=case,
        children=[child],
        measure=measure,
        decided_on=decided_on,
        starts_on=starts_on,
        planned_end=planned_end,
        occurred_at=occurred_at,
    )
    return row


@transaction.atomic
def measure_end(
    *, actor, measure: ChildMeasure, ended_on: date | None, reason: str, occurred_at: datetime | None = None
) -> ChildMeasure:
    """Record the day a child's measure ended and how (read through the selectors first): by the
    organisation that recorded it, once."""
    case = measure.case
    organisation = acting_organisation(actor, case)
    require_open_case(case)
    if organisation.pk != measure.organisation_id:
        raise PermissionDenied(str(MEASURE_END_OWN_ORGANISATION))
    at = occurred_at or timezone.now()
    errors: dict[str, list[str]] = {}
    if reason not in MeasureEndReason.values:
        errors["reason"] = [str(MEASURE_END_REASON_UNKNOWN)]
    if ended_on is None:
        errors["ended_on"] = [str(MEASURE_ENDED_ON_REQUIRED)]
    elif ended_on < measure.starts_on:
        errors["ended_on"] = [str(MEASURE_ENDED_BEFORE_START)]
    elif ended_on > timezone.localdate(at):
        errors["ended_on"] = [str(MEASURE_ENDED_IN_FUTURE)]
    if errors:
        raise ValidationError(errors)
    fields = {"ended_on": ended_on, "end_reason": reason, "ended_by": actor, "ended_at": at}
    # Compare-and-set: of two people ending it at once, one does.
    if not ChildMeasure.objects.filter(pk=measure.pk, ended_on__isnull=True).update(**fields):
        raise ValidationError({"ended_on": [str(MEASURE_ALREADY_ENDED)]})
    for name, value in fields.items():
        setattr(measure, name, value)
    timeline_record(
        case=case,
        kind=EventKind.MEASURE_ENDED,
        actor=actor,
        organisation=organisation,
        occurred_at=at,
        summary=str(MeasureEndReason(reason).label),
        data={"measure_id": measure.pk, "measure": measure.measure, "person_id": measure.child_id, "reason": reason},
    )
    return measure
