"""The CSV event extract written by PostgreSQL (metrics.extract_copy) has the bytes of the Python rows
through the generic csv writer on awkward data: quotes, commas, line breaks, non-ASCII, empty values,
summer-time and local-midnight day boundaries, birthdays on 29 February, several children, organisations
joining and leaving at an event's moment, filters and suppressed months. And the key never travels in a
statement's text."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from cases.models import Case, CaseStatus, Participant, Person, PersonRole, TimelineEvent
from metrics.definitions import Filters
from metrics.exports import EVENT_COLUMNS, event_rows, write_events
from metrics.pseudonym import case_pseudonym, hmac_pads
from partners.models import OrganisationKind
from security.spreadsheet import write_csv
from tests import factories
from tests.metrics import scenario
from tests.metrics.pgtrace import sent_messages, statements
from tests.metrics.scenario import at

ALL_2025 = Filters(date(2025, 1, 1), date(2025, 12, 31))
KINDS = ['say "hi", then\r\nleave', "kale\nLF", "=1+1", "-3", "\ttab", "Ĳssel ✓ ünï", "", "'", ",", '"']


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def tricky(db):
    s = scenario.build()
    orgs = {kind: factories.OrganisationFactory(kind=kind) for kind in OrganisationKind.values}
    other_team = factories.SafetyTeamFactory(name='Team Zuid, "oost"', municipalities=[])
    other_municipality = factories.MunicipalityFactory(code="GM7001")
    other_team.municipalities.add(other_municipality)

    def case(ref, opened, *, team=s.team, municipality=s.municipality):
        return Case.objects.create(
            reference=ref,
            family_name="Gezin T",
            team=team,
            municipality=municipality,
            status=CaseStatus.MONITORING,
            intake="melding_vt",
            reported_on=opened.date(),
            opened_at=opened,
            created_by=s.users["p1"],
        )

    def child(c, born, role=PersonRole.JEUGDIGE):
        Person.objects.create(case=c, role=role, full_name="Kind T", date_of_birth=born)

    def joins(c, kind, started, ended=None):
        Participant.objects.create(
            case=c,
            organisation=orgs[kind],
            professional=s.users["p4"],
            role="betrokken",
            basis_kind="niet_vastgelegd",
            started_at=started,
            ended_at=ended,
        )

    def event(c, kind, when, episode=1, **data):
        TimelineEvent.objects.create(case=c, kind=kind, occurred_at=when, episode=episode, data=data)

    # T1: opened at 00:30 local on 1 February (31 January in UTC); events over both summer-time changes and
    # local midnights; a child born during the episode, twins, a child without birth date, a young parent.
    t1 = case("VT-T1", utc(2025, 1, 31, 23, 30))
    for born in (date(2012, 6, 1), date(2012, 6, 1), date(2025, 6, 15), None):
        child(t1, born)
    child(t1, date(2024, 1, 1), role=PersonRole.OUDER)
    joins(t1, "cvc", utc(2025, 1, 31, 23, 30))
    joins(t1, "veilig_thuis", utc(2025, 3, 30, 1), ended=utc(2025, 10, 26, 1, 30))  # at events' moments
    joins(t1, "gi", utc(2025, 3, 30, 1))
    joins(t1, "rvdk", utc(2025, 2, 1), ended=utc(2025, 2, 2))
    joins(t1, "other", utc(2025, 5, 1), ended=utc(2025, 5, 1))  # ends as it starts: never involved
    event(t1, "case_opened", utc(2025, 1, 31, 23, 30))
    moments = [
        utc(2025, 2, 1, 12),
        utc(2025, 3, 29, 22, 59),  # 23:59 CET, 29 March
        utc(2025, 3, 29, 23, 0),  # 00:00 CET, 30 March
        utc(2025, 3, 30, 0, 59),  # 01:59 CET
        utc(2025, 3, 30, 1, 0),  # 03:00 CEST
        utc(2025, 6, 14, 21, 59),  # 23:59 CEST, 14 June: the third child is not born yet
        utc(2025, 6, 14, 22, 0),  # 00:00 CEST, 15 June: born today, 0-3
        utc(2025, 10, 26, 0, 30),  # 02:30 CEST
        utc(2025, 10, 26, 1, 30),  # 02:30 CET
        utc(2025, 10, 26, 22, 59),  # 23:59 CET
        utc(2025, 10, 26, 23, 0),  # 00:00 CET, 27 October
    ]
    scores = [{"score": 4.5}, {"score": -0.5}, {"score": "7"}, {"score": True}, {"score": None}, {"joint_score": 10}]
    for n, when in enumerate(moments):
        event(t1, KINDS[n % len(KINDS)], when, **scores[n % len(scores)])
    # Reopened just after local midnight on 1 July; an event of that episode before its start; an episode
    # without a start (not in the extract).
    event(t1, "case_reopened", utc(2025, 6, 30, 22, 30), episode=2)
    event(t1, "note_added", utc(2025, 6, 29, 12), episode=2, score=100.0, joint_score=0)
    event(t1, "note_added", utc(2025, 7, 2), episode=3)
    # T2: the only child born on 29 February 2008: 17 on 28 February 2026, 18 on 1 March; 4 on 1 March 2012.
    t2 = case("VT-T2", at(2025, 4, 1))
    child(t2, date(2008, 2, 29))
    event(t2, "case_opened", at(2025, 4, 1))
    for day in (utc(2026, 2, 28, 12), utc(2026, 2, 28, 22, 59), utc(2026, 2, 28, 23, 0)):  # the last: 1 March
        event(t2, "status_changed", day)
    # T3: another team and municipality, no children, no participants, an awkward kind.
    t3 = case("VT-T3", at(2025, 9, 1), team=other_team, municipality=other_municipality)
    event(t3, "case_opened", at(2025, 9, 1))
    event(t3, KINDS[0], at(2025, 9, 2), joint_score=3)
    return s


def generic_csv(filters: Filters) -> bytes:
    out = io.StringIO(newline="")
    write_csv(out, EVENT_COLUMNS, event_rows(filters))
    return out.getvalue().encode("utf-8")


def rows_of(path, reference) -> list[dict]:
    pseudonym = case_pseudonym(Case.objects.get(reference=reference).pk)
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row["casus_pseudoniem"] == pseudonym]


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize(
    "which",
    ["all 2025", "February", "January", "team", "other team", "municipality", "2026"],
)
def test_the_database_writes_the_bytes_of_the_python_rows(tricky, tmp_path, settings, k, which):
    settings.METRICS_SUPPRESSION_K = k  # 2: the months with a single case are left out
    t3 = Case.objects.get(reference="VT-T3")
    filters = {
        "all 2025": ALL_2025,
        "February": Filters(date(2025, 2, 1), date(2025, 2, 28)),
        "January": Filters(date(2025, 1, 1), date(2025, 1, 31)),
        "team": Filters(date(2025, 1, 1), date(2025, 12, 31), team_id=tricky.team.pk),
        "other team": Filters(date(2025, 1, 1), date(2025, 12, 31), team_id=t3.team_id),
        "municipality": Filters(date(2025, 1, 1), date(2025, 12, 31), municipality_id=t3.municipality_id),
        "2026": Filters(date(2026, 1, 1), date(2026, 12, 31)),
    }[which]
    path = tmp_path / "events.csv"
    rows = write_events(path, filters, "csv")
    assert path.read_bytes() == generic_csv(filters)
    assert len(list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))) == rows + 1


def test_the_awkward_rows_read_back_as_meant(tricky, tmp_path, settings):
    settings.METRICS_SUPPRESSION_K = 1
    path = tmp_path / "events.csv"
    write_events(path, ALL_2025, "csv")
    t1 = rows_of(path, "VT-T1")
    # Opened at 00:30 on 1 February local time: day 0 is 1 February, 30 March is day 57.
    assert [(r["episode"], r["dag_in_episode"]) for r in t1][:6] == [
        ("1", "0"),
        ("1", "0"),
        ("1", "56"),
        ("1", "57"),
        ("1", "57"),
        ("1", "57"),
    ]
    assert [r["gebeurtenis"] for r in t1[1:5]] == [KINDS[0], KINDS[1], "'=1+1", "'-3"]
    assert [r["soorten_organisaties"] for r in t1[:6]] == [
        "cvc",
        "cvc;rvdk",
        "cvc",
        "cvc",
        "cvc",
        "cvc;gi;veilig_thuis",
    ]
    # 14 June 23:59: the twins (13); 15 June 00:00: the child born that day.
    assert [r["leeftijdsgroep_jongste_kind"] for r in t1[6:8]] == ["12-17", "0-3"]
    # The summer-time change back: veilig_thuis leaves at 02:30 CET, the second 02:30 of the night.
    assert [r["soorten_organisaties"] for r in t1[10:12]] == ["cvc;gi;veilig_thuis", "cvc;gi"]
    assert [(r["score"], r["gezamenlijke_score"]) for r in t1[1:7]] == [
        ("5", ""),
        ("-1", ""),
        ("", ""),
        ("", ""),
        ("", ""),
        ("", "10"),
    ]
    # Episode 2 starts at 00:30 on 1 July; its earlier event is day -2; episode 3 has no start.
    assert [(r["dag_in_episode"], r["score"], r["gezamenlijke_score"]) for r in t1 if r["episode"] == "2"] == [
        ("-2", "100", "0"),
        ("0", "", ""),
    ]
    assert "3" not in {r["episode"] for r in t1}
    t2 = rows_of(path, "VT-T2")
    assert [r["leeftijdsgroep_jongste_kind"] for r in t2] == ["12-17", "12-17", "12-17", "18+"]
    t3 = rows_of(path, "VT-T3")
    assert [(r["gebeurtenis"], r["leeftijdsgroep_jongste_kind"], r["soorten_organisaties"]) for r in t3] == [
        ("case_opened", "onbekend", ""),
        (KINDS[0], "onbekend", ""),
    ]


def test_months_are_local_and_a_month_with_a_hidden_cell_leaves_its_episodes_out(tricky, tmp_path, settings):
    settings.METRICS_SUPPRESSION_K = 1
    february = Filters(date(2025, 2, 1), date(2025, 2, 28))
    write_events(tmp_path / "february.csv", february, "csv")
    write_events(tmp_path / "january.csv", Filters(date(2025, 1, 1), date(2025, 1, 31)), "csv")
    # Opened on 31 January in UTC, 1 February here.
    assert rows_of(tmp_path / "february.csv", "VT-T1") and not rows_of(tmp_path / "january.csv", "VT-T1")
    assert rows_of(tmp_path / "january.csv", "VT-A")
    settings.METRICS_SUPPRESSION_K = 3  # February's two cases now hide a cell
    assert write_events(tmp_path / "hidden.csv", february, "csv") == 0
    assert (tmp_path / "hidden.csv").read_bytes() == generic_csv(february) == ",".join(EVENT_COLUMNS).encode() + b"\r\n"


def test_the_key_travels_only_as_a_bound_parameter(tricky, tmp_path, settings):
    """libpq's trace of every message to the server: the keys (and the secret) are in a Bind message only,
    never in a statement's text, which PostgreSQL logs with an error."""
    settings.METRICS_SUPPRESSION_K = 1
    settings.PSEUDONYM_SECRET = "een-geheim-dat-niet-in-de-log-mag-" + "x" * 40
    inner, outer = hmac_pads()
    secrets = [settings.PSEUDONYM_SECRET, inner[:64].hex(), outer.hex()]
    sent = sent_messages(lambda: write_events(tmp_path / "events.csv", ALL_2025, "csv"))
    carrying = [m for m in sent if any(secret in m for secret in secrets)]
    assert carrying and all(m.startswith("Bind\t") for m in carrying), carrying
    assert [m for m in statements(sent) if "COPY (" in m]
    assert rows_of(tmp_path / "events.csv", "VT-T1")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_progress_is_reported_while_the_copy_streams(tmp_path, settings, monkeypatch):
    """The COPY reads on its own connection, so the callback can write progress on the caller's (as the
    export job does) before the file is complete."""
    from django.db import connection

    from metrics import exports

    settings.METRICS_SUPPRESSION_K = 1
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    scenario.build()
    seen = []

    def progress(done: int) -> None:
        with connection.cursor() as cursor:  # a query on the caller's connection while the COPY's is open
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()"
                " AND query LIKE %s",
                ["COPY (%"],
            )
            seen.append((done, cursor.fetchone()[0]))

    rows = write_events(tmp_path / "events.csv", ALL_2025, "csv", progress=progress)
    assert rows == scenario.extract_event_count(2025) >= 15
    assert seen == [(done, 1) for done in range(5, rows + 1, 5)]
