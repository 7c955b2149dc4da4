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
  until a participation or membership changes;
- the history rows (django-simple-history) of models without many-to-many history are written with
  one INSERT per model at the end, and the access log's rows with one append (`access_log_buffered`).

Nothing here decides anything: the rules stay in the services, which run exactly as they do alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connections, models
from django.db.models.signals import post_delete, post_save
from simple_history.signals import pre_create_historical_record

from cases.access_log.services import access_log_buffered
from cases.model_validation import constraints_left_to_database


class BatchBroken(Exception):
    """A service needed a savepoint the batch did not take: replay the case without the batch."""


@dataclass
class _Batch:
    locked: set[tuple[str, object]] = field(default_factory=set)
    working: dict[tuple[int, int], object] = field(default_factory=dict)
    history: list[models.Model] = field(default_factory=list)


_batch: ContextVar[_Batch | None] = ContextVar("case_replay_batch", default=None)


@contextmanager
def case_replay_batch(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("case_replay_batch() runs inside the case's own atomic block")
    batch = _Batch()
    token = _batch.set(batch)
    # An instance attribute in front of the method: Atomic then takes no savepoint (Django's own path
    # for a database without savepoints); the case's block took its savepoint before this.
    setattr(connection, "_savepoint_allowed", _no_savepoint)  # noqa: B010 - an instance attribute, on purpose
    try:
        with access_log_buffered(), constraints_left_to_database():
            yield
            if connection.needs_rollback:  # an error was caught inside a block without its savepoint
                raise BatchBroken
            _history_flush(batch.history, using)
    finally:
        delattr(connection, "_savepoint_allowed")  # noqa: B043 - the class's method again
        _batch.reset(token)


def _no_savepoint() -> bool:
    return False


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


def _forget_working(sender, **kwargs) -> None:
    batch = _batch.get()
    if batch is not None:
        batch.working.clear()


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
    from partners.models import Membership

    for model in (Participant, Membership):
        post_save.connect(_forget_working, sender=model, dispatch_uid=f"replay-batch-{model._meta.label}-save")
        post_delete.connect(_forget_working, sender=model, dispatch_uid=f"replay-batch-{model._meta.label}-delete")
    pre_create_historical_record.connect(_defer_history, dispatch_uid="replay-batch-history")
