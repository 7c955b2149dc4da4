"""Suppression survives differencing: no suppressed figure of any period follows from the published
figures of all allowed periods together (two overlapping ranges, a quarter and its months, a year and
its quarters, a total and its published parts), and ranges that are not whole periods are refused."""

from datetime import date
from itertools import product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, CaseStatus
from metrics.definitions import MONTH, QUARTER, YEAR, month_in_period
from metrics.suppression import suppress
from metrics.tables import Table, publish
from tests.metrics.disclosure import revealed
from tests.metrics.scenario import at

K = 5
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
# Every allowed range of one year: runs of months, of quarters, and the year.
RANGES = {
    MONTH: [MONTHS[a : b + 1] for a in range(12) for b in range(a, 12)],
    QUARTER: [MONTHS[3 * a : 3 * b + 3] for a in range(4) for b in range(a, 4)],
    YEAR: [MONTHS],
}


def table_of(data: dict, months: list[str], granularity: str, keys: list[str], width: int) -> Table:
    """What the compute functions return: a row per period and key that has data, labels sorted."""
    sums: dict[tuple, list[int]] = {}
    for month in months:
        for key in keys:
            row = data[month, key]
            if any(row):
                cells = sums.setdefault((month_in_period(month, granularity), key), [0] * width)
                for j, value in enumerate(row):
                    cells[j] += value
    labels = sorted(sums)
    return Table(
        "t",
        "t",
        ["periode", "rij"],
        [(f"c{j}", f"c{j}") for j in range(width)],
        labels,
        [sums[label] for label in labels],
    )


def figures(published, months: list[str], granularity: str, keys: list[str], width: int):
    """Each figure of a published table as (the unknown month counts it adds up, its value or None)."""
    periods: dict[str, list[str]] = {}
    for month in months:
        periods.setdefault(month_in_period(month, granularity), []).append(month)
    shown = set()
    for (period, key), values, total in zip(published.rows, published.cells, published.row_totals, strict=True):
        shown.add((period, key))
        for j, value in enumerate(values):
            yield [(m, key, j) for m in periods[period]], value
        yield [(m, key, j) for m in periods[period] for j in range(width)], total
    for period, key in product(periods, keys):  # a row that is not there is all zeros, and known to be
        if (period, key) not in shown:
            for j in range(width):
                yield [(m, key, j) for m in periods[period]], 0
    for j, value in enumerate(published.column_totals):
        yield [(m, key, j) for m in months for key in keys], value
    yield [(m, key, j) for m in months for key in keys for j in range(width)], published.total


def every_figure(data: dict, keys: list[str], width: int, publisher) -> tuple[list, list]:
    published, suppressed = [], []
    for granularity, ranges in RANGES.items():
        for months in ranges:
            table = publisher(data, months, granularity, keys, width)
            for unknowns, value in figures(table, months, granularity, keys, width):
                (suppressed if value is None else published).append(unknowns)
    return published, suppressed


def consistent(data, months, granularity, keys, width):
    """The production publisher: month blocks suppressed on their own, longer periods consistent."""
    per_month = table_of(data, months, MONTH, keys, width)
    return publish(table_of(data, months, granularity, keys, width), months=per_month, granularity=granularity, k=K)


def independent(data, months, granularity, keys, width):
    """As before for quarters and years: each requested table suppressed as one grid, on its own."""
    table = publish(table_of(data, months, MONTH, keys, width), k=K)
    coarse = table_of(data, months, granularity, keys, width)
    grid = suppress(coarse.cells, K).published() if coarse.rows else [[0] * (width + 1)]
    return type(table)(
        key="t",
        title="t",
        row_header=[],
        columns=coarse.columns,
        rows=coarse.rows,
        cells=[row[:-1] for row in grid[:-1]],
        counts=True,
        row_totals=[row[-1] for row in grid[:-1]],
        column_totals=grid[-1][:-1],
        total=grid[-1][-1],
    )


counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 30))


@st.composite
def years(draw):
    keys = ["a", "b"][: draw(st.integers(1, 2))]
    width = draw(st.integers(1, 3))
    data = {(m, key): draw(st.lists(counts, min_size=width, max_size=width)) for m in MONTHS for key in keys}
    return data, keys, width


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years())
def test_no_suppressed_figure_of_any_period_follows_from_all_published_periods_together(year):
    data, keys, width = year
    published, suppressed = every_figure(data, keys, width, consistent)
    assert revealed(published, suppressed) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years())
