"""The lifecycle as the bulk demo seeder (cases.demo) needs it: for each status, the shortest legal
path from aangemeld through the one transition table, with the names of the guards each move must
satisfy. The seeder cannot import workflows (layers), so the app registers this at start-up."""

from __future__ import annotations

from collections import deque
from functools import cache

from cases.models import CaseStatus
from workflows.lifecycle.services import TRANSITIONS

Move = tuple[str, str, tuple[str, ...]]  # (from, to, guard names)


@cache
def lifecycle_path(target: str) -> tuple[Move, ...]:
    """The fewest moves from aangemeld to `target` that TRANSITIONS allows (ValueError if none)."""
    start = CaseStatus.AANGEMELD.value
    came_from: dict[str, Move | None] = {start: None}
    queue = deque([start])
    while queue:
        status = queue.popleft()
        for frm, to in TRANSITIONS:
            if frm == status and to not in came_from:
                came_from[to] = (frm, to, tuple(guard.__name__ for guard in TRANSITIONS[(frm, to)]))
                queue.append(to)
    if target not in came_from:
        raise ValueError(f"no legal path to {target}")
    path: list[Move] = []
    step = came_from[target]
    while step is not None:
        path.append(step)
        step = came_from[step[0]]
    return tuple(reversed(path))
