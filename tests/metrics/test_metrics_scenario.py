"""Every metric of DESIGN.md §9 on a hand-built scenario, matched against numbers counted by hand."""

from datetime import date, timedelta

from django.utils import timezone

from metrics.definitions import QUARTER, Filters
from metrics.report import metric_tables, published_tables
from tests.metrics import scenario
from workflows.deadlines.models import Deadline, DeadlineRule, DeadlineState

FIRST_HALF = Filters(date(2025, 1, 1), date(2025, 6, 30))


def tables(filters=FIRST_HALF):
    return {t.key: t for t in metric_tables(filters)}


def as_dict(table):
    keys = [key for key, _label in table.columns]
    return {row: dict(zip(keys, cells, strict=True)) for row, cells in zip(table.rows, table.cells, strict=True)}


def test_cases_by_status_counts_cases_in_the_month_they_were_opened(scenario_region):
    by_status = as_dict(tables()["cases_by_status"])
    assert set(by_status) == {("2025-01",), ("2025-02",)}  # case D opened in 2024: outside the range
    assert by_status[("2025-01",)]["afgesloten"] == 1
    assert by_status[("2025-01",)]["monitoring"] == 1
    assert sum(by_status[("2025-01",)].values()) == 2
    assert by_status[("2025-02",)] == {**dict.fromkeys(by_status[("2025-02",)], 0), "veiligheidsbeoordeling": 1}


def test_lead_times_are_median_and_90th_percentile_days_from_the_start_of_the_episode(scenario_region):
    lead = as_dict(tables()["lead_times"])
    jan = lead[("2025-01",)]
    # A: judged after 10 days, agreed after 15, started after 22, closed after 60; B: 4 and 30.
    assert (jan["n_judged"], jan["p50_judged"], jan["p90_judged"]) == (2, 7.0, 9.4)
    assert (jan["n_agreed"], jan["p50_agreed"], jan["p90_agreed"]) == (2, 22.5, 28.5)
    assert (jan["n_started"], jan["p50_started"], jan["p90_started"]) == (1, 22.0, 22.0)
    assert (jan["n_closed"], jan["p50_closed"]) == (1, 60.0)
    feb = lead[("2025-02",)]  # C, episode 1: judged after 2 days, afgeschaald after 20
    assert (feb["n_judged"], feb["p50_judged"], feb["n_agreed"], feb["p50_agreed"]) == (1, 2.0, 0, "")
    assert (feb["n_closed"], feb["p50_closed"]) == (1, 20.0)
    jun = lead[("2025-06",)]  # C, episode 2 starts at the reopening on 1 June: judged after 10 days
    assert (jun["n_judged"], jun["p50_judged"], jun["n_closed"]) == (1, 10.0, 0)


def test_safety_score_change_runs_from_first_to_last_joint_judgement_of_an_episode(scenario_region):
    t = tables()
    direction, change = as_dict(t["score_direction"]), as_dict(t["score_change"])
    assert direction[("2025-01",)] == {"improved": 1, "unchanged": 0, "worsened": 0}  # A: 3 -> 7; B has one
    assert change[("2025-01",)] == {"mean_change": 4.0, "p50_change": 4.0}
    assert direction[("2025-02",)] == {"improved": 1, "unchanged": 0, "worsened": 0}  # C: 2 -> 4
    assert change[("2025-02",)] == {"mean_change": 2.0, "p50_change": 2.0}
    assert direction[("2025-06",)] == {"improved": 0, "unchanged": 0, "worsened": 0}
    assert change[("2025-06",)] == {"mean_change": "", "p50_change": ""}


def test_a_handover_is_a_change_of_vast_gezicht_after_the_first_assignment(scenario_region):
    handovers = as_dict(tables()["handovers"])
    # A: p1 then p2 (1); B: p1 then p1 again (0); C ep. 1 none, ep. 2 a first assignment (0).
    assert handovers[("2025-01",)] == {"handovers_0": 1, "handovers_1": 1, "handovers_2plus": 0}
    assert handovers[("2025-02",)] == {"handovers_0": 1, "handovers_1": 0, "handovers_2plus": 0}
    assert handovers[("2025-06",)] == {"handovers_0": 1, "handovers_1": 0, "handovers_2plus": 0}


def test_partners_and_professionals_per_case(scenario_region):
    partners = as_dict(tables()["partners"])
    # A: kinds {cvc, vt}, 2 organisations, 3 professionals; B: 1, 1, 1; C: 3, 3, 3.
    assert partners[("2025-01",)] == {
        "mean_kinds": 1.5,
        "p50_kinds": 1.5,
        "mean_organisations": 1.5,
        "p50_organisations": 1.5,
        "mean_professionals": 2.0,
        "p50_professionals": 2.0,
    }
    assert partners[("2025-02",)]["mean_kinds"] == 3.0
    assert partners[("2025-02",)]["mean_professionals"] == 3.0


