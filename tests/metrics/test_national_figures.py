"""The national statistics' figures on the hand-built scenario (tests/metrics/scenario.py), against
numbers counted by hand: the stock on a peildatum, the norm shares, measures, and the form's peildatum."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cases.documents.models import ChildMeasure
from cases.interventions.models import Intervention
from metrics.definitions import Filters
from metrics.report import metric_tables, published_tables
from metrics.tables import Published
from tests.metrics import scenario
from workflows.deadlines.models import Deadline, DeadlineRule

FIRST_HALF = Filters(date(2025, 1, 1), date(2025, 6, 30))
# Computed at the end of the half year (a release is computed as of its quarter's end): the OTSs, which run
# until 25 January 2026, are still running then.
AT_END = Filters(date(2025, 1, 1), date(2025, 6, 30), as_of=scenario.at(2025, 6, 30))


def stock_on(day: date) -> list:
    table = {t.key: t for t in published_tables(Filters(date(2025, 1, 1), date(2025, 6, 30), peildatum=day), k=1)}
    return table["stock"].cells[0]


@pytest.mark.parametrize(
    ("peildatum", "expected"),
    [
        # 31 Jan: A (opened 10 Jan), B (15 Jan) open; D closed 5 Jan. A's two children, each with an OTS
        # from 25 Jan: two children with a measure, two measures per child.
        (date(2025, 1, 31), [2, 2, 2, 2]),
        # 28 Feb: A, B open; C opened 5 Feb and afgeschaald 25 Feb.
        (date(2025, 2, 28), [2, 2, 2, 2]),
        # 31 Mar: A closed 11 March; B open. The OTSs run on: a measure ends when it ends, not the case.
        (date(2025, 3, 31), [1, 0, 2, 2]),
        # 30 Jun: B, and C reopened 1 June; the first child's machtiging (from 5 June) runs beside its OTS:
        # still two children, now three measures.
        (date(2025, 6, 30), [2, 0, 2, 3]),
        # 31 Dec 2024: only D (opened 20 December); no measure yet.
        (date(2024, 12, 31), [1, 0, 0, 0]),
    ],
)
def test_the_stock_on_a_peildatum_counts_open_cases_their_children_and_running_measures_per_child(
    scenario_region, peildatum, expected
):
    assert stock_on(peildatum) == expected


def test_a_measure_that_ended_before_the_peildatum_is_not_in_the_stock(scenario_region):
    first, _second = ChildMeasure.objects.filter(measure="ots").order_by("child_id")
    first.ended_on, first.end_reason = date(2025, 2, 10), "opgeheven"
    first.save(update_fields=["ended_on", "end_reason"])
    assert stock_on(date(2025, 1, 31)) == [2, 2, 2, 2]
    assert stock_on(date(2025, 2, 28)) == [2, 2, 1, 1]  # the first child's OTS ended; its machtiging is later
    tables = {t.key: t for t in metric_tables(AT_END)}
    durations = tables["measures_duration"]
    assert durations.rows[0][1] == "ondertoezichtstelling (OTS)"
    assert durations.cells[0] == [16.0, 16.0]  # 25 January to 10 February: 16 calendar days
    ended = dict(zip(tables["measures_ended"].rows, tables["measures_ended"].cells, strict=True))
    keys = [key for key, _label in tables["measures_ended"].columns]
    january = dict(zip(keys, ended[("2025-01", "ondertoezichtstelling (OTS)")], strict=True))
    assert january["running"] == 1 and january["end_opgeheven"] == 1


def test_small_stock_counts_are_hidden(scenario_region):
    stock = {t.key: t for t in published_tables(Filters(date(2025, 1, 1), date(2025, 6, 30)))}["stock"]
    assert stock.rows == [("2025-06-30",)]  # without a peildatum: the end of the range
    assert stock.cells == [[None, 0, None, None]]


def test_norm_shares_come_from_the_published_deadline_counts_of_statutory_rules_only(scenario_region):
    statutory = DeadlineRule.objects.create(
        code="wet-test",
        name="Wettelijk",
        start_event="case_opened",
        term_value=5,
        term_unit="calendar_days",
        responsible="vast_gezicht",
        statutory=True,
    )
    local = DeadlineRule.objects.create(
        code="eigen-test",
        name="Eigen",
        start_event="case_opened",
        term_value=5,
        term_unit="calendar_days",
        responsible="vast_gezicht",
    )
    case = scenario_region.cases["VT-B"]
    plan = [(statutory, "met")] * 3 + [(statutory, "missed")] + [(statutory, "open")] * 2 + [(local, "met")]
    for n, (rule, state) in enumerate(plan):
        Deadline.objects.create(
            rule=rule,
            case=case,
            name="t",
            started_at=scenario.at(2025, 1, 1),
            term_value=5,
            term_unit="calendar_days",
            due_at=scenario.at(2025, 1, 10 + n),
            state=state,
            subject=f"{n}",
        )
    norms = {t.key: t for t in published_tables(FIRST_HALF, k=1)}["norms"]
    rows = dict(zip(norms.rows, norms.cells, strict=True))
    assert rows[("2025-01", "wet-test")] == [75.0, 2]  # 3 of the 4 settled within the norm; 2 open past it
    assert ("2025-01", "eigen-test") not in rows
    # With k = 5 the deadline table hides the 3 and the 1, and so the share; the 2 open is hidden there too.
    hidden = {t.key: t for t in published_tables(FIRST_HALF)}["norms"]
    assert dict(zip(hidden.rows, hidden.cells, strict=True))[("2025-01", "wet-test")] == [None, None]


def test_a_share_is_shown_only_where_its_counts_are_published_and_is_empty_when_none_settled(db):
    from metrics.report import norm_shares

    DeadlineRule.objects.get_or_create(
        team=None,
        code="vt-onderzoek",
        defaults={
            "name": "t",
            "start_event": "onderzoek_started",
            "term_value": 10,
            "term_unit": "weeks",
            "responsible": "vast_gezicht",
            "statutory": True,
        },
    )
    deadlines = Published(
        key="deadlines",
        title="t",
        row_header=["periode", "termijnregel"],
        columns=[("met", "gehaald"), ("missed", "niet gehaald"), ("open_overdue", "open")],
        rows=[("2025-01", "vt-onderzoek"), ("2025-02", "vt-onderzoek"), ("2025-03", "vt-onderzoek")],
        cells=[[9, 3, None], [0, 0, 6], [None, 7, 0]],
        counts=True,
        row_totals=[None, 6, None],
        column_totals=[None, None, None],
        total=None,
    )
    norms = norm_shares(deadlines)
    assert norms.cells == [[75.0, None], ["", 6], [None, 0]]
    assert norms.suppressed_cells == 2


def test_the_protection_table_counts_measures_and_says_so(scenario_region):
    table = {t.key: t for t in metric_tables(FIRST_HALF)}["protection_measures"]
    assert "aantal maatregelen" in str(table.title)
    Intervention.objects.create(
        case=scenario_region.cases["VT-A"],
        kind="machtiging_uithuisplaatsing",
        responsible_organisation=scenario_region.orgs["gi"],
        responsible_professional=scenario_region.users["p4"],
        start_date=date(2025, 1, 26),
        due_date=date(2026, 1, 1),
        agreed_at=scenario.at(2025, 1, 26),
    )
    table = {t.key: t for t in metric_tables(FIRST_HALF)}["protection_measures"]
    assert dict(zip(table.rows, table.cells, strict=True))[("2025-01",)] == [1, 1]  # one case, two measures


def test_every_table_title_says_what_it_counts(scenario_region):
    """Each title ends in what a number in it is: a count of cases, children, measures (per child),
    episodes, judgements, … or days, points or a share per unit."""
    counted = re.compile(
        r"\((aantal (casussen|maatregelen|maatregelen per kind|oordelen|voorwaarden|termijnen|inzetten|episodes"
        r"|afsluitingen|per casus)|dagen|kalenderdagen|punten|procent|casussen, kinderen)\b"
    )
    for table in published_tables(FIRST_HALF):
        assert counted.search(str(table.title)), table.title


@pytest.mark.parametrize("value", ["2025-03-30", "2025-02-27", "31-13-2025"])
def test_a_peildatum_that_is_no_month_end_is_a_400_in_dutch(scenario_region, client, login_verified, value):
    login_verified(client, scenario_region.evaluator)
    params = {"date_from": "2025-01-01", "date_to": "2025-06-30", "peildatum": value}
    response = client.get("/api/v1/metrics/", params)
    assert response.status_code == 400 and list(response.json()) == ["peildatum"]
    assert client.get(reverse("metrics-dashboard"), params).status_code == 400


def test_the_peildatum_is_a_field_of_the_dashboard_and_a_parameter_of_the_api(scenario_region, client, login_verified):
    login_verified(client, scenario_region.evaluator)
    params = {"date_from": "2025-01-01", "date_to": "2025-06-30", "peildatum": "2025-02-28"}
    page = client.get(reverse("metrics-dashboard"), params).content.decode()
    assert re.search(r'<label for="id_peildatum"[^>]*>Peildatum voorraad</label>', page)
    assert "Voorraad op de peildatum" in page
    body = client.get("/api/v1/metrics/", params).json()
    assert body["filters"]["peildatum"] == "2025-02-28"
    assert body["tables"]["stock"]["rows"] == [{"labels": ["2025-02-28"], "values": [None, None, None, None]}]


def test_the_definitions_page_explains_each_figure_and_the_percentile_and_day_count(
    scenario_region, client, login_verified
):
    login_verified(client, scenario_region.evaluator)
    page = client.get(reverse("metrics-definitions")).content.decode()
    assert "percentile_cont" in page and "lineaire interpolatie" in page and "gedeeld door 24 uur" in page
    assert "kalenderdagen" in page and "geen kalenderdatums" in page
    for key in (
        "stock",
        "norms",
        "measures_ended",
        "cases_with_measure",
        "judgement_presence",
        "crisis_path",
        "waiting_time",
    ):
        assert f'id="definitie-{key}"' in page, key


def by_label(table) -> dict:
    keys = [key for key, _label in table.columns]
    return {labels: dict(zip(keys, cells, strict=True)) for labels, cells in zip(table.rows, table.cells, strict=True)}


def test_measures_are_counted_per_child_with_the_age_of_that_child_at_the_start(scenario_region):
    tables = {t.key: t for t in metric_tables(AT_END)}
    ots = ("2025-01", "ondertoezichtstelling (OTS)")
    uhp = ("2025-06", "machtiging uithuisplaatsing")
    ended = by_label(tables["measures_ended"])
    assert ended[ots]["running"] == 2 and ended[uhp]["running"] == 1  # one beschikking for two children: two
    ages = by_label(tables["measures_age"])
    # The first child (born 1 June 2020) is 4 on 25 January 2025, the second (1 December 2024) is 0.
    assert (ages[ots]["age_0-3"], ages[ots]["age_4-11"]) == (1, 1)
    assert ages[uhp]["age_4-11"] == 1  # the first child turned 5 on 1 June, before the machtiging
    assert "per kind" in str(tables["measures_ended"].title) and "per kind" in str(tables["measures_age"].title)


def test_cases_with_a_measure_count_each_case_once_however_many_measures_or_children(scenario_region):
    table = {t.key: t for t in metric_tables(FIRST_HALF)}["cases_with_measure"]
    assert "aantal casussen" in str(table.title)
    # Case A: three measures for two children, counted once, in January (its first measure's start).
    assert by_label(table) == {("2025-01",): {"children_1": 0, "children_2": 1, "children_3plus": 0}}
    published = {t.key: t for t in published_tables(FIRST_HALF, k=1)}["cases_with_measure"]
    assert published.total == 1


def test_a_passed_end_date_without_a_recorded_end_counts_as_the_end_of_its_term(scenario_region):
    ChildMeasure.objects.filter(measure="ots").update(planned_end=date(2025, 3, 25))
    tables = {t.key: t for t in metric_tables(AT_END)}
    january = by_label(tables["measures_ended"])[("2025-01", "ondertoezichtstelling (OTS)")]
    assert january["running"] == 0 and january["end_termijn_verstreken"] == 2
    assert tables["measures_duration"].cells[0] == [59.0, 59.0]  # 25 January to 25 March
    assert stock_on(date(2025, 3, 31)) == [1, 0, 0, 0]
    # Judged on the day of computing: on 28 February (a release's quarter end, say) they still ran.
    before = Filters(date(2025, 1, 1), date(2025, 6, 30), as_of=scenario.at(2025, 2, 28))
    assert (
        by_label({t.key: t for t in metric_tables(before)}["measures_ended"])[
            ("2025-01", "ondertoezichtstelling (OTS)")
        ]["running"]
        == 2
    )
