"""The CSV event extract's fast writer: the bytes of the generic csv.writer path, whatever the values,
a fixed number of queries, and its own read-only connection outside a transaction."""

import csv
import io
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, CaseStatus, Participant, Person, PersonRole, TimelineEvent
from metrics.definitions import Filters
from metrics.exports import EVENT_COLUMNS, event_rows, write_events
from metrics.pseudonym import case_pseudonym
from partners.models import OrganisationKind
from security.spreadsheet import FORMULA_PREFIXES, csv_line, write_csv
from tests import factories
from tests.metrics import scenario
from tests.metrics.pgtrace import sent_messages, statements
from tests.metrics.scenario import at

ALL_2025 = Filters(date(2025, 1, 1), date(2025, 12, 31))
# The check which months go into the extract: the metric tables per month (fifteen queries, the safety
# plans' two tables one of them), and the statutory deadline rules once for the norms table.
MONTH_CHECK_QUERIES = 15


@pytest.fixture(autouse=True)
def _every_month_published(settings):
    """k = 1 hides nothing, so the extract holds every episode of the range (metrics.exports.extract_months)."""
    settings.METRICS_SUPPRESSION_K = 1


# Team names and CBS codes a spreadsheet or a CSV parser could trip over.
AWKWARD = [
    'Team "Noord", west',
    '=HYPERLINK("x")',
    "+31 tel",
    "-5",
    "@SUM(A1)",
    "\tachter tab",
    "\rcr",
    "regel\r\nbreuk",
    "kale\nLF",
    "kale\rCR",
    "Ĳsselmonde – ünïcode ✓",
    "",
    " spatie ",
]

cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]) | st.sampled_from(',"\r\n\t=+-@'), max_size=12),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=1, max_size=6), max_size=8))
def test_csv_line_writes_exactly_what_write_csv_writes(rows):
    out = io.StringIO()
    write_csv(out, ["a", "b"], rows)
    assert csv_line(["a", "b"]) + "".join(csv_line(row) for row in rows) == out.getvalue()


@pytest.fixture
def awkward(db):
    """Cases in teams and municipalities with awkward names, events with awkward kinds and scores."""
    s = scenario.build()
    organisation = factories.OrganisationFactory(kind=OrganisationKind.GI)
    for n, name in enumerate(AWKWARD):
        municipality = factories.MunicipalityFactory(code=AWKWARD[-1 - n][:6])
        team = factories.SafetyTeamFactory(name=name, municipalities=[municipality])
        case = Case.objects.create(
            reference=f"VT-K{n}",
            family_name="Gezin K",
            team=team,
            municipality=municipality,
            status=CaseStatus.MONITORING,
            intake="melding_vt",
            reported_on=date(2025, 4, 1),
            opened_at=at(2025, 4, 1 + n),
            created_by=s.users["p1"],
        )
        Person.objects.create(
            case=case, role=PersonRole.JEUGDIGE, full_name="Kind K", date_of_birth=date(2010 + n, 4, 3)
        )
        Participant.objects.create(
            case=case,
            organisation=organisation,
            professional=s.users["p4"],
            role="betrokken",
            basis_kind="niet_vastgelegd",
            started_at=at(2025, 4, 1 + n),
        )
        for kind, data in (
            (name[:32] or "leeg", {"score": 4.5}),
            ("case_opened", {"joint_score": "7"}),
            ('"kind", met komma', {"score": -2, "joint_score": 10}),
        ):
            TimelineEvent.objects.create(
                case=case,
                kind=kind,
                occurred_at=at(2025, 4, 2 + n),
                episode=1 + n % 3,
                data=data,
                summary=scenario.SECRET_STRINGS[5],
            )
    return s


def generic_csv(filters: Filters) -> bytes:
    out = io.StringIO(newline="")
    write_csv(out, EVENT_COLUMNS, event_rows(filters))
    return out.getvalue().encode("utf-8")


