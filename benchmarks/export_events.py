#!/usr/bin/env python
"""Event extract to CSV over 1M timeline events: rows per second and peak RSS, at 250k and at 1M rows.

Budget: >= 300k rows/s, RSS < 100 MB, and the RSS at 1M no higher than at 250k plus a little (flat).
If the database holds fewer than 1M events, it is filled first with bulk_create (one-off, a minute or two).
Run alone: DATABASE_URL=postgres://... python benchmarks/export_events.py
"""

from __future__ import annotations

import os
import resource
import subprocess  # noqa: S404 - re-runs this script to measure in a fresh process
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import report, setup_django  # noqa: E402

TARGET_EVENTS = 1_000_000
EVENTS_PER_CASE = 25
CHECKPOINT = 250_000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def ensure_data() -> int:
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Case, Participant, Person, TimelineEvent

    if "cases_timelineevent" not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)
    have = TimelineEvent.objects.count()
    if have >= TARGET_EVENTS:
        return have
    from zoneinfo import ZoneInfo

    from partners.models import Municipality, Organisation, SafetyTeam, User

    tz = ZoneInfo("Europe/Amsterdam")
    municipality, _ = Municipality.objects.get_or_create(code="GM9999", defaults={"name": "Benchgemeente"})
    team, _ = SafetyTeam.objects.get_or_create(name="Benchteam")
    team.municipalities.add(municipality)
    orgs = [
        Organisation.objects.get_or_create(name=f"Bench {kind}", defaults={"kind": kind})[0]
        for kind in ("cvc", "veilig_thuis", "gi")
    ]
    user, _ = User.objects.get_or_create(username="bench-export", defaults={"full_name": "Bench"})
    kinds = [
        "case_opened",
        "vast_gezicht_assigned",
        "contribution_added",
        "judgement_recorded",
        "intervention_agreed",
        "intervention_started",
        "status_changed",
        "note_added",
        "participant_added",
        "discussed_in_meeting",
    ]
    n_cases = (TARGET_EVENTS - have + EVENTS_PER_CASE - 1) // EVENTS_PER_CASE
    start = datetime(2023, 1, 1, 9, tzinfo=tz)
    offset = Case.objects.count()
    print(f"seeding {n_cases} cases with {EVENTS_PER_CASE} events each", flush=True)
    for batch_start in range(0, n_cases, 2000):
        batch = range(batch_start, min(batch_start + 2000, n_cases))
        cases = Case.objects.bulk_create(
            [
                Case(
                    reference=f"BENCH-EXP-{offset + i}",
                    family_name="Bench",
                    team=team,
                    municipality=municipality,
                    intake="melding_vt",
                    reported_on=date(2023, 1, 1),
                    opened_at=start + timedelta(hours=i),
                    created_by=user,
                    status="monitoring",
                )
                for i in batch
            ]
        )
        Person.objects.bulk_create(
            [
                Person(case=c, role="jeugdige", full_name="Bench Kind", date_of_birth=date(2010 + (c.pk % 14), 5, 1))
                for c in cases
            ]
        )
        Participant.objects.bulk_create(
            [
                Participant(
                    case=c,
                    organisation=org,
                    professional=user,
                    role="betrokken",
                    basis_kind="niet_vastgelegd",
                    started_at=c.opened_at,
                )
                for c in cases
                for org in orgs[: 1 + c.pk % 3]
            ]
        )
        events = []
        for c in cases:
            for n in range(EVENTS_PER_CASE):
                kind = kinds[n % len(kinds)]
                data = {"joint_score": n % 11} if kind == "judgement_recorded" else {}
                if kind == "contribution_added":
                    data = {"score": n % 11, "organisation_kind": "cvc"}
                events.append(
                    TimelineEvent(
                        case=c, kind=kind, occurred_at=c.opened_at + timedelta(days=n), data=data, summary="bench"
                    )
                )
        TimelineEvent.objects.bulk_create(events, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, or the planner sorts 1M rows it thinks are a few hundred
    return TimelineEvent.objects.count()


def main() -> int:
    setup_django()
    if "--measure" not in sys.argv:
        ensure_data()
        # Measure in a fresh process: the seeding above must not count towards the export's peak RSS.
        return subprocess.run([sys.executable, __file__, "--measure"], check=False).returncode  # noqa: S603
    from cases.models import TimelineEvent
    from metrics import exports

    total = TimelineEvent.objects.count()
    from metrics.definitions import Filters

    filters = Filters(date(2000, 1, 1), date(2099, 12, 31))
    marks: dict[int, tuple[float, float]] = {}
    began = time.perf_counter()

    def progress(done: int) -> None:
        marks[done] = (time.perf_counter() - began, rss_mb())

    exports.PROGRESS_EVERY = CHECKPOINT
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "events.csv"
        rows = exports.write_events(out, filters, "csv", progress=progress)
        elapsed = time.perf_counter() - began
        size_mb = out.stat().st_size / 1e6
    rss_end = rss_mb()
    seconds_at_quarter, rss_quarter = marks.get(CHECKPOINT, (float("nan"), float("nan")))
    note = f"{rows} rows of {total} events, {size_mb:.0f} MB CSV, {elapsed:.1f} s"
    report(
        "export events CSV: rows per second (1M)",
        rows / elapsed,
        "rows/s",
        budget=300_000,
        higher_is_better=True,
        note=note,
    )
    report(
        "export events CSV: rows per second (first 250k)",
        CHECKPOINT / seconds_at_quarter,
        "rows/s",
        budget=300_000,
        higher_is_better=True,
    )
    report("export events CSV: peak RSS at 250k rows", rss_quarter, "MB", budget=100)
    report("export events CSV: peak RSS at 1M rows", rss_end, "MB", budget=100)
    report(
        "export events CSV: RSS growth 250k -> 1M",
        rss_end - rss_quarter,
        "MB",
        budget=10,
        note="flat memory: one COPY, rows written in blocks as they come",
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.exit(main())