def test_every_small_count_of_any_period_is_suppressed(year):
    data, keys, width = year
    published, suppressed = every_figure(data, keys, width, consistent)
    for granularity, ranges in RANGES.items():
        for months in ranges:
            table = consistent(data, months, granularity, keys, width)
            for row in [*table.cells, table.row_totals, table.column_totals, [table.total]]:
                assert not [v for v in row if v is not None and 0 < v < K]


def test_a_quarter_and_its_half_year_gave_away_a_cell_before_and_do_not_now():
    """The finding: Q1+Q2 minus Q2 recovered Q1's suppressed 3 when each request was suppressed alone."""
    data = {(m, "a"): [0, 0] for m in MONTHS}
    data["2025-02", "a"] = [3, 10]  # Q1: 3 and 10
    data["2025-05", "a"] = [10, 10]  # Q2: 10 and 10
    old_published, old_suppressed = every_figure(data, ["a"], 2, independent)
    assert frozenset({("2025-02", "a", 0)}) in revealed(old_published, old_suppressed)
    published, suppressed = every_figure(data, ["a"], 2, consistent)
    assert revealed(published, suppressed) == []


# --- Through the API, on the database: the same attack, and ranges that are not whole periods.

API = "/api/v1/metrics/"


@pytest.fixture
def quarters(db, make_member):
    """Q1 2025: 3 cases aangemeld, 10 in monitoring; Q2: 10 and 10 (cases by status, opened in the quarter)."""
    from tests import factories

    municipality = factories.MunicipalityFactory(code="GM0001")
    team = factories.SafetyTeamFactory(municipalities=[municipality])
    creator = make_member(team)
    evaluator = make_member(team, role="evaluator")
    plan = [
        (2, CaseStatus.AANGEMELD, 3),
        (2, CaseStatus.MONITORING, 10),
        (5, CaseStatus.AANGEMELD, 10),
        (5, CaseStatus.MONITORING, 10),
    ]
    n = 0
    for month, status, how_many in plan:
        for _ in range(how_many):
            n += 1
            Case.objects.create(
                reference=f"VT-Q{n}",
                family_name="Gezin Q",
                team=team,
                municipality=municipality,
                status=status,
                intake="melding_vt",
                reported_on=date(2025, month, 3),
                opened_at=at(2025, month, 3),
                created_by=creator,
            )
    return evaluator


def api_figures(body: dict, months: list[str], granularity: str) -> list[tuple[list, int | None]]:
    """The cases-by-status figures of one answer, as sums of unknown (month, status) counts."""
    table = body["tables"]["cases_by_status"]
    statuses = [column["key"] for column in table["columns"]]
    periods: dict[str, list[str]] = {}
    for month in months:
        periods.setdefault(month_in_period(month, granularity), []).append(month)
    out = []
    for row in table["rows"]:
        in_period = periods.pop(row["labels"][0])
        for status, value in zip(statuses, row["values"], strict=True):
            out.append(([(m, status) for m in in_period], value))
        out.append(([(m, s) for m in in_period for s in statuses], row["total"]))
    for in_period in periods.values():  # a period without a row had no cases: known zeros
        out += [([(m, status) for m in in_period], 0) for status in statuses]
    for status, value in zip(statuses, table["column_totals"], strict=True):
        out.append(([(m, status) for m in months], value))
    out.append(([(m, s) for m in months for s in statuses], table["total"]))
    return out


def test_through_the_api_a_half_year_minus_a_quarter_reveals_no_suppressed_cell(quarters, client, login_verified):
    login_verified(client, quarters)
    published, suppressed = [], []
    requests = [
        ("2025-01-01", "2025-06-30", QUARTER),
        ("2025-01-01", "2025-03-31", QUARTER),
        ("2025-04-01", "2025-06-30", QUARTER),
        ("2025-01-01", "2025-06-30", MONTH),
        ("2025-01-01", "2025-03-31", MONTH),
        ("2025-04-01", "2025-06-30", MONTH),
    ]
    for date_from, date_to, granularity in requests:
        response = client.get(API, {"date_from": date_from, "date_to": date_to, "granularity": granularity})
        assert response.status_code == 200
        months = [m for m in MONTHS if date_from[:7] <= m <= date_to[:7]]
        for unknowns, value in api_figures(response.json(), months, granularity):
            (suppressed if value is None else published).append(unknowns)
    assert suppressed, "the 3 cases aangemeld in February are suppressed"
    assert revealed(published, suppressed) == []


