"""One case's history replayed in one go (the exchange import): the same services, fewer round trips.

Inside `case_replay_batch()`, which must run inside the case's own atomic block (its savepoint):

- nested atomic blocks of the services take no savepoint of their own: the case's savepoint is the
  one that rolls back. A service that catches an error inside a nested block and carries on cannot
  do so without its savepoint; the block then raises `BatchBroken` (or the error passes), and the
  caller replays the case again without the batch, which gives the services' own answer;
- uniqueness and the models' constraints are checked by the database only (`full_clean_held`): a
  refusal is an error that sends the case to the replay without the batch, which names the field;
- a row lock taken once (`lock_row`) is not taken again: it holds until the transaction ends;
- "for which organisation does this user work on this case" (`working_for`) is answered once per user
  until a participation of theirs on the case or a membership changes; other answers read from a case's
  participations (`participations_read`: who answers for a deadline) once until one of them changes;
- the history rows (django-simple-history) of models without many-to-many history are written with
  one INSERT per model at the end, and the access log's rows with one append (`access_log_buffered`);
- a timeline event gets its id from the sequence at once (ids taken a few at a time) and its row goes in
  with the case's other events in one INSERT: before any statement that names the timeline's table (so
  whatever reads or changes the timeline finds every event recorded so far), else at the end. The
  subscribers still run at each event, as it is recorded; the rows that refer to an event meanwhile
  (a deadline's start event) wait for it behind PostgreSQL's deferred foreign keys.

Nothing here decides anything: the rules stay in the services, which run exactly as they do alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connections, models
from django.db.models.signals import m2m_changed, post_delete, post_save
from simple_history.signals import pre_create_historical_record

from cases.access_log.services import access_log_buffered
from cases.model_validation import constraints_left_to_database


class BatchBroken(Exception):
    """A service needed a savepoint the batch did not take: replay the case without the batch."""


@dataclass
class _Batch:
    using: str
    locked: set[tuple[str, object]] = field(default_factory=set)
    working: dict[tuple[int, int], object] = field(default_factory=dict)
    case_reads: dict[tuple[int, object], object] = field(default_factory=dict)
    history: list[models.Model] = field(default_factory=list)
    events: list[models.Model] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)


_batch: ContextVar[_Batch | None] = ContextVar("case_replay_batch", default=None)


@contextmanager
def case_replay_batch(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("case_replay_batch() runs inside the case's own atomic block")
    batch = _Batch(using=using)
    token = _batch.set(batch)
    # An instance attribute in front of the method: Atomic then takes no savepoint (Django's own path
    # for a database without savepoints); the case's block took its savepoint before this.
    setattr(connection, "_savepoint_allowed", _no_savepoint)  # noqa: B010 - an instance attribute, on purpose
    try:
        with (
            access_log_buffered(),
            constraints_left_to_database(),
            connection.execute_wrapper(_events_before_timeline_statements),
        ):
            yield
            if connection.needs_rollback:  # an error was caught inside a block without its savepoint
                raise BatchBroken
            _events_flush(batch)
            _history_flush(batch.history, using)
    finally:
        delattr(connection, "_savepoint_allowed")  # noqa: B043 - the class's method again
        _batch.reset(token)


def _no_savepoint() -> bool:
    return False


# Ids taken from the timeline's sequence at a time: about one case's events (unused ones are a gap).
_EVENT_IDS_AT_ONCE = 16


def timeline_event_held(event: models.Model) -> bool:
    """In a batch on PostgreSQL: give the new (unsaved) timeline event its id and hold its row for the
    batch's one INSERT of events; False otherwise (the caller saves it)."""
    batch = _batch.get()
    if batch is None or connections[batch.using].vendor != "postgresql":
        return False
    if not batch.event_ids:
        table = event._meta.db_table
        with connections[batch.using].cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, _EVENT_IDS_AT_ONCE],
            )
            batch.event_ids = [row[0] for row in cursor.fetchall()][::-1]
    event.pk = batch.event_ids.pop()
    batch.events.append(event)
    return True


