"""CSV/XLSX cells a spreadsheet would run as a formula are neutralised; numbers stay numbers."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.formats import FORMULA_PREFIXES, formula_safe, write_csv

cells = st.one_of(st.text(max_size=20), st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=10))
def test_no_csv_string_cell_starts_with_a_formula_character(rows):
    out = io.StringIO()
    write_csv(out, ["a"], rows)
    for row, original in zip(list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:], rows, strict=True):
        for written, value in zip(row, original, strict=True):
            if isinstance(value, str):
                assert not written.startswith(FORMULA_PREFIXES)
                assert written in (value, "'" + value)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.sampled_from(FORMULA_PREFIXES), st.text()).map("".join))
def test_dangerous_strings_get_a_quote_prefix(value):
    assert formula_safe(value) == "'" + value


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers() | st.floats(allow_nan=False))
def test_negative_numbers_are_not_strings_and_stay_untouched(value):
    assert formula_safe(value) == value


def test_each_dangerous_prefix():
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert formula_safe(value) == "'" + value
    assert formula_safe("veilig") == "veilig"
