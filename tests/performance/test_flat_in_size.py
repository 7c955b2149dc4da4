"""Cost flat in data size (issue 26): the measured pages ask the same number of queries, and PostgreSQL
answers them with the same indexes, for one team at 1× and at 10× the rows.

The rows grow where a national data set grows: cases of the team the professional does not take part
in, cases they do take part in that fall outside the first page, other teams' cases with their own
grants, and ten timeline events and deadlines for each of them (one deadline open); the dossier's own
timeline grows beyond its first page, and the team holds more earlier meetings.

How the plan comparison stays robust: 1× is already 3,000 cases of the team (and as many elsewhere),
30,000 events and 60,000 deadlines, so a selective predicate is answered by an index at 1× as at 10×;
the professional's pages may read no growing table whole at either size (so two seq scans cannot pass
as "the same plan"); the tables are ANALYZEd after each build; the data is deterministic
(generate_series) and the two teams' cases interleaved, so the statistics look alike at both sizes.
Each statement is compared by which growing tables it reads through an index and which whole, not by
node types or index names (see `_index_tables`). The coordinator's team is half the test's cases, so a
statement of their pages that reads a growing table whole at either size (counting the team) is held
to the statement count only; in the national data set that count is an index-only scan of 32 blocks
at 100k and at 1M (benchmarks/page_plans.py).
"""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseUserObjectPermission, EventKind, Participant, TimelineEvent
from tests.plans import page_plans
from tests.world import in_days, judge, make_region, open_case
from workflows.deadlines.models import Deadline
from workflows.meetings.models import AgendaItem, Meeting
from workflows.meetings.services import agenda_add, attendance_record, meeting_schedule

BASE = 3_000  # the team's cases at 1×; as many again in another team
PER_CASE = 10  # timeline events and deadlines per added case
# Tables that grow with the country, thousands of rows already at 1×: a sequential scan over one of them
# is a cost that grows too. (The meetings grow as well, but a hundred rows are rightly read whole.)
GROWING = ("cases_case", "cases_caseuserobjectpermission", "cases_participant", "cases_timelineevent",
           "workflows_deadline")  # fmt: skip
ANALYZED = (*GROWING, "workflows_meeting", "workflows_agendaitem")
COORDINATOR_PAGES = ("Teamzaken", "overleg", "Termijnen")


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def _clone(table: str, template_id: int, source: str, overrides: dict[str, str]) -> int:
    """Copies of one row of `table`, one per row of `source` (a FROM fragment), column by column as the
    template except `overrides` (SQL over `source`): columns a later migration adds follow by themselves."""
    with connection.cursor() as cursor:
        columns = _columns(cursor, table)
        values = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
        names = ", ".join(f'"{column}"' for column in columns)
        cursor.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {values} FROM "{table}" t, {source} AND t.id = %s',  # noqa: S608
            [template_id],
        )
        return cursor.rowcount


