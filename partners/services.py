"""Writes for organisations, teams and memberships. Each either completes or leaves nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Membership, Municipality, Organisation, OrganisationKind, Role, SafetyTeam, User
from partners.selectors import is_functional_admin, user_coordinates_team
from security.services import user_sessions_end


@transaction.atomic
def organisation_create(*, name: str, kind: str) -> Organisation:
    """Create an organisation; its kind must be one of the fixed partner kinds."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Vul de naam van de organisatie in.")
    if kind not in OrganisationKind.values:
        errors["kind"] = _("Kies de soort organisatie (CVC, Veilig Thuis, RvdK, GI of overig).")
    if errors:
        raise ValidationError(errors)
    organisation = Organisation(name=name.strip(), kind=kind)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def team_create(
    *, name: str, municipalities: Iterable[Municipality], organisations: Iterable[Organisation] = ()
) -> SafetyTeam:
    """Create a safety team; it must serve at least one municipality."""
    municipalities = list(municipalities)
    if not municipalities:
        raise ValidationError({"municipalities": _("Een veiligheidsteam bedient minstens één gemeente.")})
    team = SafetyTeam(name=name.strip())
    team.full_clean()
    team.save()
    team.municipalities.set(municipalities)
    team.organisations.set(list(organisations))
    return team


def _check_may_grant(*, actor: User, team: SafetyTeam | None, role: str) -> None:
    if is_functional_admin(actor):
        return
    # A coordinator may bring professionals into their own team, nothing more.
    if role == Role.PROFESSIONAL and team is not None and user_coordinates_team(actor, team.pk):
        return
    raise PermissionDenied(_("U mag deze rol in dit team niet toekennen."))


@transaction.atomic
def membership_create(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    role: str,
    team: SafetyTeam | None = None,
    start_date: date | None = None,
) -> Membership:
    """Give `user` a role for `organisation` (in `team`); checks `actor` may grant it."""
    _check_may_grant(actor=actor, team=team, role=role)
    if role not in Role.values:
        raise ValidationError({"role": _("Onbekende rol.")})
    if team is not None and not team.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("Deze organisatie is geen lid van het veiligheidsteam.")})
    duplicate = Membership.objects.active().filter(user=user, organisation=organisation, team=team, role=role)
    if duplicate.exists():
        raise ValidationError({"role": _("Deze gebruiker heeft deze rol hier al.")})
    membership = Membership(
        user=user, organisation=organisation, team=team, role=role, start_date=start_date or timezone.localdate()
    )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError({"role": _("Deze gebruiker heeft deze rol hier al.")}) from exc
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: Membership, end_date: date | None = None) -> Membership:
    """End a membership: from `end_date` (default today) it grants nothing."""
    _check_may_grant(actor=actor, team=membership.team, role=membership.role)
    end_date = end_date or timezone.localdate()
    if end_date < membership.start_date:
        raise ValidationError({"end_date": _("De einddatum ligt vóór de startdatum.")})
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    # Rights changed: the user logs in again rather than keep a session from before.
    user_sessions_end(user=membership.user, actor=actor, reason="membership_end")
    return membership