@pytest.mark.parametrize(
    ("date_from", "date_to", "granularity", "wrong"),
    [
        ("2025-01-02", "2025-03-31", MONTH, "date_from"),
        ("2025-01-01", "2025-03-30", MONTH, "date_to"),
        ("2025-02-01", "2025-06-30", QUARTER, "date_from"),
        ("2025-01-01", "2025-05-31", QUARTER, "date_to"),
        ("2025-01-01", "2025-11-30", YEAR, "date_to"),
        ("2025-04-01", "2025-12-31", YEAR, "date_from"),
    ],
)
def test_a_range_that_is_not_whole_periods_is_a_400_with_the_reason_in_dutch(
    quarters, client, login_verified, date_from, date_to, granularity, wrong
):
    login_verified(client, quarters)
    params = {"date_from": date_from, "date_to": date_to, "granularity": granularity}
    response = client.get(API, params)
    assert response.status_code == 400
    assert list(response.json()) == [wrong]
    assert response.json()[wrong][0].startswith("Kies hele perioden per ")
    page = client.get("/evaluatie/", params)
    assert page.status_code == 400 and "Kies hele perioden per" in page.content.decode()
    export = client.post(
        "/api/v1/exports/", {**params, "kind": "aggregates", "format": "csv"}, content_type="application/json"
    )
    assert export.status_code == 400 and list(export.json()) == [wrong]


def test_whole_years_and_an_event_extract_of_whole_months_are_accepted(quarters, client, login_verified):
    login_verified(client, quarters)
    year = client.get(API, {"date_from": "2024-01-01", "date_to": "2025-12-31", "granularity": YEAR})
    assert year.status_code == 200
    assert [row["labels"][0] for row in year.json()["tables"]["cases_by_status"]["rows"]] == ["2025"]
    days = {"date_from": "2025-01-02", "date_to": "2025-03-30", "kind": "events", "format": "csv"}
    refused = client.post("/api/v1/exports/", days, content_type="application/json")
    assert refused.status_code == 400 and set(refused.json()) == {"date_from", "date_to"}
    months = {**days, "date_from": "2025-01-01", "date_to": "2025-03-31"}
    assert client.post("/api/v1/exports/", months, content_type="application/json").status_code == 201


def test_the_definitions_say_how_suppression_survives_differencing(quarters, client, login_verified):
    login_verified(client, quarters)
    page = client.get("/evaluatie/").content.decode()
    assert "hele kalendermaanden" in page and "van elkaar af te trekken" in page


def test_a_quarter_request_runs_each_metric_query_once_more_for_its_months_whatever_the_data(
    quarters, client, login_verified
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.metrics import scenario

    login_verified(client, quarters)
    by_month = {"date_from": "2025-01-01", "date_to": "2025-06-30", "granularity": MONTH}
    by_quarter = {**by_month, "granularity": QUARTER}
    client.get(API, by_month)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as months:
        assert client.get(API, by_month).status_code == 200
    with CaptureQueriesContext(connection) as small:
        assert client.get(API, by_quarter).status_code == 200
    scenario_region = scenario.build()
    scenario.build_more(scenario_region, cases=12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(API, by_quarter).status_code == 200
    assert len(small) == len(large)
    # the metric queries once more: five count tables, the episode statistics (four tables), the
    # participants, and the national figures (intake and crisis, judgements, conditions, waiting time,
    # measures, the safety plans); not the stock (one date) nor the statutory rules
    assert len(small) == len(months) + 13


def test_a_quarter_hides_counts_and_means_hidden_in_one_of_its_months_but_keeps_its_own_median():
    columns = [("n", "n"), ("mean", "gemiddeld"), ("p50", "mediaan")]

    def stats(rows):
        return Table(
            "s",
            "s",
            ["periode"],
            columns,
            [(label,) for label, _n in rows],
            [[n, 2.5, 3.0] for _label, n in rows],
            counts=False,
            guards=[None, 0, 0],
            guard_counts=[[n] for _label, n in rows],
            additive=[True, True, False],
        )

    months = stats([("2025-01", 3), ("2025-02", 10), ("2025-03", 10), ("2025-04", 10)])
    quarters = publish(stats([("2025-K1", 23), ("2025-K2", 10)]), months=months, granularity=QUARTER, k=K)
    assert quarters.cells == [[None, None, 3.0], [10, 2.5, 3.0]]  # Q1 minus February and March gave January
    assert publish(months, k=K).cells[0] == [None, None, None]
