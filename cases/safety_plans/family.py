"""What the family reads: the plan in force, who agreed, who does what, the veiligheidsvoorwaarden,
the next dates and their vast gezicht — built from the same records the professionals keep, never
typed twice.

Only what the family may see goes in: the plan's own records, the conditions and interventions it
relies on, the case's vast gezicht. Never notes, contributions, documents or the melder; no BSN or
date of birth of anyone; nothing of another household (every row is read through this one case).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.assessments.models import ConditionStatus
from cases.interventions.models import OPEN_INTERVENTION_STATUSES
from cases.models import Case, Participant
from cases.safety_plans.selectors import current_version, is_agreed

# Items that carry a confidentiality class show in the summary only when shared with everyone.
SHARED = "gedeeld"


def _shared(item) -> bool:
    return getattr(item, "confidentiality", SHARED) == SHARED


def _name(person) -> str:
    """A person's name, unless their details are not shared with everyone on the case."""
    return person.full_name if _shared(person) else _("iemand uit uw netwerk")


@dataclass(frozen=True)
class DateLine:
    on: date
    what: str


@dataclass(frozen=True)
class FamilySummary:
    case: Case
    version: object  # SafetyPlanVersion | None
    agreed: bool = False
    commitments: list = field(default_factory=list)  # (name, commitment)
    agreements: list = field(default_factory=list)  # (name, agreed_on, way label)
    conditions: list = field(default_factory=list)  # (description, who, check date)
    interventions: list = field(default_factory=list)  # (what, who, due date)
    dates: list[DateLine] = field(default_factory=list)
    vast_gezicht: str = ""
    vast_gezicht_organisation: str = ""


def family_summary(case: Case, *, today: date | None = None) -> FamilySummary:
    """The summary of the case's plan in force (a fixed number of queries)."""
    today = today or timezone.localdate()
    version = current_version(case)
    vast, vast_organisation = "", ""
    if case.vast_gezicht is not None:
        vast = case.vast_gezicht.get_full_name()
        participation = (
            Participant.objects.active()
            .filter(case=case, professional_id=case.vast_gezicht_id)
            .select_related("organisation")
            .first()
        )
        vast_organisation = participation.organisation.name if participation else ""
    if version is None:
        return FamilySummary(case, None, vast_gezicht=vast, vast_gezicht_organisation=vast_organisation)
    conditions = [
        (c.description, c.owner_organisation.name, c.check_date)
        for c in version.conditions.all()
        if c.status == ConditionStatus.OPEN and _shared(c)
    ]
    interventions = [
        (i.get_kind_display(), i.responsible_organisation.name, i.due_date)
        for i in version.interventions.all()
        if i.status in OPEN_INTERVENTION_STATUSES and _shared(i)
    ]
    dates = [DateLine(version.evaluation_on, _("We bekijken samen hoe het plan werkt."))]
    dates += [DateLine(on, _("Controle van de voorwaarde: %s") % text) for text, _who, on in conditions]
    dates += [DateLine(on, _("Klaar: %s") % what) for what, _who, on in interventions]
    dates = sorted((d for d in dates if d.on >= today), key=lambda d: d.on)
    agreements = [
        (
            _name(a.person) if a.person is not None else str(a.organisation),
            a.agreed_on,
            a.get_way_display(),
        )
        for a in version.agreements.all()
    ]
    return FamilySummary(
        case=case,
        version=version,
        agreed=is_agreed(version),
        commitments=[(_name(c.person), c.commitment) for c in version.commitments.all()],
        agreements=agreements,
        conditions=conditions,
        interventions=interventions,
        dates=dates,
        vast_gezicht=vast,
        vast_gezicht_organisation=vast_organisation,
    )
