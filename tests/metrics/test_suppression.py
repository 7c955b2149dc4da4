"""Small-cell suppression: no suppressed cell can be recovered from the published cells and totals."""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.suppression import SuppressedTable, is_protected, suppress, with_totals

K = 5
counts = st.one_of(st.integers(0, 4), st.integers(5, 40), st.just(0), st.integers(0, 1000))
tables = st.integers(1, 7).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=8)
)


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [row[:] for row in rows]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def determined_cells(table: SuppressedTable) -> set:
    """Solve it: the suppressed cells whose value the published cells and the sum relations fix.

    Unknowns are the suppressed cells; each row and column of the grid gives an equation (interior
    cells sum to the total cell). A cell is fixed iff its unit vector lies in the equations' row space."""
    hidden = sorted(table.suppressed)
    index = {cell: n for n, cell in enumerate(hidden)}
    n_rows, n_cols = len(table.grid), len(table.grid[0])
    equations = []
    for i in range(n_rows):
        eq = [Fraction(0)] * len(hidden)
        for j in range(n_cols):
            if (i, j) in index:
                eq[index[(i, j)]] = Fraction(-1 if j == n_cols - 1 else 1)
        equations.append(eq)
    for j in range(n_cols):
        eq = [Fraction(0)] * len(hidden)
        for i in range(n_rows):
            if (i, j) in index:
                eq[index[(i, j)]] = Fraction(-1 if i == n_rows - 1 else 1)
        equations.append(eq)
    base = _rank(equations)
    fixed = set()
    for cell, n in index.items():
        unit = [Fraction(int(m == n)) for m in range(len(hidden))]
        if _rank([*equations, unit]) == base:
            fixed.add(cell)
    return fixed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_every_count_under_k_is_suppressed_including_totals(interior):
    table = suppress(interior, K)
    for i, row in enumerate(with_totals(interior)):
        for j, value in enumerate(row):
            if 0 < value < K:
                assert (i, j) in table.suppressed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_line_of_the_table_with_its_totals_has_exactly_one_suppressed_cell(interior):
    table = suppress(interior, K)
    n_rows, n_cols = len(table.grid), len(table.grid[0])
    if n_rows < 2 or n_cols < 2:
        return
    for i in range(n_rows):
        assert sum((i, j) in table.suppressed for j in range(n_cols)) != 1
    for j in range(n_cols):
        assert sum((i, j) in table.suppressed for i in range(n_rows)) != 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_solving_the_published_equations_recovers_no_suppressed_cell(interior):
    table = suppress(interior, K)
    assert determined_cells(table) == set()
    assert is_protected(table)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_published_cells_are_the_true_counts(interior):
    table = suppress(interior, K)
    for i, row in enumerate(table.published()):
        for j, value in enumerate(row):
            assert value is None or value == table.grid[i][j]


def test_two_per_line_is_not_enough_a_bridge_between_two_blocks_is_recoverable():
    grid = with_totals([[7, 8, 0, 0], [9, 6, 10, 0], [0, 0, 11, 12], [0, 0, 13, 14]])
    blocks = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    bridged = SuppressedTable(grid, frozenset(blocks | {(1, 2)}))
    assert determined_cells(bridged) == {(1, 2)}  # every line has two or more, yet (1, 2) is fixed
    assert not is_protected(bridged)


def test_a_single_small_cell_gets_a_complementary_cell_in_its_row_and_column():
    table = suppress([[3, 20, 30], [25, 40, 50], [60, 70, 80]], K)
    assert (0, 0) in table.suppressed
    assert len(table.suppressed) >= 4  # the smallest rectangle hiding one cell
    assert determined_cells(table) == set()


def test_a_small_total_is_suppressed_and_protected_too():
    table = suppress([[2, 1], [30, 40]], K)
    published = table.published()
    assert published[0][2] is None  # row total 3
    assert determined_cells(table) == set()
