"""Optimistic locking for editable records: lock the row, refuse a stale version, bump it."""

from __future__ import annotations

from django.db import models

from cases.exceptions import ConcurrentEditError
from cases.model_validation import full_clean_held


def versioned_update(obj: models.Model, *, actor, expected_version: int | None, fields: dict) -> dict:
    """Apply `fields` to `obj` under a row lock; returns {field: (old, new)} of what changed.

    A stale `expected_version` raises ConcurrentEditError and changes nothing. The history row
    names `actor`, also outside a request (services run from the API, tasks and tests too).
    """
    model = type(obj)
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        changed = {name: (getattr(obj, name), getattr(locked, name)) for name in fields
                   if getattr(obj, name) != getattr(locked, name)}  # fmt: skip
        raise ConcurrentEditError(current=locked, changed_fields=changed)
    changes = {name: (getattr(locked, name), value) for name, value in fields.items() if getattr(locked, name) != value}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    full_clean_held(locked)
    locked._history_user = actor
    locked.save(update_fields=[*fields, "version"])
    for name in (*fields, "version"):
        setattr(obj, name, getattr(locked, name))
    return changes
