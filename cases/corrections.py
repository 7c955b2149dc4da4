"""Corrections on the case record that keep what was there: a note is corrected by an amendment (the
original stays, marked corrected), a person added by mistake is removed with a reason (kept in the
history and on the case's "verwijderd" list). Callers pass rows of a case obtained through the door.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.confidentiality import check_class
from cases.exceptions import AlreadyRecorded
from cases.idempotency import submission_claim, submission_done
from cases.model_validation import full_clean_held
from cases.models import Confidentiality, EventKind, Note, Person
from cases.selectors import acting_organisation
from cases.timeline import timeline_record
from cases.versioning import versioned_update

# Rules of corrections, each written once; forms, serializers and tests import them.
NOTE_ONLY_AUTHOR_CORRECTS = gettext_lazy("Alleen wie de notitie schreef, kan haar corrigeren.")
NOTE_ALREADY_CORRECTED = gettext_lazy(
    "Deze notitie is al gecorrigeerd. Corrigeer zo nodig de correctie, de nieuwste versie."
)
NOTE_CORRECTION_EMPTY = gettext_lazy("Schrijf de gecorrigeerde tekst.")
NOTE_CORRECTION_UNCHANGED = gettext_lazy("De gecorrigeerde tekst is gelijk aan de oorspronkelijke tekst.")
NOTE_CORRECTION_ALREADY_SAVED = gettext_lazy("Dit formulier was al verstuurd: de correctie is één keer opgeslagen.")
NOTE_CORRECTION_WIDENS = gettext_lazy(
    "Een correctie houdt de vertrouwelijkheid van de notitie of maakt die strenger, nooit ruimer."
)
# From wide to narrow: a correction keeps its note's class or takes a later one.
CLASS_ORDER = (Confidentiality.GEDEELD, Confidentiality.EIGEN_ORGANISATIE, Confidentiality.MELDER)
PERSON_REMOVAL_REASON_REQUIRED = gettext_lazy("Geef aan waarom deze persoon ten onrechte is toegevoegd.")
PERSON_ALREADY_REMOVED = gettext_lazy("Deze persoon is al verwijderd.")


@transaction.atomic
def note_correct(
    *,
    actor,
    note: Note,
    text: str,
    expected_version: int | None,
    submission_key: UUID | None = None,
    confidentiality: str | None = None,
) -> Note:
    """Correct a note by an amendment: a new note with the corrected text that names the original;
    the original keeps its text and is marked corrected by the actor. Only its author may; a note is
    corrected once (a later correction corrects the correction). A stale version is refused. The
    correction keeps the note's class or narrows it (`confidentiality`; default: the note's)."""
    claim = submission_claim(
        actor=actor, key=submission_key, model=Note, case=note.case, message=NOTE_CORRECTION_ALREADY_SAVED
    )
    if note.author_id != actor.pk:
        raise PermissionDenied(NOTE_ONLY_AUTHOR_CORRECTS)
    text = text.strip()
    if not text:
        raise ValidationError({"text": NOTE_CORRECTION_EMPTY})
    organisation = acting_organisation(actor, note.case)
    locked = Note.objects.select_for_update().get(pk=note.pk)
    confidentiality = confidentiality or locked.confidentiality
    check_class(actor=actor, case=note.case, confidentiality=confidentiality, organisation=organisation)
    if CLASS_ORDER.index(Confidentiality(confidentiality)) < CLASS_ORDER.index(Confidentiality(locked.confidentiality)):
        raise ValidationError({"confidentiality": NOTE_CORRECTION_WIDENS})
    if locked.corrected_at is not None:
        raise AlreadyRecorded(NOTE_ALREADY_CORRECTED, existing=locked.correction)
    if text == locked.text:
        raise ValidationError({"text": NOTE_CORRECTION_UNCHANGED})
    now = timezone.now()
    versioned_update(
        note, actor=actor, expected_version=expected_version, fields={"corrected_at": now, "corrected_by": actor}
    )
    correction = Note(
        case=note.case,
        author=actor,
        organisation=organisation,
        text=text,
        confidentiality=confidentiality,
        created_at=now,
        corrects=note,
    )
    full_clean_held(correction)
    correction.save()
    timeline_record(
        case=note.case,
        kind=EventKind.NOTE_CORRECTED,
        actor=actor,
        organisation=correction.organisation,
        occurred_at=now,
        data={"note_id": note.pk, "correction_id": correction.pk},
    )
    submission_done(claim, created=correction, case=note.case)
    return correction


@transaction.atomic
def person_remove(
    *, actor, person: Person, reason: str, expected_version: int | None, occurred_at: datetime | None = None
) -> Person:
    """Remove a person added to the case by mistake, with the reason: the row stays (with who removed
    them, when and why) and leaves the case's current list. A stale version is refused; removing twice
    answers AlreadyRecorded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": PERSON_REMOVAL_REASON_REQUIRED})
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.removed_at is not None:
        raise AlreadyRecorded(PERSON_ALREADY_REMOVED, existing=locked)
    removed_at = occurred_at or timezone.now()
    versioned_update(
        person,
        actor=actor,
        expected_version=expected_version,
        fields={"removed_at": removed_at, "removed_by": actor, "removal_reason": reason},
    )
    timeline_record(
        case=person.case,
        kind=EventKind.PERSON_REMOVED,
        actor=actor,
        occurred_at=removed_at,
        summary=person.full_name,
        data={"person_id": person.pk, "role": person.role},
    )
    return person
