"""Writes for organisations, teams, memberships and accounts. Each either completes or leaves nothing.

What follows from a change elsewhere (sessions, tokens, the security log, participations) runs through
`partners.hooks`, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners import hooks
from partners.hooks import MembershipChange
from partners.models import (
    WORKING_ROLES,
    Membership,
    MembershipStatus,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    SafetyTeam,
    User,
)
from partners.selectors import admin_scope, administers_user, user_coordinates_team

MEMBERSHIP_SELF = gettext_lazy("U kunt uzelf geen lidmaatschap geven en uw eigen lidmaatschap niet wijzigen.")
MEMBERSHIP_TEAM_NOT_ADMINISTERED = gettext_lazy("U beheert dit veiligheidsteam niet.")
MEMBERSHIP_REGION_NOT_ADMINISTERED = gettext_lazy(
    "Alleen een beheerder van de hele regio geeft een rol voor de hele regio."
)
MEMBERSHIP_CASE_ROLE_NEEDS_TEAM = gettext_lazy("Een jeugdprofessional of coördinator hoort bij een veiligheidsteam.")
MEMBERSHIP_ORGANISATION_NOT_IN_TEAM = gettext_lazy("Deze organisatie is geen lid van het veiligheidsteam.")
MEMBERSHIP_DUPLICATE = gettext_lazy("Deze gebruiker heeft deze rol hier al.")
MEMBERSHIP_UNKNOWN_ROLE = gettext_lazy("Onbekende rol.")
MEMBERSHIP_MAY_NOT_GRANT = gettext_lazy("U mag deze rol in dit team niet toekennen.")
MEMBERSHIP_END_BEFORE_START = gettext_lazy("De einddatum ligt vóór de startdatum.")
MEMBERSHIP_END_ONLY_EARLIER = gettext_lazy(
    "Een einddatum kan alleen eerder worden; wie langer moet blijven, krijgt een nieuw lidmaatschap."
)
MEMBERSHIP_END_NOT_ACTIVE = gettext_lazy(
    "Alleen een bevestigd lidmaatschap wordt beëindigd; een aanvraag wordt bevestigd of geweigerd."
)
MEMBERSHIP_NOT_PENDING = gettext_lazy("Dit lidmaatschap wacht niet (meer) op bevestiging.")
MEMBERSHIP_CONFIRM_SELF = gettext_lazy("U kunt uw eigen lidmaatschap niet bevestigen of weigeren.")
MEMBERSHIP_CONFIRM_NOT_COORDINATOR = gettext_lazy(
    "Alleen een coördinator van het veiligheidsteam bevestigt of weigert een lidmaatschap."
)
MEMBERSHIP_CONFIRM_OWN_REQUEST = gettext_lazy(
    "U vroeg dit lidmaatschap zelf aan; een andere coördinator van het team bevestigt of weigert het."
)
USER_NOT_ADMINISTERED = gettext_lazy("U beheert dit account niet.")


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


class GrantedAs(StrEnum):
    COORDINATOR = "coordinator"  # a coordinator brings a professional into their own team: the second person
    ADMIN = "admin"  # a functional administrator (or superuser): a case role waits for a coordinator


def _check_may_grant(*, actor: User, team: SafetyTeam | None, role: str) -> GrantedAs:
    if role == Role.PROFESSIONAL and team is not None and user_coordinates_team(actor, team.pk):
        return GrantedAs.COORDINATOR
    scope = admin_scope(actor)
    if scope.is_admin:
        if not scope.covers(team.pk if team is not None else None):
            message = MEMBERSHIP_TEAM_NOT_ADMINISTERED if team is not None else MEMBERSHIP_REGION_NOT_ADMINISTERED
            raise ValidationError({"team": message})
        return GrantedAs.ADMIN
    raise PermissionDenied(MEMBERSHIP_MAY_NOT_GRANT)


def membership_check(
    *, actor: User, user: User | None, organisation: Organisation | None, role: str, team: SafetyTeam | None
) -> GrantedAs:
    """The rules of a new membership, for the service and for forms that show them before saving.

    Raises ValidationError (per field) or PermissionDenied; returns in which capacity `actor` grants it."""
    granted_as = _check_may_grant(actor=actor, team=team, role=role)
    errors = {}
    if user is not None and user.pk == actor.pk:
        errors["user"] = MEMBERSHIP_SELF
    if role not in Role.values:
        errors["role"] = MEMBERSHIP_UNKNOWN_ROLE
    if team is None and role in WORKING_ROLES:
        errors["team"] = MEMBERSHIP_CASE_ROLE_NEEDS_TEAM
    elif team is not None and organisation is not None and not team.organisations.filter(pk=organisation.pk).exists():
        errors["organisation"] = MEMBERSHIP_ORGANISATION_NOT_IN_TEAM
    if not errors and user is not None and organisation is not None:
        same = {"user": user, "organisation": organisation, "team": team, "role": role}
        if Membership.objects.active().filter(**same).exists() or Membership.objects.pending().filter(**same).exists():
            errors["role"] = MEMBERSHIP_DUPLICATE
    if errors:
        raise ValidationError(errors)
    return granted_as


@transaction.atomic
def membership_create(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    role: str,
    team: SafetyTeam | None = None,
    start_date: date | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """Give `user` a role for `organisation` (in `team`); checks `actor` may grant it.

    No one grants themselves anything. A case role (professional, coordinator) granted by an administrator
    is stored pending and grants nothing until a coordinator of the team confirms it (`membership_confirm`).
    """
    granted_as = membership_check(actor=actor, user=user, organisation=organisation, role=role, team=team)
    pending = role in WORKING_ROLES and granted_as == GrantedAs.ADMIN
    membership = Membership(
        user=user,
        organisation=organisation,
        team=team,
        role=role,
        start_date=start_date or timezone.localdate(),
        status=MembershipStatus.PENDING if pending else MembershipStatus.ACTIVE,
        requested_by=actor,
    )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError({"role": MEMBERSHIP_DUPLICATE}) from exc
    change = MembershipChange.PENDING if pending else MembershipChange.CREATED
    hooks.membership_changed(membership=membership, change=change, actor=actor, request=request)
    return membership


def membership_end_check(*, membership: Membership, end_date: date | None) -> None:
    """The rules of an end date (for `membership_end` and forms): only a confirmed membership is ended,
    not before it starts, and an end is only ever brought forward."""
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError({"end_date": MEMBERSHIP_END_NOT_ACTIVE})
    if end_date is None or (membership.end_date is not None and end_date > membership.end_date):
        raise ValidationError({"end_date": MEMBERSHIP_END_ONLY_EARLIER})
    if end_date < membership.start_date:
        raise ValidationError({"end_date": MEMBERSHIP_END_BEFORE_START})


@transaction.atomic
def membership_end(
    *, actor: User, membership: Membership, end_date: date | None = None, request: HttpRequest | None = None
) -> Membership:
    """End a membership: from `end_date` (default today) it grants nothing. An end is only ever brought
    forward: a later end (or none) would grant again, and that is a new membership with its own checks."""
    if actor.pk == membership.user_id:
        raise PermissionDenied(MEMBERSHIP_SELF)
    _check_may_grant(actor=actor, team=membership.team, role=membership.role)
    end_date = end_date or timezone.localdate()
    membership_end_check(membership=membership, end_date=end_date)
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    hooks.membership_changed(membership=membership, change=MembershipChange.ENDED, actor=actor, request=request)
    # Rights changed: sessions end (security), participations will end (cases).
    hooks.membership_ended(membership=membership, actor=actor, request=request)
    return membership


def _check_may_decide(*, membership: Membership, by: User) -> None:
    if by.pk == membership.user_id:
        raise PermissionDenied(MEMBERSHIP_CONFIRM_SELF)
    if membership.team_id is None or not user_coordinates_team(by, membership.team_id):
        raise PermissionDenied(MEMBERSHIP_CONFIRM_NOT_COORDINATOR)
    if by.pk == membership.requested_by_id:
        raise PermissionDenied(MEMBERSHIP_CONFIRM_OWN_REQUEST)


def _decide(
    *, membership: Membership, by: User, status: MembershipStatus, request: HttpRequest | None, **fields
) -> Membership:
    _check_may_decide(membership=membership, by=by)
    # Compare-and-set: of two coordinators deciding at once, one wins and the other hears it was decided.
    decided = Membership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), **fields
    )
    if not decided:
        raise ValidationError(MEMBERSHIP_NOT_PENDING)
    membership.refresh_from_db()
    change = MembershipChange.CONFIRMED if status == MembershipStatus.ACTIVE else MembershipChange.REFUSED
    hooks.membership_changed(membership=membership, change=change, actor=by, request=request)
    return membership


@transaction.atomic
def membership_confirm(*, membership: Membership, confirmed_by: User, request: HttpRequest | None = None) -> Membership:
    """A coordinator of the team confirms a pending membership: from now on it grants its role.

    Refused for the member themselves, for whoever asked for it, and for anyone not coordinating the team."""
    return _decide(membership=membership, by=confirmed_by, status=MembershipStatus.ACTIVE, request=request)


@transaction.atomic
def membership_refuse(*, membership: Membership, refused_by: User, request: HttpRequest | None = None) -> Membership:
    """A coordinator of the team refuses a pending membership: it never grants anything (same checks as
    `membership_confirm`). It gets an end date, so the same role can be asked for again."""
    end_date = max(membership.start_date, timezone.localdate())
    return _decide(
        membership=membership, by=refused_by, status=MembershipStatus.REFUSED, request=request, end_date=end_date
    )


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    """Switch an account off: it can no longer log in; its sessions and tokens end (security's hook)."""
    if not administers_user(actor, user):
        raise PermissionDenied(USER_NOT_ADMINISTERED)
    user.is_active = False
    user.save(update_fields=["is_active"])
    hooks.user_deactivated(user=user, actor=actor, request=request)
    return user
