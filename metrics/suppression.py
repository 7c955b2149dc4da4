"""Small-cell suppression of a two-way count table with its row and column totals.

The published table is the (R+1) x (C+1) grid of the R x C interior counts, the row totals (last
column), the column totals (last row) and the grand total (corner). Anyone reading it knows these
linear relations: every row of the grid sums to its last cell, every column to its last cell.

**Primary suppression**: every cell (interior or total) with 0 < count < k is suppressed. Zeros are
published: "nobody" names no one, and suppressing zeros would hide the structure evaluators need.

**Secondary suppression**: what must not happen is that the published cells and the relations
determine a suppressed cell. Multiply the last row's and last column's equations and the total
cells by -1 and every cell appears with +1 in exactly two equations: its row's and its column's.
So the relations are the incidence matrix of a bipartite graph whose nodes are the R+1 rows and
C+1 columns of the grid and whose edges are the suppressed cells. A solution plus any cycle
(alternating +t/-t around it) is again a solution, and the cycles span all the freedom: a
suppressed cell is determined exactly when its edge lies on no cycle, i.e. when it is a *bridge*.
(A line with a single suppressed cell is the simplest case: a node of degree one. "At least two
suppressed cells per line" is necessary but not sufficient: two suppressed blocks joined by one
cell satisfy it, yet that cell is a bridge and can be computed.)

The algorithm: while the graph of suppressed cells has a bridge (i, j), suppress one more cell
that puts it on a cycle: a published cell whose row and column lie on opposite sides of the bridge
(one reachable from row i, the other from column j, without the bridge). Among candidates take the
smallest non-zero count (least information lost), interior cells before totals. There is always
one unless an end of the bridge has degree one (a line with a single suppressed cell); then take
the cheapest published cell in row i or column j - that line has one - and look again. Each round
suppresses one more cell, and the fully suppressed grid (with R+1, C+1 >= 2) has no bridges, so it terminates, with no
suppressed cell recoverable from the linear relations.

Periods: `metrics.tables` applies this to each month's block on its own and makes quarters, years and
range totals consistent with their months, so overlapping periods cannot be subtracted either.

Not covered: bounds attacks (counts are >= 0, so a suppressed cell can be narrowed to an interval,
not pinned), tables that share a total (cases by status, by intake route and on the crisis path all
count the cases opened; each table is suppressed on its own, and without extra dimensions a month's row
total is hidden in all three exactly when it is under k), and tables linked through the team and
municipality filters (the same month for one team
and for all teams, or per team and municipality in the export and overall on the dashboard); these are
why k is applied to totals as well and why published tables each carry their own totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """The grid with totals, and which of its cells are suppressed (published as None)."""

    grid: list[list[int]]  # (R+1) x (C+1): interior, row totals last, column totals last
    suppressed: frozenset[Cell]

    def published(self) -> list[list[int | None]]:
        return [
            [None if (i, j) in self.suppressed else value for j, value in enumerate(row)]
            for i, row in enumerate(self.grid)
        ]


def with_totals(interior: Sequence[Sequence[int]]) -> list[list[int]]:
    """The interior counts with a row-total column and a column-total row appended."""
    rows = [list(row) + [sum(row)] for row in interior]
    width = len(rows[0]) if rows else 1
    totals = [sum(row[j] for row in rows) for j in range(width)]
    return [*rows, totals]


def suppress(interior: Sequence[Sequence[int]], k: int) -> SuppressedTable:
    """Primary and secondary suppression of a count table; see the module docstring."""
    grid = with_totals(interior)
    n_rows, n_cols = len(grid), len(grid[0])
    hidden: set[Cell] = {(i, j) for i in range(n_rows) for j in range(n_cols) if 0 < grid[i][j] < k}
    if n_rows < 2 or n_cols < 2:
        return SuppressedTable(grid, frozenset(hidden))
    while True:
        bridge = _first_bridge(hidden, n_rows, n_cols)
        if bridge is None:
            return SuppressedTable(grid, frozenset(hidden))
        hidden.add(_cell_to_close(bridge, hidden, grid))


def is_protected(table: SuppressedTable) -> bool:
    """True when no suppressed cell is determined by the published cells and totals."""
    return _first_bridge(set(table.suppressed), len(table.grid), len(table.grid[0])) is None


def _cost(grid: list[list[int]], cell: Cell) -> tuple:
    i, j = cell
    is_total = i == len(grid) - 1 or j == len(grid[0]) - 1
    value = grid[i][j]
    # Non-zero before zero (a suppressed zero among zeros protects little), interior before totals.
    return (value == 0, is_total, value, i, j)


def _cell_to_close(bridge: Cell, hidden: set[Cell], grid: list[list[int]]) -> Cell:
    """A published cell joining the two sides of the bridge (so it lies on a cycle); failing
    that (an endpoint has degree one), the cheapest published cell in the bridge's row or column."""
    i, j = bridge
    n_rows, n_cols = len(grid), len(grid[0])
    rest = hidden - {bridge}
    side_i = _component(("r", i), rest)
    side_j = _component(("c", j), rest)
    crossing = [
        (a, b)
        for a in range(n_rows)
        for b in range(n_cols)
        if (a, b) not in hidden
        and ((("r", a) in side_i and ("c", b) in side_j) or (("r", a) in side_j and ("c", b) in side_i))
    ]
    if crossing:
        return min(crossing, key=lambda cell: _cost(grid, cell))
    line = [(i, b) for b in range(n_cols) if (i, b) not in hidden]
    line += [(a, j) for a in range(n_rows) if (a, j) not in hidden]
    return min(line, key=lambda cell: _cost(grid, cell))


def _adjacency(cells: set[Cell]) -> dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]]:
    adj: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]] = {}
    for i, j in cells:
        adj.setdefault(("r", i), []).append((("c", j), (i, j)))
        adj.setdefault(("c", j), []).append((("r", i), (i, j)))
    return adj


def _component(start: tuple[str, int], cells: set[Cell]) -> set[tuple[str, int]]:
    adj = _adjacency(cells)
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for other, _cell in adj.get(node, ()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def _first_bridge(cells: set[Cell], n_rows: int, n_cols: int) -> Cell | None:
    """A bridge of the row/column graph of the suppressed cells (Tarjan, iterative), or None."""
    adj = _adjacency(cells)
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    bridges: list[Cell] = []
    counter = 0
    for root in sorted(adj):
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, None, iter(adj[root]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for other, cell in edges:
                if cell == via:
                    continue
                if other not in order:
                    order[other] = low[other] = counter
                    counter += 1
                    stack.append((other, cell, iter(adj[other])))
                    advanced = True
                    break
                low[node] = min(low[node], order[other])
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    bridges.append(via)
    return min(bridges) if bridges else None
