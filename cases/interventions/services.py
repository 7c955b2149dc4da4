"""Writes on agreed interventions (passende inzet): agreeing, starting, completing, stopping.

The meeting in which an intervention was agreed is linked from `workflows` (MeetingDecision);
this module knows nothing of meetings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.assessments.selectors import completed_judgement_exists
from cases.assessments.services import (
    check_owner_on_case,
    check_participating_organisations,
    require_open_case,
)
from cases.idempotency import submission_claim, submission_done
from cases.interventions.models import Intervention, InterventionKind, InterventionStatus
from cases.model_validation import full_clean_held
from cases.models import Case, EventKind
from cases.selectors import acting_organisation
from cases.timeline import timeline_record
from cases.versioning import history_author, versioned_update
from partners.models import Organisation

# Each rule's message once; the form, the serializer and the import reuse it.
DUE_BEFORE_START = gettext_lazy("De einddatum kan niet vóór de startdatum liggen.")
# An intervention has no natural key (two of a kind for one partner can both be meant): the form's
# one-time key tells a double click from a second agreement.
INTERVENTION_ALREADY_AGREED = gettext_lazy("Dit formulier was al verstuurd: de inzet is één keer afgesproken.")


def intervention_allowed(case: Case, *, kind: str) -> bool:
    """No agreed intervention without a completed joint judgement in the current episode; on the
    crisis path (acute onveiligheid) a crisis intervention may come first."""
    if case.crisis and kind == InterventionKind.CRISISINTERVENTIE:
        return True
    return completed_judgement_exists(case)


@transaction.atomic
def intervention_agree(
    *,
    actor,
    case: Case,
    kind: str,
    responsible_organisation: Organisation,
    responsible_professional,
    start_date: date,
    due_date: date,
    agreed_by: Iterable[Organisation] = (),
    description: str = "",
    agreed_at: datetime | None = None,
    submission_key: UUID | None = None,
) -> Intervention:
    """Agree an intervention with a responsible partner that takes part in the case, and record
    which partners agreed (by default the actor's own organisation). `submission_key`: the form's
    one-time key (cases.idempotency)."""
    claim = submission_claim(
        actor=actor, key=submission_key, model=Intervention, case=case, message=INTERVENTION_ALREADY_AGREED
    )
    require_open_case(case)
    if kind not in InterventionKind.values:
        raise ValidationError({"kind": _("Kies een soort inzet uit de lijst.")})
    if not intervention_allowed(case, kind=kind):
        raise ValidationError(
            _("Er kan pas inzet worden afgesproken als het gezamenlijk oordeel van deze episode is vastgelegd.")
        )
    if due_date < start_date:
        raise ValidationError({"due_date": DUE_BEFORE_START})
    check_owner_on_case(
        case,
        organisation=responsible_organisation,
        professional=responsible_professional,
        org_field="responsible_organisation",
        person_field="responsible_professional",
    )
    agreed_by = list(agreed_by) or [acting_organisation(actor, case)]
    check_participating_organisations(case, agreed_by, field="agreed_by")
    intervention = Intervention(
        case=case,
        episode=case.episode,
        kind=kind,
        description=description.strip(),
        responsible_organisation=responsible_organisation,
        responsible_professional=responsible_professional,
        start_date=start_date,
        due_date=due_date,
        agreed_at=agreed_at or timezone.now(),
    )
    full_clean_held(intervention)
    history_author(intervention, actor)
    intervention.save()
    intervention.agreed_by.set(agreed_by)
    timeline_record(
        case=case,
        kind=EventKind.INTERVENTION_AGREED,
        actor=actor,
        organisation=responsible_organisation,
        occurred_at=intervention.agreed_at,
        data={"intervention_id": intervention.pk, "kind": kind, "organisation_kind": responsible_organisation.kind},
    )
    submission_done(claim, created=intervention, case=case)
    return intervention


# status -> the statuses it may move to
_MOVES: dict[str, set[str]] = {
    InterventionStatus.AFGESPROKEN: {InterventionStatus.LOPEND, InterventionStatus.GESTOPT},
    InterventionStatus.LOPEND: {InterventionStatus.AFGEROND, InterventionStatus.GESTOPT},
}


def _move(
    *, actor, intervention: Intervention, to: str, expected_version: int | None, fields: dict, occurred_at=None
) -> Intervention:
    if to not in _MOVES.get(intervention.status, set()):
        raise ValidationError(
            _("Inzet met status '%(status)s' kan niet naar '%(to)s'.")
            % {"status": intervention.get_status_display(), "to": InterventionStatus(to).label}
        )
    versioned_update(intervention, actor=actor, expected_version=expected_version, fields={"status": to, **fields})
    kind = EventKind.INTERVENTION_STARTED if to == InterventionStatus.LOPEND else EventKind.INTERVENTION_ENDED
    timeline_record(
        case=intervention.case,
        kind=kind,
        actor=actor,
        occurred_at=occurred_at,
        organisation=intervention.responsible_organisation,
        data={"intervention_id": intervention.pk, "status": to, "kind": intervention.kind},
    )
    return intervention


@transaction.atomic
def intervention_start(
    *,
    actor,
    intervention: Intervention,
    expected_version: int | None,
    occurred_at: datetime | None = None,
) -> Intervention:
    """The responsible partner has started the agreed intervention (`occurred_at`: a replayed past start)."""
    occurred_at = occurred_at or timezone.now()
    return _move(
        actor=actor,
        intervention=intervention,
        to=InterventionStatus.LOPEND,
        occurred_at=occurred_at,
        expected_version=expected_version,
        fields={"started_at": occurred_at},
    )


# Ending an intervention needs its result; the message says which kind of result.
RESULT_REQUIRED: dict[str, object] = {
    InterventionStatus.AFGEROND: gettext_lazy("Beschrijf het resultaat van de inzet."),
    InterventionStatus.GESTOPT: gettext_lazy("Geef aan waarom de inzet stopt."),
}


def _end(
    *, actor, intervention: Intervention, to: str, result: str, expected_version: int | None, occurred_at
) -> Intervention:
    if not result.strip():
        raise ValidationError({"result": str(RESULT_REQUIRED[to])})
    occurred_at = occurred_at or timezone.now()
    return _move(
        actor=actor,
        intervention=intervention,
        to=to,
        expected_version=expected_version,
        occurred_at=occurred_at,
        fields={"result": result.strip(), "ended_at": occurred_at},
    )


@transaction.atomic
def intervention_complete(
    *,
    actor,
    intervention: Intervention,
    result: str,
    expected_version: int | None,
    occurred_at: datetime | None = None,
) -> Intervention:
    """The intervention is done; its result is recorded."""
    return _end(
        actor=actor,
        intervention=intervention,
        to=InterventionStatus.AFGEROND,
        result=result,
        expected_version=expected_version,
        occurred_at=occurred_at,
    )


@transaction.atomic
def intervention_stop(
    *,
    actor,
    intervention: Intervention,
    result: str,
    expected_version: int | None,
    occurred_at: datetime | None = None,
) -> Intervention:
    """The intervention ends before it is done; why is recorded as its result."""
    return _end(
        actor=actor,
        intervention=intervention,
        to=InterventionStatus.GESTOPT,
        result=result,
        expected_version=expected_version,
        occurred_at=occurred_at,
    )


def intervention_move(
    *, action: str, actor, intervention: Intervention, expected_version: int | None, result: str = ""
) -> Intervention:
    """One of the page's and the API's three moves by name: start, complete (with its result) or stop
    (with why)."""
    if action == "start":
        return intervention_start(actor=actor, intervention=intervention, expected_version=expected_version)
    ending = {"complete": intervention_complete, "stop": intervention_stop}[action]
    return ending(actor=actor, intervention=intervention, result=result, expected_version=expected_version)
