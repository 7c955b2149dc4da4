"""CSV/XLSX cells a spreadsheet would run as a formula are neutralised; numbers stay numbers. One writer
(security.spreadsheet) does it for every export: the metrics' files here, the access report in tests/cases."""

import csv
import io
from datetime import date

import pytest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cases.models import Case, CaseStatus, EventKind
from cases.timeline import timeline_record
from metrics.definitions import Filters
from metrics.exports import write_aggregates, write_events
from security.spreadsheet import FORMULA_PREFIXES, csv_cell, formula_safe, write_csv
from tests import factories
from tests.metrics import scenario
from tests.metrics.scenario import at

cells = st.one_of(st.text(max_size=20), st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False))
FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(1)", "\t=1+1", "\r=1+1"]


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


def test_text_that_is_not_a_plain_str_is_protected_too():
    """Safe strings and lazy translations are text as well: no fast path may pass them over."""
    out = io.StringIO()
    write_csv(out, [gettext_lazy("=kop")], [[mark_safe("=1+1"), gettext_lazy("@SUM(1)")]])  # noqa: S308
    assert out.getvalue() == "'=kop\r\n'=1+1,'@SUM(1)\r\n"
    assert csv_cell(mark_safe("+1")) == "'+1"  # noqa: S308


@pytest.fixture
def formula_teams(db):
    """The scenario plus a team (and municipality code) per formula, each with a case opened in 2025."""
    s = scenario.build()
    for n, name in enumerate(FORMULAS):
        municipality = factories.MunicipalityFactory(code=f"{name[0]}M{n}")
        team = factories.SafetyTeamFactory(name=name, municipalities=[municipality])
        case = Case.objects.create(
            reference=f"VT-F{n}",
            family_name="Gezin F",
            team=team,
            municipality=municipality,
            status=CaseStatus.AANGEMELD,
            intake="melding_vt",
            reported_on=date(2025, 5, 1),
            opened_at=at(2025, 5, 1 + n),
            created_by=s.users["p1"],
        )
        timeline_record(case=case, kind=EventKind.CASE_OPENED, occurred_at=at(2025, 5, 1 + n))
    return s


def written_cells(path, fmt) -> list:
    """Every cell of the file as a spreadsheet would read it; formulas (XLSX) as "=…" strings."""
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as f:
            return [cell for row in csv.reader(f) for cell in row]
    workbook = load_workbook(path)
    return [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["events", "aggregates"])
def test_team_names_and_codes_that_look_like_formulas_are_inert_in_every_metrics_file(
    formula_teams, tmp_path, fmt, kind
):
    path = tmp_path / f"{kind}.{fmt}"
    filters = Filters(date(2025, 1, 1), date(2025, 12, 31), by=("team", "municipality"))
    if kind == "events":
        write_events(path, filters, fmt)
    else:
        write_aggregates(path, filters, fmt)
    written = written_cells(path, fmt)
    texts = [cell for cell in written if isinstance(cell, str)]
    assert not [cell for cell in texts if cell.startswith(FORMULA_PREFIXES)]
    if fmt == "xlsx":
        workbook = load_workbook(path)
        assert not [c.value for sheet in workbook for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    if fmt == "xlsx":
        texts = [cell.replace("\n", "\r") for cell in texts]  # XML reads a stored "\r" back as "\n"
    for n, name in enumerate(FORMULAS):
        if kind == "events":  # the extract carries no team or municipality at all (metrics.exports)
            assert not [cell for cell in texts if name in cell or f"{name[0]}M{n}" in cell], name
            continue
        assert "'" + name in texts, name
        assert f"'{name[0]}M{n}" in texts, name
