"""The import's batch (cases.replay_batch): without nested savepoints, an error a block catches cannot
be undone on its own, so the whole case goes back (and is replayed without the batch); after the batch
the savepoints are back."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.replay_batch import BatchBroken, case_replay_batch
from partners.models import Municipality


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
