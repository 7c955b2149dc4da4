"""The class decided with the reader's participations read once (`reader_grants`, the case page and the
meeting view) answers exactly as the class decided with subqueries in every column: for every reader
(taking part for the item's organisation or not, for Veilig Thuis or not, ended, no longer backed by a
membership, not on the case at all) and every item (person, removed person, note, timeline summary,
document and the persons it names)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from cases.confidentiality import reader_grants
from cases.corrections import person_remove
from cases.documents.selectors import document_rows_of
from cases.documents.services import document_add
from cases.record_reads import notes_of, persons_of
from cases.selectors import timeline_of
from cases.services import note_add, participant_add, participant_end, person_add
from partners.models import Membership
from tests.cases.documents.conftest import upload
from tests.world import basis

pytestmark = pytest.mark.django_db

PERSON_FIELDS = ("readable", "shown_full_name", "shown_date_of_birth", "shown_masked_bsn", "shown_removal_reason")


@pytest.fixture
def record(world, settings, tmp_path):
    """Persons, notes and documents of every class by CVC and VT, a GI participant whose membership has
    ended (the participation stays, unbacked), and a person of the own-organisation class without one."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    w = world
    participant_add(
        actor=w.professional,
        case=w.case,
        organisation=w.gi,
        professional=w.gi_professional,
        role="jeugdbeschermer",
        **basis(),
    )
    persons = []
    for author in (w.professional, w.vt_professional):
        for confidentiality in ("gedeeld", "eigen_organisatie", *(("melder",) if author == w.vt_professional else ())):
            persons.append(
                person_add(
                    actor=author,
                    case=w.case,
                    role="netwerk",
                    full_name=f"{confidentiality} {author.pk}",
                    date_of_birth=date(1990, 1, 2),
                    bsn="123456782" if not persons else "",
                    confidentiality=confidentiality,
                )
            )
            note_add(actor=author, case=w.case, text=f"notitie {confidentiality}", confidentiality=confidentiality)
            document_add(
                actor=author,
                case=w.case,
                kind="verslag",
                title=f"verslag {confidentiality}",
                document_date=date(2026, 1, 5),
                confidentiality=confidentiality,
                persons=persons[-1:],
                file=upload(),
                filename="verslag.pdf",
            )
    removed = person_add(
        actor=w.vt_professional, case=w.case, role="netwerk", full_name="Weg Melder", confidentiality="melder"
    )
    person_remove(actor=w.vt_professional, person=removed, reason="Verkeerde casus", expected_version=removed.version)
    legacy = person_add(
        actor=w.professional, case=w.case, role="netwerk", full_name="Oud", confidentiality="eigen_organisatie"
    )
    with connection.cursor() as cursor:  # a row from before the organisation was kept
        cursor.execute("UPDATE cases_person SET organisation_id = NULL WHERE id = %s", [legacy.pk])
    Membership.objects.filter(user=w.gi_professional).update(end_date=timezone.localdate())  # ends today
    return w


def _readers(w):
    ended = participant_add(
        actor=w.professional, case=w.case, organisation=w.cvc, professional=w.coordinator, role="betrokken", **basis()
    )
    participant_end(actor=w.professional, participant=ended)
    return [w.professional, w.vt_professional, w.gi_professional, w.coordinator, w.stranger]


def test_the_class_with_the_readers_participations_read_once_answers_as_the_subqueries(record):
    w = record
    for reader in _readers(w):
        grants = reader_grants(reader, [w.case.pk])
        plain = [[getattr(p, f) for f in PERSON_FIELDS] for p in persons_of(reader, w.case, removed=None)]
        granted = [
            [getattr(p, f) for f in PERSON_FIELDS] for p in persons_of(reader, w.case, removed=None, grants=grants)
        ]
        assert granted == plain, reader
        assert [(n.readable, n.shown_text) for n in notes_of(reader, w.case, grants)] == [
            (n.readable, n.shown_text) for n in notes_of(reader, w.case)
        ]
        assert [e.shown_summary for e in timeline_of(reader, w.case, grants=grants)] == [
            e.shown_summary for e in timeline_of(reader, w.case)
        ]
        assert document_rows_of(reader, w.case, grants) == document_rows_of(reader, w.case)


def test_each_reader_reads_what_their_own_participations_open(record):
    w = record
    _readers(w)
    # Readable per reader, over the current persons' names: CVC reads its own, VT its own and the melder
    # class, the unbacked GI participant and the ended one only what everyone on the case reads.
    names = {
        reader: sorted(
            p.shown_full_name
            for p in persons_of(reader, w.case, grants=reader_grants(reader, [w.case.pk]))
            if p.readable and p.role == "netwerk"
        )
        for reader in (w.professional, w.vt_professional, w.gi_professional, w.coordinator)
    }
    cvc, vt = w.professional.pk, w.vt_professional.pk
    shared = [f"gedeeld {cvc}", f"gedeeld {vt}"]
    assert names[w.professional] == sorted([*shared, f"eigen_organisatie {cvc}"])
    assert names[w.vt_professional] == sorted([*shared, f"eigen_organisatie {vt}", f"melder {vt}"])
    assert names[w.gi_professional] == sorted(shared)
    assert names[w.coordinator] == sorted(shared)
    assert reader_grants(w.gi_professional, [w.case.pk]).organisations == {}
    assert reader_grants(w.vt_professional, [w.case.pk]).vt_cases == {w.case.pk}
