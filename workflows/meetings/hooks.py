"""What the minutes need from other workflows without importing them (meetings, lifecycle and
deadlines are independent): the deadlines app registers its provider at start-up
(`workflows.apps.WorkflowsConfig.ready`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypedDict


class OverdueDeadline(TypedDict):
    case_id: int
    name: str
    due_at: str  # ISO 8601, UTC
    responsible_organisation_id: int | None
    responsible_organisation: str


OverdueProvider = Callable[[Iterable[int], datetime], list[OverdueDeadline]]
_overdue_provider: OverdueProvider | None = None


def register_overdue_deadlines(provider: OverdueProvider) -> None:
    """`provider(case_ids, now)`: the open deadlines of those cases already past due at `now`."""
    global _overdue_provider  # noqa: PLW0603 - a one-slot registry, set once at start-up
    _overdue_provider = provider


def overdue_deadlines(case_ids: Iterable[int], now: datetime) -> dict[int, list[OverdueDeadline]]:
    """Per case the overdue deadlines at `now`; empty when no provider is registered."""
    found: dict[int, list[OverdueDeadline]] = {}
    if _overdue_provider is None:
        return found
    for deadline in _overdue_provider(list(case_ids), now):
        found.setdefault(deadline["case_id"], []).append(deadline)
    return found
