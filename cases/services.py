"""Writes on the case record. Each service runs in one transaction: it completes or leaves nothing.

Callers pass a case they obtained through `cases.selectors.case_for` (need-to-know checked and
logged); services check the business rules, record the timeline and keep versions.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import remove_perm

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_write
from cases.confidentiality import check_class
from cases.exceptions import AlreadyRecorded
from cases.families import family_check
from cases.idempotency import create_once, lock_row, submission_claim, submission_done
from cases.model_validation import full_clean_held
from cases.models import (
    BasisKind,
    Case,
    CaseUserObjectPermission,
    Confidentiality,
    EventKind,
    Intake,
    Note,
    Participant,
    ParticipantQuerySet,
    ParticipantRole,
    Person,
)
from cases.participant_basis import basis_resolve
from cases.selectors import (
    VIEW_CASE,
    acting_organisation,
    actor_for,
    participation_backed,
    view_permission,
    working_for,
)
from cases.timeline import timeline_record
from cases.validators import BSN_TWICE_IN_CASE, validate_bsn
from cases.versioning import versioned_update
from partners.models import WORKING_ROLES, Membership, Municipality, Organisation, SafetyTeam

INTAKE_EVENTS: dict[str, str] = {
    Intake.MELDING_VT: EventKind.MELDING_RECEIVED,
    Intake.VERZOEK_TOT_ONDERZOEK: EventKind.VERZOEK_RECEIVED,
}
CASE_EDITABLE_FIELDS = ("family_name", "municipality", "intake", "reported_on", "vast_gezicht")
VAST_GEZICHT_NOT_IN_TEAM = gettext_lazy("Het vaste gezicht moet lid zijn van dit team.")
PERSON_EDITABLE_FIELDS = ("role", "full_name", "date_of_birth", "bsn", "confidentiality")
PERSON_REMOVED_NOT_CHANGED = gettext_lazy("Een verwijderde persoon kan niet meer worden gewijzigd.")

# The same form sent twice (a double click): what its first sending created is shown instead.
CASE_ALREADY_OPENED = gettext_lazy("Dit formulier was al verstuurd: de casus is één keer geopend.")
PERSON_ALREADY_ADDED = gettext_lazy("Dit formulier was al verstuurd: de persoon is één keer toegevoegd.")
NOTE_ALREADY_ADDED = gettext_lazy("Dit formulier was al verstuurd: de notitie is één keer opgeslagen.")
# One active participation per professional and organisation in a case.
PARTICIPANT_ALREADY_ACTIVE = gettext_lazy("Deze professional is al betrokken bij de casus.")


# Rules of the case record, each written once; forms, serializers and the import reuse them.
TEAM_DOES_NOT_SERVE = gettext_lazy("Dit team bedient deze gemeente niet.")
# Only the working roles take part in a case: an evaluator, functional administrator or privacy officer
# never gets a grant on one (they would read the family's names and birth dates).
PARTICIPANT_NOT_WORKING = gettext_lazy(
    "Alleen een jeugdprofessional of coördinator die voor deze organisatie in dit veiligheidsteam werkt, "
    "kan bij de casus betrokken worden."
)


def team_serves(team: SafetyTeam, municipality) -> bool:
    return team.municipalities.filter(pk=municipality.pk).exists()


def works_for_team(user, *, organisation: Organisation, team: SafetyTeam) -> bool:
    """May `user` take part in a case of `team` for `organisation`: an active working-role membership."""
    return (
        Membership.objects.active()
        .filter(user=user, organisation=organisation, team=team, role__in=WORKING_ROLES, user__is_active=True)
        .exists()
    )


def _team_membership(user, team: SafetyTeam) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(user=user, team=team, role__in=WORKING_ROLES, user__is_active=True)
        .select_related("organisation")
        # Prefer the professional membership ("professional" sorts after "coordinator").
        .order_by("role", "id")
        .last()
    )


@transaction.atomic
def case_open(
    *,
    actor,
    team: SafetyTeam,
    municipality: Municipality,
    family_name: str,
    intake: str,
    reported_on: date,
    vast_gezicht=None,
    opened_at: datetime | None = None,
    external_reference: str = "",
    source_organisation: Organisation | None = None,
    submission_key: UUID | None = None,
    ip: str | None = None,
    family_bsn: str = "",
    family_date_of_birth: date | None = None,
    family_confirmed: bool | None = None,
) -> Case:
    """Open a case for a family in `team`; the actor joins it as a participant. `submission_key`
    (the form's one-time key) makes a second sending of the same form answer AlreadySubmitted.
    Unless `family_confirmed` is None (an import), a case of the same family elsewhere in the region
    (by `family_bsn`, or the family name and `family_date_of_birth` of a member) raises FamilyExists
    until the user confirms (cases.families)."""
    claim = submission_claim(actor=actor, key=submission_key, model=Case, message=CASE_ALREADY_OPENED)
    membership = _team_membership(actor, team)
    if membership is None:
        raise PermissionDenied(_("U bent geen lid van dit veiligheidsteam."))
    if not team_serves(team, municipality):
        raise ValidationError({"municipality": TEAM_DOES_NOT_SERVE})
    if family_confirmed is not None:
        family_check(
            actor=actor,
            ip=ip,
            context="case:open",
            bsn=family_bsn.strip(),
            family_name=family_name,
            date_of_birth=family_date_of_birth,
            confirmed=family_confirmed,
        )
    opened_at = opened_at or timezone.now()
    case = Case(
        reference=f"TMP-{timezone.now().timestamp()}",
        team=team,
        municipality=municipality,
        family_name=family_name.strip(),
        intake=intake,
        reported_on=reported_on,
        vast_gezicht=vast_gezicht,
        opened_at=opened_at,
        created_by=actor,
        external_reference=external_reference,
        source_organisation=source_organisation,
    )
    full_clean_held(case, exclude=["reference"])
    case.save()
    # A readable, unique reference from the row id; not a new history row.
    case.reference = f"VT-{opened_at.year}-{case.pk:06d}"
    case.skip_history_when_saving = True  # type: ignore[attr-defined]
    case.save(update_fields=["reference"])
    del case.skip_history_when_saving  # type: ignore[attr-defined]

    role = ParticipantRole.VAST_GEZICHT if vast_gezicht == actor else ParticipantRole.CASUSREGISSEUR
    _participant_create(
        case=case, organisation=membership.organisation, professional=actor, role=role, started_at=opened_at
    )
    if vast_gezicht is not None and vast_gezicht != actor:
        vast_membership = _team_membership(vast_gezicht, team)
        if vast_membership is None:
            raise ValidationError({"vast_gezicht": PARTICIPANT_NOT_WORKING})
        _participant_create(
            case=case,
            organisation=vast_membership.organisation,
            professional=vast_gezicht,
            role=ParticipantRole.VAST_GEZICHT,
            started_at=opened_at,
        )
    intake_event = INTAKE_EVENTS.get(intake)
    if intake_event is not None:
        reported_at = timezone.make_aware(datetime.combine(reported_on, datetime.min.time()))
        timeline_record(
            case=case,
            kind=intake_event,
            actor=actor,
            organisation=membership.organisation,
            occurred_at=min(reported_at, opened_at),
        )
    timeline_record(
        case=case,
        kind=EventKind.CASE_OPENED,
        actor=actor,
        organisation=membership.organisation,
        occurred_at=opened_at,
        data={"intake": intake},
    )
    if vast_gezicht is not None:
        # The first assignment: a later one is a handover (metrics count them from these events).
        timeline_record(
            case=case,
            kind=EventKind.VAST_GEZICHT_ASSIGNED,
            actor=actor,
            organisation=membership.organisation,
            occurred_at=opened_at,
            data={"user_id": vast_gezicht.pk},
        )
    submission_done(claim, created=case, case=case)
    access_log_write(
        actor=actor_for(actor, case, ip=ip),
        action=AccessAction.CREATE,
        outcome=AccessOutcome.ALLOWED,
        case_id=case.pk,
        detail="case",
    )
    return case


@transaction.atomic
def case_change(
    *, actor, case: Case, expected_version: int | None, occurred_at: datetime | None = None, **fields
) -> Case:
    """Change the case's own data (not its status: that goes through workflows.lifecycle.services).
    Every change of the vast gezicht is an assignment on the timeline. `occurred_at` dates a replayed
    past change (exchange import); default now."""
    unknown = set(fields) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Deze velden kunnen hier niet worden gewijzigd: %s") % ", ".join(sorted(unknown)))
    if "municipality" in fields and not team_serves(case.team, fields["municipality"]):
        raise ValidationError({"municipality": TEAM_DOES_NOT_SERVE})
    vast_gezicht = fields.get("vast_gezicht")
    if vast_gezicht is not None and _team_membership(vast_gezicht, case.team) is None:
        raise ValidationError({"vast_gezicht": str(VAST_GEZICHT_NOT_IN_TEAM)})
    changes = versioned_update(case, actor=actor, expected_version=expected_version, fields=fields)
    if changes and "vast_gezicht" in changes:
        # One entry per change: a new vast gezicht is the assignment (the metrics count handovers from
        # these), naming the other fields changed with it.
        data: dict[str, object] = {"user_id": getattr(vast_gezicht, "pk", None)}
        if len(changes) > 1:
            data["fields"] = sorted(changes)
        timeline_record(
            case=case, kind=EventKind.VAST_GEZICHT_ASSIGNED, actor=actor, occurred_at=occurred_at, data=data
        )
    elif changes:
        timeline_record(
            case=case,
            kind=EventKind.CASE_CHANGED,
            actor=actor,
            occurred_at=occurred_at,
            data={"fields": sorted(changes)},
        )
    return case


def _participant_create(
    *, case: Case, organisation: Organisation, professional, role: str, started_at=None, existing=None, basis=None
):
    participant = Participant(
        case=case,
        organisation=organisation,
        professional=professional,
        role=role,
        started_at=started_at or timezone.now(),
        # Without a basis given: the case being opened, by its opener (and the vast gezicht named then).
        **(basis or {"basis_kind": BasisKind.EIGEN_TAAK}),
    )
    if existing is None:  # a case being opened: nobody else can add to it yet
        participant.save()
    else:
        create_once(participant, existing=existing, message=PARTICIPANT_ALREADY_ACTIVE, field="professional")
    # guardian's assign_perm, without its content type and permission lookups at every grant.
    CaseUserObjectPermission.objects.get_or_create(user=professional, permission=view_permission(), content_object=case)
    return participant


@transaction.atomic
def participant_add(
    *,
    actor,
    case: Case,
    organisation: Organisation,
    professional,
    role: str,
    basis_kind: str,
    purpose: str,
    occurred_at: datetime | None = None,
    unrecorded_basis_allowed: bool = False,
    **basis_input,
) -> Participant:
    """Involve an organisation's professional in the case; grants access in the same transaction.
    The participation rests on a basis with a purpose (`cases.participant_basis.basis_resolve` checks
    `basis_kind`, `purpose` and `basis_input`; a basis that ends opens its review, workflows). Only the
    exchange import, whose format has no basis, may record it as not recorded (`unrecorded_basis_allowed`).
    `occurred_at` dates a replayed past event (exchange import); default now."""
    if role not in ParticipantRole.values:
        raise ValidationError({"role": _("Onbekende rol in de casus.")})
    if not case.team.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("Deze organisatie hoort niet bij het veiligheidsteam van de casus.")})
    if not works_for_team(professional, organisation=organisation, team=case.team):
        raise ValidationError({"professional": PARTICIPANT_NOT_WORKING})
    lock_row(case)  # a second, simultaneous addition waits here and then finds this one

    def active():
        return Participant.objects.active().filter(case=case, professional=professional, organisation=organisation)

    existing = active().first()
    if existing is not None:
        raise AlreadyRecorded(PARTICIPANT_ALREADY_ACTIVE, existing=existing, field="professional")
    basis = basis_resolve(
        actor=actor,
        case=case,
        basis_kind=basis_kind,
        purpose=purpose,
        unrecorded_allowed=unrecorded_basis_allowed,
        **basis_input,
    )
    participant = _participant_create(
        case=case,
        organisation=organisation,
        professional=professional,
        role=role,
        started_at=occurred_at,
        existing=lambda: active().first(),
        basis=basis,
    )
    timeline_record(
        case=case,
        kind=EventKind.PARTICIPANT_ADDED,
        actor=actor,
        organisation=organisation,
        summary=f"{professional} ({organisation})",
        occurred_at=occurred_at,
        data={
            "participant_id": participant.pk,
            "organisation_kind": organisation.kind,
            "role": role,
            **_basis_event_data(participant),
        },
    )
    return participant


def _basis_event_data(participant: Participant) -> dict:
    """The basis on the timeline; its end date, when it has one, opens the review (workflows.deadlines)."""
    data: dict = {"basis_kind": participant.basis_kind}
    if participant.basis_ends_on is not None:
        data["basis_ends_on"] = participant.basis_ends_on.isoformat()
    return data


@transaction.atomic
def participant_end(*, actor, participant: Participant, occurred_at: datetime | None = None) -> Participant:
    """End a participation; without another active one on the case, the access ends with it."""
    if participant.ended_at is not None:
        raise ValidationError(_("Deze betrokkenheid is al beëindigd."))
    participant.ended_at = occurred_at or timezone.now()
    participant.save(update_fields=["ended_at"])
    case = participant.case
    still_involved = Participant.objects.active().filter(case=case, professional=participant.professional).exists()
    if not still_involved:
        remove_perm(f"cases.{VIEW_CASE}", participant.professional, case)
    timeline_record(
        case=case,
        kind=EventKind.PARTICIPANT_ENDED,
        actor=actor,
        organisation=participant.organisation,
        summary=str(participant),
        data={"participant_id": participant.pk, **_basis_event_data(participant)},
        occurred_at=participant.ended_at,
    )
    return participant


@transaction.atomic
def participations_end_unbacked(*, actor, participations: ParticipantQuerySet | None = None) -> list[Participant]:
    """End each active participation (of `participations`; default: all) that no longer rests on an active
    working-role membership of its professional for its organisation in the case's team, or whose account
    is switched off. Each goes through `participant_end`: a timeline event, the grant gone without another
    participation, and the deadlines it answered for move on (workflows). Returns those ended."""
    rows: ParticipantQuerySet = Participant.objects.all() if participations is None else participations
    unbacked = (
        rows.active()
        .exclude(participation_backed())
        .select_related("case", "organisation", "professional")
        .select_for_update(of=("self",))
        .order_by("id")
    )
    return [participant_end(actor=actor, participant=participant) for participant in unbacked]


@transaction.atomic
def person_add(
    *,
    actor,
    case: Case,
    role: str,
    full_name: str,
    date_of_birth: date | None = None,
    bsn: str = "",
    occurred_at: datetime | None = None,
    submission_key: UUID | None = None,
    family_confirmed: bool | None = None,
    ip: str | None = None,
    confidentiality: str = Confidentiality.GEDEELD,
) -> Person:
    """Add a child, parent/carer or network member to the case (`submission_key`: see case_open). A
    BSN is on a case once. Unless `family_confirmed` is None (an import), another case of the family
    in the region (this BSN, or the case's family name with this date of birth) raises FamilyExists
    until the user confirms (cases.families). The person's details get `confidentiality`
    (cases.confidentiality.check_class), for the organisation the actor works for on the case."""
    claim = submission_claim(actor=actor, key=submission_key, model=Person, case=case, message=PERSON_ALREADY_ADDED)
    organisation = _working_organisation(actor, case)
    check_class(actor=actor, case=case, confidentiality=confidentiality, organisation=organisation)
    bsn = bsn.strip()
    if bsn:
        lock_row(case)  # a simultaneous addition of the same BSN waits here and then finds this one
        _refuse_bsn_twice(case=case, bsn=bsn)
    if family_confirmed is not None:
        family_check(
            actor=actor,
            ip=ip,
            context="person:add",
            bsn=bsn,
            family_name=case.family_name,
            date_of_birth=date_of_birth,
            exclude_case_id=case.pk,
            confirmed=family_confirmed,
        )
    person = Person(
        case=case,
        role=role,
        full_name=full_name.strip(),
        date_of_birth=date_of_birth,
        bsn=bsn,
        confidentiality=confidentiality,
        organisation=organisation,
    )
    # The BSN's own check once, on its field: its one-per-case constraint was checked above under the lock.
    full_clean_held(person, exclude=["bsn"])
    _validate_bsn_field(bsn)
    person.save()
    timeline_record(
        case=case,
        kind=EventKind.PERSON_ADDED,
        actor=actor,
        summary=person.full_name,
        data={"person_id": person.pk, "role": role},
        occurred_at=occurred_at,
    )
    submission_done(claim, created=person, case=case)
    return person


@transaction.atomic
def person_change(*, actor, person: Person, expected_version: int | None, **fields) -> Person:
    """Change a person; a stale `expected_version` is refused with what changed meanwhile."""
    unknown = set(fields) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Deze velden kunnen hier niet worden gewijzigd: %s") % ", ".join(sorted(unknown)))
    if person.removed_at is not None:
        raise ValidationError(PERSON_REMOVED_NOT_CHANGED)
    if "confidentiality" in fields and fields["confidentiality"] != person.confidentiality:
        # A new class is chosen like a first one; its organisation is the one that added the person
        # (or, for a person added before that was kept, the one the actor works for now).
        organisation = person.organisation or _working_organisation(actor, person.case)
        check_class(actor=actor, case=person.case, confidentiality=fields["confidentiality"], organisation=organisation)
        if person.organisation_id is None and organisation is not None:
            fields["organisation"] = organisation
    bsn = fields.get("bsn", "")
    if bsn and bsn != person.bsn:
        lock_row(person.case)
        _refuse_bsn_twice(case=person.case, bsn=bsn, other_than=person)
    changes = versioned_update(person, actor=actor, expected_version=expected_version, fields=fields)
    if changes:
        timeline_record(
            case=person.case,
            kind=EventKind.PERSON_CHANGED,
            actor=actor,
            summary=person.full_name,
            data={"person_id": person.pk, "fields": sorted(changes)},
        )
    return person


def _refuse_bsn_twice(*, case: Case, bsn: str, other_than: Person | None = None) -> None:
    """Under the case's row lock (every writer of a BSN takes it, so the check holds until commit; the
    database's constraint stands behind it)."""
    same = Person.objects.current().filter(case=case, bsn=bsn)
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    if same.exists():
        raise ValidationError({"bsn": BSN_TWICE_IN_CASE})


def _validate_bsn_field(bsn: str) -> None:
    try:
        validate_bsn(bsn)
    except ValidationError as error:
        raise ValidationError({"bsn": error.messages}) from error


def _working_organisation(actor, case: Case) -> Organisation | None:
    """The organisation `actor` works for on `case` (cases.selectors.working_for), if any."""
    working = working_for(actor, case)
    return working[0] if working is not None else None


@transaction.atomic
def note_add(
    *,
    actor,
    case: Case,
    text: str,
    submission_key: UUID | None = None,
    confidentiality: str = Confidentiality.GEDEELD,
) -> Note:
    """Add a plain-text note, written for the organisation the actor works for on this case, with its
    `confidentiality` (cases.confidentiality.check_class; `submission_key`: see case_open)."""
    claim = submission_claim(actor=actor, key=submission_key, model=Note, case=case, message=NOTE_ALREADY_ADDED)
    organisation = acting_organisation(actor, case)
    check_class(actor=actor, case=case, confidentiality=confidentiality, organisation=organisation)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Schrijf eerst een notitie.")})
    note = Note(case=case, author=actor, organisation=organisation, text=text, confidentiality=confidentiality)
    full_clean_held(note)
    note.save()
    timeline_record(
        case=case, kind=EventKind.NOTE_ADDED, actor=actor, organisation=note.organisation, data={"note_id": note.pk}
    )
    submission_done(claim, created=note, case=case)
    return note
