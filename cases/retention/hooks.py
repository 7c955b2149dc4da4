"""Who else removes content when a case is destroyed: workflows (minutes, notifications) and exchange
(imported documents) hold case content but sit above cases, so they register an eraser here from
their AppConfig.ready, and `destruction_confirm` calls each in its transaction."""

from __future__ import annotations

from collections.abc import Callable

Eraser = Callable[[int], None]  # takes the case id

_erasers: list[Eraser] = []


def on_case_destroyed(eraser: Eraser) -> Eraser:
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


def erase_elsewhere(case_id: int) -> None:
    for eraser in _erasers:
        eraser(case_id)