def _events_flush(batch: _Batch) -> None:
    if batch.events:
        events, batch.events = batch.events, []
        type(events[0])._default_manager.using(batch.using).bulk_create(events)


def _events_before_timeline_statements(execute, sql, params, many, context):
    """Whatever reads or changes the timeline sees the events recorded so far: they go in first."""
    batch = _batch.get()
    if batch is not None and batch.events and "cases_timelineevent" in sql:
        _events_flush(batch)
    return execute(sql, params, many, context)


def already_locked(obj: models.Model) -> bool:
    """True when the batch's transaction holds this row's lock already; else notes that it will."""
    batch = _batch.get()
    if batch is None:
        return False
    key = (obj._meta.label, obj.pk)
    if key in batch.locked:
        return True
    batch.locked.add(key)
    return False


_UNKNOWN = object()


def working_for_cached(user, case) -> object:
    """The batch's answer for (user, case), or _UNKNOWN."""
    batch = _batch.get()
    if batch is None or user.pk is None or case.pk is None:
        return _UNKNOWN
    return batch.working.get((user.pk, case.pk), _UNKNOWN)


def working_for_remember(user, case, answer) -> None:
    batch = _batch.get()
    if batch is not None and user.pk is not None and case.pk is not None:
        batch.working[(user.pk, case.pk)] = answer


def is_unknown(answer) -> bool:
    return answer is _UNKNOWN


def participations_read(case, key: object, read: Callable[[], object]) -> object:
    """`read()`, an answer that follows from the case's participations (and its team's organisations and
    memberships); in a batch it is kept until one of those changes."""
    batch = _batch.get()
    if batch is None or case.pk is None:
        return read()
    full_key = (case.pk, key)
    if full_key not in batch.case_reads:
        batch.case_reads[full_key] = read()
    return batch.case_reads[full_key]


def _forget_working(sender, instance, **kwargs) -> None:
    """A participation changes the answers about its case, and `working_for` of its professional on it
    only (that reads the user's participations in the case and their memberships); a membership, an
    organisation or a team's organisations may change any of them."""
    batch = _batch.get()
    if batch is None:
        return
    if sender._meta.label == "cases.Participant":
        batch.working.pop((instance.professional_id, instance.case_id), None)
        for key in [key for key in batch.case_reads if key[0] == instance.case_id]:
            del batch.case_reads[key]
    else:
        batch.working.clear()
        batch.case_reads.clear()


def _defer_history(sender, history_instance, **kwargs) -> None:
    """Collect the history row instead of saving it (models whose history has no many-to-many rows,
    which need the row's id at once)."""
    batch = _batch.get()
    if batch is None or getattr(history_instance, "_history_m2m_fields", None):
        return

    def save(*args, **kw) -> None:
        batch.history.append(history_instance)

    history_instance.save = save


def _history_flush(rows: list[models.Model], using: str) -> None:
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for row in rows:
        del row.save  # the instance's own save again
        by_model.setdefault(type(row), []).append(row)
    for model, instances in by_model.items():
        model._default_manager.using(using).bulk_create(instances)


def connect_signals() -> None:
    """Called from the cases app's ready(): participations and memberships reset `working_for`."""
    from cases.models import Participant
    from partners.models import Membership, Organisation, SafetyTeam

    for model in (Participant, Membership, Organisation):
        post_save.connect(_forget_working, sender=model, dispatch_uid=f"replay-batch-{model._meta.label}-save")
        post_delete.connect(_forget_working, sender=model, dispatch_uid=f"replay-batch-{model._meta.label}-delete")
    m2m_changed.connect(
        _forget_working, sender=SafetyTeam.organisations.through, dispatch_uid="replay-batch-team-organisations"
    )
    pre_create_historical_record.connect(_defer_history, dispatch_uid="replay-batch-history")