def test_the_csv_extract_has_the_bytes_of_the_generic_writer_for_awkward_values(awkward, tmp_path):
    path = tmp_path / "events.csv"
    rows = write_events(path, ALL_2025, "csv")
    assert path.read_bytes() == generic_csv(ALL_2025)
    parsed = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert len(parsed) == rows + 1 == scenario.extract_event_count(2025) + 1
    kinds = {row[3] for row in parsed[1:]}
    for name in AWKWARD:  # every awkward event kind is in the file, formula-protected where needed
        kind = name[:32] or "leeg"
        assert (("'" + kind) if kind.startswith(FORMULA_PREFIXES) else kind) in kinds, name
    k0 = [row for row in parsed if row[0] == case_pseudonym(Case.objects.get(reference="VT-K0").pk)]
    # Scores: 4.5 rounds to 5, the string "7" is no score.
    assert [(row[3], row[6], row[7]) for row in k0] == [
        ('Team "Noord", west', "5", ""),
        ("case_opened", "", ""),
        ('"kind", met komma', "-2", "10"),
    ]


def test_the_csv_extract_and_the_generic_writer_agree_on_a_filtered_extract(awkward, tmp_path):
    team = Case.objects.get(reference="VT-K0").team
    filters = Filters(date(2025, 1, 1), date(2025, 12, 31), team_id=team.pk)
    path = tmp_path / "events.csv"
    assert write_events(path, filters, "csv") == 3
    assert path.read_bytes() == generic_csv(filters)
    parsed = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert {row[0] for row in parsed[1:]} == {case_pseudonym(Case.objects.get(reference="VT-K0").pk)}


def test_kinds_follow_participants_who_leave_and_equal_moments_count_as_involved(awkward, tmp_path):
    case = Case.objects.get(reference="VT-K1")
    Participant.objects.create(
        case=case,
        organisation=awkward.orgs["vt"],
        professional=awkward.users["p3"],
        role="betrokken",
        basis_kind="niet_vastgelegd",
        started_at=at(2025, 4, 3),
        ended_at=at(2025, 4, 20),
    )
    TimelineEvent.objects.create(case=case, kind="status_changed", occurred_at=at(2025, 4, 20), episode=2)
    path = tmp_path / "events.csv"
    write_events(path, ALL_2025, "csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["casus_pseudoniem"] == case_pseudonym(case.pk)]
    # 3 April, 12:00: the Veilig Thuis participant starts at that very moment; 20 April: it has left.
    assert [(r["dag_in_episode"], r["soorten_organisaties"]) for r in rows] == [
        ("0", "gi;veilig_thuis"),
        ("0", "gi;veilig_thuis"),
        ("0", "gi;veilig_thuis"),
        ("17", "gi"),
    ]


@pytest.mark.parametrize("more", [0, 25])
def test_the_event_extract_sends_a_fixed_number_of_statements_whatever_the_data_size(
    db, tmp_path, django_assert_num_queries, more
):
    scenario_region = scenario.build()
    scenario.build_more(scenario_region, cases=more)
    written = []
    # Through Django: the months whose figures are all published (the metric tables per month, once) and
    # the savepoint around the COPY. Beside Django's cursor (whose debug log shows parameters): the plan
    # settings read, the keys and settings set, the one COPY, the keys cleared and the settings restored.
    with django_assert_num_queries(MONTH_CHECK_QUERIES + 2):
        sent = sent_messages(lambda: written.append(write_events(tmp_path / "events.csv", ALL_2025, "csv")))
    assert len(statements(sent)) == MONTH_CHECK_QUERIES + 2 + 4
    assert written == [scenario.extract_event_count(2025)]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_extract_reads_on_its_own_connection_and_writes_the_same_bytes(
    tmp_path, django_assert_num_queries
):
    scenario.build()
    outside = tmp_path / "outside.csv"
    # On the caller's connection only the month check, before the stream: it stays free for progress.
    with CaptureQueriesContext(connection) as caller:
        write_events(outside, ALL_2025, "csv")
    assert len(caller) == MONTH_CHECK_QUERIES
    assert not [q for q in caller.captured_queries if "date_part('epoch'" in q["sql"]]
    assert connection.get_autocommit()
    inside = tmp_path / "inside.csv"
    with transaction.atomic():
        write_events(inside, ALL_2025, "csv")
    assert outside.read_bytes() == inside.read_bytes()
    lines = outside.read_bytes().decode("utf-8").split("\r\n")
    assert len(lines) == scenario.extract_event_count(2025) + 2  # header, final ""
