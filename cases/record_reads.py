"""Need-to-know reads of the case record's own content items: notes and persons' details (name, date
of birth, BSN). Callers pass a case they got through the one door (`cases.selectors.case_for`).

The item's confidentiality class (`cases.confidentiality`) is applied inside the query: every row
comes with `readable` and its content columns as `shown_*`, NULL for a reader without the class, while
the content columns themselves are never loaded. Such a reader learns "dat, niet wat": that the note
exists, its author, organisation and time; that a person exists and their role in the family.
A write on an item (correcting a note, changing or removing a person) needs its content: those reads
return only readable rows, anything else is "not found".
"""

from __future__ import annotations

from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat, Right
from django.http import Http404

from cases.confidentiality import ReaderGrants, readable_condition, shown, with_readable
from cases.models import Case, Note, Person, TimelineEvent
from security.digits import parse_id

# A person's details; the role in the family, the class and who added them are always known.
PERSON_DETAILS = ("full_name", "date_of_birth", "bsn", "removal_reason")


def notes_shown(user, notes: QuerySet[Note], grants: ReaderGrants | None = None) -> QuerySet[Note]:
    """`notes` with `readable` and `shown_text` (NULL without the class); the text itself stays behind.
    `grants`: the reader's `cases.confidentiality.reader_grants` for the notes' cases, where read already."""
    return with_readable(notes, user, grants).defer("text").annotate(shown_text=shown("text"))


def notes_of(user, case: Case, grants: ReaderGrants | None = None) -> QuerySet[Note]:
    """The case's notes as `user` may know them (one query): author, organisation and the corrected
    note's time joined in; the corrected note's text is never loaded."""
    return (
        notes_shown(user, Note.objects.filter(case=case), grants)
        .select_related("author", "organisation", "corrected_by")
        .annotate(corrects_created_at=F("corrects__created_at"))
    )


def note_to_correct(user, case: Case, note_id) -> Note:
    """A note of the case whose text `user` may read (a correction starts from it); Http404 otherwise."""
    pk = parse_id(note_id)
    note = (
        with_readable(Note.objects.filter(case=case, pk=pk), user)
        .filter(readable=True)
        .select_related("author", "organisation")
        .first()
        if pk is not None
        else None
    )
    if note is None:
        raise Http404("Notitie niet gevonden")
    note.case = case
    return note


def _masked(column: str) -> Concat:
    """The BSN as pages show it (cases.validators.mask_bsn), computed by the database."""
    return Concat(Value("*****"), Right(column, 4))


def persons_shown(user, persons: QuerySet[Person], grants: ReaderGrants | None = None) -> QuerySet[Person]:
    """`persons` with `readable` and their details as `shown_full_name`, `shown_date_of_birth`,
    `shown_masked_bsn`, `shown_removal_reason` (NULL without the class); the details stay behind.
    `grants`: the reader's `cases.confidentiality.reader_grants` for the persons' cases, where read already."""
    return (
        with_readable(persons, user, grants)
        .defer(*PERSON_DETAILS)
        .annotate(
            shown_full_name=shown("full_name"),
            shown_date_of_birth=shown("date_of_birth"),
            shown_masked_bsn=SqlCase(When(Q(readable=True) & ~Q(bsn=""), then=_masked("bsn")), default=Value(None)),
            shown_removal_reason=shown("removal_reason"),
        )
    )


def persons_of(
    user, case: Case, *, removed: bool | None = False, grants: ReaderGrants | None = None
) -> QuerySet[Person]:
    """The case's persons as `user` may know them: the current ones (`removed=False`), those removed as
    added by mistake (`True`) or all (`None`). One query each; who removed them joined in."""
    persons = Person.objects.filter(case=case)
    if removed is not None:
        persons = persons.filter(removed_at__isnull=not removed)
    return persons_shown(user, persons, grants).select_related("removed_by", "organisation")


def person_to_change(user, case: Case, person_id) -> Person:
    """A person of the case whose details `user` may read (to change or remove them); Http404 otherwise."""
    pk = parse_id(person_id)
    person = readable_persons(user, Person.objects.filter(case=case, pk=pk)).first() if pk is not None else None
    if person is None:
        raise Http404("Persoon niet gevonden")
    person.case = case
    return person


def readable_persons(user, persons: QuerySet[Person]) -> QuerySet[Person]:
    """Only the persons of `persons` whose details `user` may read (the class decided in the query)."""
    return persons.filter(readable_condition(user))


def timeline_shown(
    user, events: QuerySet[TimelineEvent], grants: ReaderGrants | None = None
) -> QuerySet[TimelineEvent]:
    """Events with `shown_summary`: the stored summary (a name, a reason typed), or NULL where the event
    is about a person (`data.person_id`) whose details `user` may not read. The summary stays behind."""
    person = Person.objects.filter(
        case_id=OuterRef("case_id"),
        pk=Cast(KeyTextTransform("person_id", OuterRef("data")), BigIntegerField()),
    )
    hidden = person.exclude(readable_condition(user, grants=grants))
    return (
        events.defer("summary")
        .annotate(summary_hidden=Exists(hidden))
        .annotate(shown_summary=SqlCase(When(Q(summary_hidden=False), then=F("summary")), default=Value(None)))
    )