def test_interventions_by_kind_and_protection_measures_in_the_month_agreed(scenario_region):
    t = tables()
    kinds = as_dict(t["interventions_by_kind"])
    assert {k: v for k, v in kinds[("2025-01",)].items() if v} == {"ots": 1, "veiligheidsplan": 1}
    assert {k: v for k, v in kinds[("2025-02",)].items() if v} == {"vrijwillig_lokaal_team": 1}
    assert {k: v for k, v in kinds[("2025-06",)].items() if v} == {"machtiging_uithuisplaatsing": 1}
    protection = as_dict(t["protection_measures"])
    assert protection == {
        ("2025-01",): {"ots": 1, "machtiging_uithuisplaatsing": 0},
        ("2025-06",): {"ots": 0, "machtiging_uithuisplaatsing": 1},
    }


def test_rereports_count_a_reopening_within_the_window_after_closure(scenario_region):
    rereports = as_dict(tables()["rereports"])
    assert rereports == {
        ("2025-01",): {"rereported": 0, "not_rereported": 1},  # D
        ("2025-02",): {"rereported": 1, "not_rereported": 0},  # C: reopened 96 days later
        ("2025-03",): {"rereported": 0, "not_rereported": 1},  # A
    }


def test_rereport_window_is_configurable(scenario_region, settings):
    settings.METRICS_REREPORT_WINDOW_DAYS = 90
    assert as_dict(tables()["rereports"])[("2025-02",)] == {"rereported": 0, "not_rereported": 1}


def test_deadline_adherence_per_rule_counts_met_missed_and_open_overdue(scenario_region):
    rule = DeadlineRule.objects.create(
        code="metrics-test",
        name="Test",
        start_event="case_opened",
        term_value=5,
        term_unit="calendar_days",
        responsible="vast_gezicht",
    )
    case = scenario_region.cases["VT-B"]
    future = timezone.now() + timedelta(days=3650)
    for due, state in (
        ((2025, 1, 15), "met"),
        ((2025, 1, 20), "missed"),
        ((2025, 2, 1), "open"),
        ((2025, 1, 10), "cancelled"),
    ):
        Deadline.objects.create(
            rule=rule,
            case=case,
            name="t",
            started_at=scenario.at(2025, 1, 1),
            term_value=5,
            term_unit="calendar_days",
            due_at=scenario.at(*due),
            state=state,
            subject=f"{due}",
        )
    Deadline.objects.create(
        rule=rule,
        case=case,
        name="t",
        started_at=scenario.at(2025, 1, 1),
        term_value=5,
        term_unit="calendar_days",
        due_at=future,
        state="open",
        subject="future",
    )
    adherence = as_dict(tables()["deadlines"])
    assert adherence[("2025-01", "metrics-test")] == {"met": 1, "missed": 1, "open_overdue": 0}
    assert adherence[("2025-02", "metrics-test")] == {"met": 0, "missed": 0, "open_overdue": 1}
    # Deadlines the workflow rules opened from the scenario's events are counted the same way.
    others = Deadline.objects.exclude(rule=rule).filter(due_at__date__range=(date(2025, 1, 1), date(2025, 6, 30)))
    expected = {
        "met": others.filter(state=DeadlineState.MET).count(),
        "missed": others.filter(state=DeadlineState.MISSED).count(),
        "open_overdue": others.filter(state=DeadlineState.OPEN, due_at__lt=timezone.now()).count(),
    }
    counted = {key: sum(v[key] for row, v in adherence.items() if row[1] != "metrics-test") for key in expected}
    assert counted == expected


def test_quarters_group_the_same_events(scenario_region):
    lead = as_dict(tables(Filters(date(2025, 1, 1), date(2025, 6, 30), granularity=QUARTER))["lead_times"])
    assert set(lead) == {("2025-K1",), ("2025-K2",)}
    assert lead[("2025-K1",)]["n_judged"] == 3  # A, B and C episode 1


def test_team_and_municipality_filters_narrow_every_metric(scenario_region):
    other_team = scenario.factories.SafetyTeamFactory()
    empty = Filters(date(2025, 1, 1), date(2025, 6, 30), team_id=other_team.pk)
    assert all(not t.rows for t in metric_tables(empty))
    mine = Filters(
        date(2025, 1, 1),
        date(2025, 6, 30),
        team_id=scenario_region.team.pk,
        municipality_id=scenario_region.municipality.pk,
    )
    assert as_dict(metric_tables(mine)[0]) == as_dict(tables()["cases_by_status"])


def test_aggregates_by_team_and_municipality_carry_the_cbs_code(scenario_region):
    by = Filters(date(2025, 1, 1), date(2025, 6, 30), by=("team", "municipality"))
    rows = as_dict({t.key: t for t in metric_tables(by)}["cases_by_status"])
    assert ("2025-01", "=HYPERLINK(team)", "GM0748") in rows


def test_published_tables_hide_counts_under_k(scenario_region):
    published = {t.key: t for t in published_tables(FIRST_HALF, k=5)}
    by_status = published["cases_by_status"]
    assert by_status.total is None  # 3 cases in all: under k
    assert all(v in (0, None) for row in by_status.cells for v in row)
    lead = published["lead_times"]
    assert all(v is None or v == 0 or v == "" for row in lead.cells for v in row)
