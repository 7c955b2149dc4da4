"""What a change of membership does to cases: a participation rests on an active working-role membership.

partners fires these callbacks (registered in CasesConfig.ready) inside its services' transactions, so an
ended membership and its ended participations stand or fall together. An end date in the future changes
nothing yet: the person keeps working until that day; from that day `cases_visible_to` no longer counts
their grants and the daily task (`cases.memberships_expire`) ends the participations.
"""

from __future__ import annotations

from typing import Any

from cases.models import Participant
from cases.services import participations_end_unbacked


def on_membership_ended(*, membership: Any, actor: Any, request: Any) -> None:
    """partners.hooks: end the participations of that user in that team's cases for that organisation,
    unless another active working membership (same organisation and team) still backs them."""
    if membership.team_id is None or membership.is_active():
        return
    participations_end_unbacked(
        actor=actor,
        participations=Participant.objects.filter(
            professional_id=membership.user_id,
            organisation_id=membership.organisation_id,
            case__team_id=membership.team_id,
        ),
    )


def on_user_deactivated(*, user: Any, actor: Any, request: Any) -> None:
    """partners.hooks: a switched-off account takes part in no case any more."""
    participations_end_unbacked(actor=actor, participations=Participant.objects.filter(professional_id=user.pk))


def memberships_expire() -> int:
    """End every participation whose membership's end date has passed (or that rests on none at all):
    run daily by beat, the system as actor. Returns how many ended."""
    return len(participations_end_unbacked(actor=None))
