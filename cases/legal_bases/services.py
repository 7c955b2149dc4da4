"""Writes on the bases of participation: withdrawing a consent ends every share that rests on it.

Callers pass a consent of a case they obtained through `cases.selectors.case_for`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_write
from cases.models import Consent, EventKind, Participant
from cases.selectors import acting_organisation, actor_for
from cases.services import participant_end
from cases.timeline import timeline_record

CONSENT_ALREADY_WITHDRAWN = _("Deze toestemming is al ingetrokken.")
# The reason the access log gives for each participation the withdrawal ended.
WITHDRAWAL_REASON = "toestemming ingetrokken"


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, ip: str | None = None) -> list[Participant]:
    """Record that the consent was withdrawn: every active participation that rests on it ends now, in
    this transaction, so its access ends with it (the grant goes with the last participation); each is
    logged in the access log with the reason, and its open deadlines move to the next in line
    (workflows.deadlines, on the participant_ended event). Returns the participations ended."""
    case = consent.case
    organisation = acting_organisation(actor, case)
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise ValidationError(CONSENT_ALREADY_WITHDRAWN)
    log_actor = actor_for(actor, case, ip=ip)  # before the actor's own participation may end
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    timeline_record(
        case=case,
        kind=EventKind.CONSENT_WITHDRAWN,
        actor=actor,
        organisation=organisation,
        occurred_at=consent.withdrawn_at,
        summary=str(consent.get_given_by_display()),
        data={"consent_id": consent.pk},
    )
    resting = (
        Participant.objects.active()
        .filter(consent=consent)
        .select_related("case", "organisation", "professional")
        .select_for_update(of=("self",))
        .order_by("id")
    )
    ended = [participant_end(actor=actor, participant=p, occurred_at=consent.withdrawn_at) for p in resting]
    for participant in ended:
        access_log_write(
            actor=log_actor,
            action=AccessAction.CHANGE,
            outcome=AccessOutcome.ALLOWED,
            case_id=case.pk,
            detail=(
                f"{WITHDRAWAL_REASON}: toegang beëindigd van gebruiker {participant.professional_id} "
                f"(betrokkenheid {participant.pk})"
            ),
        )
    return ended
