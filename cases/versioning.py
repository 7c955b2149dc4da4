"""Optimistic locking for editable records: lock the row, refuse a stale version, bump it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.exceptions import ConcurrentEditError
from cases.model_validation import full_clean_held

# An edit from a page names the version its editor read; without it a colleague's newer save would be
# overwritten unseen (the import and replay, which own their records, pass None on purpose).
VERSION_REQUIRED = _(
    "De versie van de gegevens die u wijzigt ontbreekt of is ongeldig; er is niets opgeslagen. "
    "Open de pagina opnieuw en voer uw wijziging nog eens in."
)


def history_author(obj: models.Model, actor) -> None:
    """Name `actor` as the author of the history row of `obj`'s next save (simple-history reads this
    attribute; services run outside a request too)."""
    obj._history_user = actor  # type: ignore[attr-defined]


def changed_since(current: models.Model, expected_version: int | None) -> dict[str, tuple[object, object]]:
    """{field: (as the editor saw it, as it is now)} for what changed after `expected_version`, read from
    the record's history (the editor's own copy may already be the current row)."""
    history = getattr(type(current), "history", None)
    if history is None or expected_version is None:
        return {}
    seen = history.filter(id=current.pk, version=expected_version).order_by("-history_id").first()
    if seen is None:
        return {}
    return {
        field.name: (getattr(seen, field.attname), getattr(current, field.attname))
        for field in type(current)._meta.concrete_fields
        if field.name not in ("id", "version") and getattr(seen, field.attname) != getattr(current, field.attname)
    }


def versioned_update(obj: models.Model, *, actor, expected_version: int | None, fields: dict) -> dict:
    """Apply `fields` to `obj` under a row lock; returns {field: (old, new)} of what changed.

    A stale `expected_version` raises ConcurrentEditError and changes nothing. The history row
    names `actor`, also outside a request (services run from the API, tasks and tests too).
    """
    model = type(obj)
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(current=locked, changed_fields=changed_since(locked, expected_version))
    changes = {name: (getattr(locked, name), value) for name, value in fields.items() if getattr(locked, name) != value}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    full_clean_held(locked)
    history_author(locked, actor)
    locked.save(update_fields=[*fields, "version"])
    for name in (*fields, "version"):
        setattr(obj, name, getattr(locked, name))
    return changes


def history_managers_reused() -> None:
    """django-simple-history builds a new manager class (`from_queryset`, which walks the queryset class
    with `inspect.getmembers`) at every read of `instance.history`, and it reads it for every history row
    it writes: ~1 ms per row. The class depends only on the descriptor's two classes, so build it once."""
    from simple_history.manager import HistoryDescriptor

    if getattr(HistoryDescriptor, "_manager_reused", False):
        return

    def __get__(self, instance, owner):
        manager = self.__dict__.get("_manager")
        if manager is None:
            manager = self._manager = self.manager_class.from_queryset(self.queryset_class)
        return manager(self.model, instance)

    HistoryDescriptor.__get__ = __get__  # type: ignore[method-assign]
    HistoryDescriptor._manager_reused = True  # type: ignore[attr-defined]
