"""Recording the melder: only Veilig Thuis, only on a melding, once per episode, with the rules that
tie the fields together; the reads decide in the query who gets the content."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.exceptions import AlreadyRecorded, AlreadySubmitted, ConcurrentEditError
from cases.models import EventKind, TimelineEvent
from cases.reporters.models import Reporter
from cases.reporters.selectors import may_read_reporters, reporter_traces_of, reporters_readable_by
from cases.reporters.services import (
    REPORTER_NOT_A_MELDING,
    REPORTER_PROFESSIONAL_DETAILS,
    REPORTER_PROMISE_REQUIRED,
    REPORTER_VT_ONLY,
    reporter_change,
    reporter_record,
)
from cases.services import participant_add, participant_end
from tests.cases.conftest import open_case
from tests.cases.reporters.conftest import NAME, PHONE, leaked
from tests.world import basis

MINIMAL = {"relation": "leerkracht", "kind": "professional", "profession": "leerkracht"}


def test_veilig_thuis_records_the_melder_and_the_timeline_says_only_that(world):
    reporter = reporter_record(actor=world.vt_professional, case=world.case, full_name=NAME, phone=PHONE, **MINIMAL)

    assert reporter.organisation == world.vt and reporter.episode == 1
    event = TimelineEvent.objects.get(case=world.case, kind=EventKind.REPORTER_RECORDED)
    assert event.summary == "" and event.data == {"reporter_id": reporter.pk}
    assert event.organisation == world.vt


@pytest.mark.parametrize("who", ["professional", "gi_professional", "coordinator"])
def test_nobody_but_veilig_thuis_records_the_melder(world, who):
    with pytest.raises(PermissionDenied, match=str(REPORTER_VT_ONLY)):
        reporter_record(actor=getattr(world, who), case=world.case, **MINIMAL)
    assert not Reporter.objects.exists()


def test_a_melder_belongs_to_a_case_that_came_in_through_a_melding(world):
    case = open_case(world.professional, world.team, intake="signaal_lokaal_team")
    participant_add(
        actor=world.professional,
        case=case,
        organisation=world.vt,
        professional=world.vt_professional,
        role="betrokken",
        **basis(),
    )
    with pytest.raises(ValidationError, match=str(REPORTER_NOT_A_MELDING)):
        reporter_record(actor=world.vt_professional, case=case, **MINIMAL)


def test_one_melder_per_episode_and_the_same_form_twice_records_one(world):
    key = uuid.uuid4()
    first = reporter_record(actor=world.vt_professional, case=world.case, submission_key=key, **MINIMAL)
    with pytest.raises(AlreadySubmitted) as again:
        reporter_record(actor=world.vt_professional, case=world.case, submission_key=key, **MINIMAL)
    assert again.value.existing == first
    with pytest.raises(AlreadyRecorded) as second:
        reporter_record(actor=world.vt_professional, case=world.case, **MINIMAL)
    assert second.value.existing == first
    assert Reporter.objects.count() == 1


def test_the_rules_that_tie_the_fields_together(world):
    with pytest.raises(ValidationError) as professional:
        reporter_record(actor=world.vt_professional, case=world.case, relation="huisarts", kind="professional")
    assert professional.value.message_dict["profession"] == [str(REPORTER_PROFESSIONAL_DETAILS)]
    with pytest.raises(ValidationError) as promised:
        reporter_record(actor=world.vt_professional, case=world.case, anonymity_promised=True, **MINIMAL)
    assert promised.value.message_dict["promise"] == [str(REPORTER_PROMISE_REQUIRED)]

    private = reporter_record(
        actor=world.vt_professional, case=world.case, relation="oom", kind="prive", profession="bakker"
    )
    assert private.profession == ""  # a private person has no profession on the record


def test_a_stale_correction_is_refused_and_changes_nothing(world):
    reporter = reporter_record(actor=world.vt_professional, case=world.case, **MINIMAL)
    reporter_change(actor=world.vt_professional, reporter=reporter, expected_version=1, phone=PHONE)
    with pytest.raises(ConcurrentEditError):
        reporter_change(actor=world.vt_professional, reporter=reporter, expected_version=1, phone="010-0000000")
    reporter.refresh_from_db()
    assert reporter.phone == PHONE and reporter.version == 2
    with pytest.raises(PermissionDenied):
        reporter_change(actor=world.professional, reporter=reporter, expected_version=2, phone="1")


def test_the_content_reaches_only_an_active_veilig_thuis_participant(world):
    reporter_record(
        actor=world.vt_professional,
        case=world.case,
        full_name=NAME,
        anonymity_promised=True,
        promise="Naam niet noemen",
        **MINIMAL,
    )
    assert list(reporters_readable_by(world.vt_professional, world.case).values_list("full_name", flat=True)) == [NAME]
    assert may_read_reporters(world.vt_professional, world.case)
    [vt_trace] = reporter_traces_of(world.vt_professional, world.case)
    assert vt_trace.anonymity_promised is True

    for user in (world.professional, world.gi_professional, world.coordinator, world.privacy_officer):
        assert not reporters_readable_by(user, world.case).exists()
        assert not may_read_reporters(user, world.case)
        [trace] = reporter_traces_of(user, world.case)
        assert trace.anonymity_promised is None  # NULL from the database, not hidden afterwards
        assert trace.organisation == world.vt.name and not leaked(repr(trace))

    participant_end(actor=world.professional, participant=world.vt_participant)
    assert not reporters_readable_by(world.vt_professional, world.case).exists()


def test_the_readers_query_carries_the_veilig_thuis_condition(world):
    sql = str(reporters_readable_by(world.professional, world.case).query)
    assert "EXISTS" in sql and "veilig_thuis" in sql
