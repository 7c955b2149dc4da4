"""The import's batch (cases.replay_batch): without nested savepoints, an error a block catches cannot
be undone on its own, so the whole case goes back (and is replayed without the batch); after the batch
the savepoints are back."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import BasisKind, EventKind, Intake, ParticipantRole, TimelineEvent
from cases.replay_batch import BatchBroken, case_replay_batch
from cases.selectors import working_for
from cases.services import case_open, participant_add
from cases.timeline import timeline_record
from partners.models import Municipality
from tests.exchange.world import make_world
from workflows.deadlines.models import Deadline


@pytest.mark.django_db
def test_an_error_caught_inside_the_batch_rolls_the_whole_case_back():
    with pytest.raises(BatchBroken), transaction.atomic(), case_replay_batch():
        Municipality.objects.create(code="GM9801", name="Batchgemeente")
        try:
            with transaction.atomic():  # no savepoint of its own in the batch
                Municipality.objects.create(code="GM9802", name="Binnenin")
                raise ValueError
        except ValueError:
            pass

    assert not Municipality.objects.filter(code__in=["GM9801", "GM9802"]).exists()


@pytest.mark.django_db
def test_nested_blocks_take_savepoints_in_the_batch_only_the_case_s_own():
    with CaptureQueriesContext(connection) as inside, transaction.atomic(), case_replay_batch():
        with transaction.atomic():
            Municipality.objects.create(code="GM9803", name="Binnen")
    with CaptureQueriesContext(connection) as after, transaction.atomic():
        with transaction.atomic():
            Municipality.objects.create(code="GM9804", name="Erna")

    def savepoints(queries):
        return sum(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries)

    assert savepoints(inside) == 1  # the case's block (inside the test's transaction)
    assert savepoints(after) == 2
    assert Municipality.objects.filter(code__in=["GM9803", "GM9804"]).count() == 2


def _open(world):
    return case_open(
        actor=world.cvc_user,
        team=world.team,
        municipality=world.municipality,
        family_name="Gezin Batch",
        intake=Intake.MELDING_VT,
        reported_on=timezone.localdate(),
        vast_gezicht=world.cvc_user,
    )


def _inserts(queries, table: str) -> int:
    return sum(q["sql"].startswith(f'INSERT INTO "{table}"') for q in queries.captured_queries)


@pytest.mark.django_db
def test_the_case_s_timeline_goes_in_with_one_insert_and_whatever_reads_it_meanwhile_finds_every_event():
    world = make_world()
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), case_replay_batch():
        case = _open(world)  # the melding, the opening and the vast gezicht's assignment, with their deadlines
        held = _inserts(queries, "cases_timelineevent")
        kinds = list(TimelineEvent.objects.filter(case=case).order_by("id").values_list("kind", flat=True))
        timeline_record(case=case, kind=EventKind.CASE_CHANGED, actor=world.cvc_user, data={"fields": ["x"]})

    assert held == 0
    assert kinds == [EventKind.MELDING_RECEIVED, EventKind.CASE_OPENED, EventKind.VAST_GEZICHT_ASSIGNED]
    assert _inserts(queries, "cases_timelineevent") == 2  # before the read, and the last one at the end
    assert TimelineEvent.objects.filter(case=case).count() == 4
    # The deadlines opened meanwhile name their start event, which is there now.
    assert Deadline.objects.filter(case=case).exists()
    connection.check_constraints()


@pytest.mark.django_db
def test_in_the_batch_a_new_participation_changes_the_answers_about_its_own_case_and_professional():
    world = make_world()
    with transaction.atomic(), case_replay_batch():
        case = _open(world)
        assert working_for(world.vt_user, case) is None
        participant_add(
            actor=world.cvc_user,
            case=case,
            organisation=world.vt,
            professional=world.vt_user,
            role=ParticipantRole.ONDERZOEKER,
            basis_kind=BasisKind.NIET_VASTGELEGD,
            purpose="",
            unrecorded_basis_allowed=True,
        )
        with CaptureQueriesContext(connection) as queries:
            opener = working_for(world.cvc_user, case)
        vt = working_for(world.vt_user, case)

    assert opener is not None and opener[0] == world.cvc and not queries.captured_queries  # kept
    assert vt is not None and vt[0] == world.vt