def _grow(scene, *, tag: str, cases: int) -> None:
    """`cases` more cases in the team and as many in the other team, with their rows (see the module)."""
    region, other = scene["region"], scene["other"]

    def per_team(ours, theirs) -> str:
        return f"CASE WHEN g %% 2 = 0 THEN {ours} ELSE {theirs} END"

    # The two teams' cases interleaved (odd g: the other team), so the heap's order tells the planner
    # the same at 1× as at 10×.
    _clone(
        "cases_case",
        scene["case"].pk,
        f"generate_series(1, {2 * cases}) g WHERE true",
        {
            "reference": per_team(f"'F{tag}T-'", f"'F{tag}O-'") + " || ((g + 1) / 2)",
            "family_name": "'gezin Flat' || g",
            "team_id": per_team(region.team.pk, other.team.pk),
            "municipality_id": per_team(region.team.municipalities.first().pk, other.team.municipalities.first().pk),
            "vast_gezicht_id": per_team(region.cvc_user.pk, other.cvc_user.pk),
            "created_by_id": per_team(region.cvc_user.pk, other.cvc_user.pk),
            # Older than the page's cases: they fall outside page 1 of every list.
            "opened_at": "now() - interval '400 days' - make_interval(mins => g)",
            "external_reference": "''",
        },
    )
    number = "substring(c.reference from '[0-9]+$')::int"
    # The professional takes part in every 100th of the team's new cases (visible, beyond the page; as in
    # the data sets, a small share of all cases: 30 at 1×, 300 at 10×); the
    # GI's professional in every other one (grants the professional cannot see); the other team's vast
    # gezicht in all of theirs.
    for participant, where in (
        (scene["participant"], f"c.reference LIKE 'F{tag}T-%%' AND {number} %% 100 = 0"),
        (scene["gi_participant"], f"c.reference LIKE 'F{tag}T-%%' AND {number} %% 2 = 1"),
        (scene["other_participant"], f"c.reference LIKE 'F{tag}O-%%'"),
    ):
        source = f"cases_case c WHERE {where}"
        _clone("cases_participant", participant.pk, source, {"case_id": "c.id"})
        _clone(
            "cases_caseuserobjectpermission",
            scene["grant"].pk,
            source,
            {"content_object_id": "c.id", "user_id": str(participant.professional_id)},
        )
    _clone(
        "cases_timelineevent",
        scene["event"].pk,
        f"cases_case c CROSS JOIN generate_series(1, {PER_CASE}) g WHERE c.reference LIKE 'F{tag}%%'",
        {"case_id": "c.id", "occurred_at": "c.opened_at + make_interval(hours => g)"},
    )
    _clone(
        "workflows_deadline",
        scene["deadline"].pk,
        f"cases_case c CROSS JOIN generate_series(1, {PER_CASE}) g WHERE c.reference LIKE 'F{tag}%%'",
        {
            "case_id": "c.id",
            "subject": "'flat:' || g",
            # g = 1 open (due within a year, every 50th case overdue), the others closed history.
            "state": "CASE WHEN g = 1 THEN 'open' ELSE 'met' END",
            "due_at": "CASE WHEN g = 1 AND c.id %% 50 = 0 THEN now() - interval '2 days' "
            "WHEN g = 1 THEN now() + make_interval(days => 1 + (c.id %% 365)::int) "
            "ELSE c.opened_at + make_interval(days => 14 * g) END",
            "closed_at": "CASE WHEN g = 1 THEN NULL ELSE c.opened_at + make_interval(days => 14 * g - 2) END",
            "remind_at": "CASE WHEN g = 1 THEN now() + interval '400 days' ELSE NULL END",
        },
    )
    # The dossier's own timeline grows beyond its first page (older events).
    _clone(
        "cases_timelineevent",
        scene["event"].pk,
        f"generate_series(1, {cases // 10}) g WHERE true",
        {"occurred_at": "t.occurred_at - make_interval(days => g)"},
    )
    # Earlier meetings of the team, each with one of the new cases on its agenda.
    _clone(
        "workflows_meeting",
        scene["meeting"].pk,
        f"generate_series(1, {cases // 30}) g WHERE true",
        {"scheduled_at": "t.scheduled_at - make_interval(days => 7 * g)", "location": f"'flat-{tag}-' || g"},
    )
    _clone(
        "workflows_agendaitem",
        scene["item"].pk,
        f"(SELECT m.id AS meeting_id, row_number() OVER (ORDER BY m.id) AS n FROM workflows_meeting m "  # noqa: S608
        f"WHERE m.location LIKE 'flat-{tag}-%%') m JOIN cases_case c ON c.reference = 'F{tag}T-' || m.n WHERE true",
        {"meeting_id": "m.meeting_id", "case_id": "c.id"},
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(ANALYZED)}")
    assert Case.objects.count() > cases


