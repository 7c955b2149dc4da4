"""Exports carry no direct identifier, use the keyed pseudonym and age bands, and are logged."""

import csv
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from cases.access_log.models import AccessAction
from cases.access_log.services import access_log_rows
from cases.models import TimelineEvent
from metrics.definitions import Filters
from metrics.exports import EVENT_COLUMNS, write_aggregates, write_events
from metrics.pseudonym import case_pseudonym
from tests.metrics import scenario

ALL_2025 = Filters(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def every_month_published(settings):
    """k = 1 hides nothing, so the extract holds every episode of the range (metrics.exports.extract_months)."""
    settings.METRICS_SUPPRESSION_K = 1


def read_back(path, fmt) -> str:
    """The whole file as text, whatever the format (XLSX read cell by cell with openpyxl)."""
    if fmt != "xlsx":
        return path.read_text(encoding="utf-8")
    workbook = load_workbook(path, read_only=True)
    lines = []
    for sheet in workbook:
        lines += ["\t".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)]
    return "\n".join(lines)


def forbidden(scenario_region) -> list[str]:
    values = list(scenario.SECRET_STRINGS)
    values += [d.isoformat() for d in scenario.BIRTH_DATES] + [d.strftime("%d-%m-%Y") for d in scenario.BIRTH_DATES]
    values += [c.reference for c in scenario_region.cases.values()]
    values += [u.username for u in scenario_region.users.values()] + [
        u.full_name for u in scenario_region.users.values()
    ]
    return values


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_event_extract_holds_no_name_bsn_birth_date_note_or_summary(
    scenario_region, tmp_path, fmt, every_month_published
):
    path = tmp_path / f"events.{fmt}"
    rows = write_events(path, ALL_2025, fmt)
    assert rows == scenario.extract_event_count(2025) > 0
    text = read_back(path, fmt)
    for value in forbidden(scenario_region):
        assert value not in text, value


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_aggregate_tables_hold_no_identifier_either(scenario_region, tmp_path, fmt):
    path = tmp_path / f"tables.{fmt}"
    write_aggregates(path, Filters(date(2025, 1, 1), date(2025, 12, 31), by=("team", "municipality")), fmt)
    text = read_back(path, fmt)
    for value in forbidden(scenario_region):
        assert value not in text, value


def test_event_rows_carry_pseudonym_episode_day_age_band_kinds_and_scores(
    scenario_region, tmp_path, settings, every_month_published
):
    settings.PSEUDONYM_SECRET = "test-geheim"
    path = tmp_path / "events.csv"
    write_events(path, ALL_2025, "csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(EVENT_COLUMNS)
    case_a = scenario_region.cases["VT-A"]
    a_rows = [r for r in rows if r["casus_pseudoniem"] == case_pseudonym(case_a.pk, secret="test-geheim")]
    assert len(a_rows) == TimelineEvent.objects.filter(case=case_a).count()
    opened = a_rows[0]
    assert (opened["episode"], opened["dag_in_episode"], opened["gebeurtenis"]) == ("1", "0", "case_opened")
    assert opened["leeftijdsgroep_jongste_kind"] == "0-3"  # youngest born 1 Dec 2024
    assert opened["soorten_organisaties"] == "cvc"  # only p1 took part on 10 January
    # No calendar date, team or municipality: the tables' dimensions are not in the extract.
    assert not {"datum", "team", "gemeente_cbs"} & set(rows[0])
    closed = next(r for r in a_rows if r["gebeurtenis"] == "status_changed")
    assert closed["dag_in_episode"] == "60"  # 10 January to 11 March
    judged = next(r for r in a_rows if r["gebeurtenis"] == "judgement_recorded")
    assert (judged["gezamenlijke_score"], judged["score"]) == ("3", "")
    assert judged["soorten_organisaties"] == "cvc;veilig_thuis"
    contribution = next(r for r in a_rows if r["gebeurtenis"] == "contribution_added")
    assert contribution["score"] == "4"
    # C's second episode starts at the reopening on 1 June: its days count from then.
    case_c = scenario_region.cases["VT-C"]
    c_rows = [r for r in rows if r["casus_pseudoniem"] == case_pseudonym(case_c.pk, secret="test-geheim")]
    assert {r["leeftijdsgroep_jongste_kind"] for r in c_rows} == {"onbekend"}
    assert [
        r["dag_in_episode"] for r in c_rows if r["episode"] == "2" and r["gebeurtenis"] == "judgement_recorded"
    ] == ["10"]
    # D was opened in December 2024: its episode is not one of the range's, so its closure in January is absent.
    case_d = scenario_region.cases["VT-D"]
    assert not [r for r in rows if r["casus_pseudoniem"] == case_pseudonym(case_d.pk, secret="test-geheim")]


def test_json_event_extract_is_a_list_of_objects(scenario_region, tmp_path, every_month_published):
    path = tmp_path / "events.json"
    write_events(path, ALL_2025, "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data[0]) == set(EVENT_COLUMNS)
    assert any(row["gezamenlijke_score"] == 7 for row in data)


def test_the_export_command_writes_the_file_and_the_access_log(scenario_region, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "out.csv"
    before = access_log_rows().filter(action=AccessAction.EXPORT).count()
    call_command("export_metrics", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv", "--out", str(path))
    assert path.read_text(encoding="utf-8").startswith(",".join(EVENT_COLUMNS))
    entry = access_log_rows().filter(action=AccessAction.EXPORT).order_by("-id").first()
    assert access_log_rows().filter(action=AccessAction.EXPORT).count() == before + 1
    assert entry.case_id is None and "kind=events" in entry.detail and "format=csv" in entry.detail


def test_the_export_command_writes_suppressed_aggregates(scenario_region, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "out.json"
    call_command(
        "export_metrics",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "json",
        "--out",
        str(path),
        "--kind",
        "aggregates",
    )
    tables = json.loads(path.read_text(encoding="utf-8"))["tables"]
    assert tables["cases_by_status"]["total"] is None  # 3 cases: under k = 5
    assert tables["cases_by_status"]["rows"][0]["labels"][1:] == ["=HYPERLINK(team)", "GM0748"]


def test_the_extract_leaves_out_the_episodes_of_months_with_a_hidden_cell(scenario_region, tmp_path, settings):
    """With k = 5 every month of the small scenario with data has a hidden cell: the extract keeps only the
    empty months and holds nothing, where it held every episode with k = 1."""
    from metrics.exports import extract_months

    months = [(start.date().isoformat(), end.date().isoformat()) for start, end in extract_months(ALL_2025)]
    assert months == [("2025-04-01", "2025-06-01"), ("2025-07-01", "2026-01-01")]  # not January-March, June
    assert write_events(tmp_path / "events.csv", ALL_2025, "csv") == 0
    settings.METRICS_SUPPRESSION_K = 1
    assert len(extract_months(ALL_2025)) == 1  # the twelve months, merged into one window
    assert write_events(tmp_path / "events.csv", ALL_2025, "csv") == scenario.extract_event_count(2025)
