"""Model validation for services, without the lookups that repeat what the service already knows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import models


def full_clean_held(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """`Model.full_clean`, minus Django's existence query for each foreign key whose object the
    instance already holds: a service sets those from rows it read (or wrote) in this transaction,
    and the database's foreign key constraint still guards them. Fields, `clean()`, uniqueness and
    constraints are checked as `full_clean` does; a key given only as an id is still looked up."""
    exclude = set(exclude)
    held = {
        field.name
        for field in instance._meta.concrete_fields
        if field.many_to_one
        and not field.remote_field.limit_choices_to
        and field.is_cached(instance)
        and getattr(instance, field.name) is not None
        and getattr(instance, field.name).pk is not None
    }
    errors: dict = {}
    try:
        instance.full_clean(exclude=exclude | held, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # As full_clean does: a field that failed is not checked again for uniqueness or constraints.
    exclude |= set(errors)
    if not _left_to_database.get():
        errors = _unique_and_constraints(instance, exclude, errors)
    if errors:
        raise ValidationError(errors)


def _unique_and_constraints(instance: models.Model, exclude: set[str], errors: dict) -> dict:
    for check in (instance.validate_unique, instance.validate_constraints):
        try:
            check(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    return errors


_left_to_database: ContextVar[bool] = ContextVar("constraints_left_to_database", default=False)


@contextmanager
def constraints_left_to_database() -> Iterator[None]:
    """Inside, `full_clean_held` leaves uniqueness and the models' constraints to the database, which
    holds the same ones: for a batch (cases.replay_batch) that, when the database refuses a row, runs
    the services again outside the batch, where the check answers with its field and message."""
    token = _left_to_database.set(True)
    try:
        yield
    finally:
        _left_to_database.reset(token)