@pytest.fixture
def scene(region):
    """The professional's dossier (judged, with partners), a meeting of three judged cases with an
    attendee, and another team with its own professional; rows to clone from."""
    case = open_case(region)
    judge(region, case)
    at = timezone.make_aware(datetime.combine(in_days(1), time(10, 0)))
    meeting = meeting_schedule(actor=region.coordinator, team=region.team, scheduled_at=at, chair=region.coordinator)
    for number in range(3):
        agenda_case = open_case(region, family_name=f"Gezin Agenda {number}")
        judge(region, agenda_case)
        agenda_add(actor=region.coordinator, meeting=meeting, case=agenda_case)
    attendance_record(actor=region.coordinator, meeting=meeting, user=region.vt_user, organisation=region.vt)
    other = make_region()
    other_case = open_case(other)
    return {
        "region": region,
        "other": other,
        "case": case,
        "meeting": meeting,
        "item": AgendaItem.objects.filter(meeting=meeting).first(),
        "grant": CaseUserObjectPermission.objects.filter(content_object=case, user=region.cvc_user).get(),
        "participant": Participant.objects.get(case=case, professional=region.cvc_user),
        "gi_participant": Participant.objects.get(case=case, professional=region.gi_user),
        "other_participant": Participant.objects.get(case=other_case, professional=other.cvc_user),
        "event": TimelineEvent.objects.filter(case=case, kind=EventKind.CASE_OPENED).get(),
        "deadline": Deadline.objects.filter(case=case, state="open").order_by("id").first(),
    }


def _index_tables() -> dict[str, str]:
    """Index name -> its table. Plans are compared by the tables they reach through an index: the
    grants, the timeline and the deadlines each have several indexes that answer the same equality
    (a foreign key's one-column index beside a composite one that starts with it or ends with it), and
    between those PostgreSQL's pick moved from run to run at the same size (ANALYZE samples rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relnamespace = 'public'::regnamespace"
        )
        return dict(cursor.fetchall())


def _pages(scene, client, login_verified) -> dict[str, tuple[int, list]]:
    """Per page: its statement count and, per SELECT, which of the growing tables its plan reads through
    an index and which whole. The professional's pages read no growing table whole; the coordinator's
    team is half of the test's cases, so counting it reads the table whole at both sizes (in the
    national set a team is a thirtieth and the count an index-only scan: benchmarks/page_plans.py)."""
    region = scene["region"]
    paths = _index_tables()
    measured = {}
    for user, urls in (
        (region.cvc_user, {"Mijn zaken": "/mijn-zaken/", "dossier": f"/zaken/{scene['case'].pk}/"}),
        (
            region.coordinator,
            {"Teamzaken": "/teamzaken/", "overleg": f"/overleggen/{scene['meeting'].pk}/", "Termijnen": "/termijnen/"},
        ),
    ):
        login_verified(client, user)
        for label, url in urls.items():
            page_plans(client, url)  # warm: session, caches
            count, plans = page_plans(client, url)
            shapes = []
            for plan in plans:
                seq = sorted({node.removeprefix("Seq Scan on ") for node in plan.nodes if node.startswith("Seq Scan")})
                if user == region.cvc_user:
                    assert not set(seq) & set(GROWING), f"{label}: {seq} read whole in {plan.sql[:300]}"
                # Only the growing tables: between a seq scan and its primary key for the world's ten users
                # or organisations the planner's pick is a toss, at any size.
                by_index = {paths[name] for name in plan.indexes}
                shapes.append((sorted(by_index & set(ANALYZED)), sorted(set(seq) & set(ANALYZED))))
            measured[label] = (count, shapes)
    return measured


def test_the_pages_cost_the_same_queries_and_indexes_at_ten_times_the_rows(scene, client, login_verified):
    _grow(scene, tag="a", cases=BASE)
    once = _pages(scene, client, login_verified)
    _grow(scene, tag="b", cases=9 * BASE)
    assert Case.objects.filter(team=scene["region"].team).count() > 10 * BASE
    assert Meeting.objects.filter(team=scene["region"].team).count() > 10 * BASE // 30
    tenfold = _pages(scene, client, login_verified)
    for label, (count, indexes) in once.items():
        assert tenfold[label][0] == count, f"{label}: {count} statements at 1×, {tenfold[label][0]} at 10×"
        for number, (before, after) in enumerate(zip(indexes, tenfold[label][1], strict=True)):
            if label in COORDINATOR_PAGES and (before[1] or after[1]):
                # The coordinator's team is half of the test's cases: counting it is a read of half the
                # table whichever way, and the planner's pick between the two moves with the heap's order.
                continue
            assert after == before, f"{label}, statement {number}: the plan reads other tables by index or whole"
