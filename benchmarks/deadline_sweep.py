"""The reminder sweep over the shared data set's 1M deadlines, of which 10k are made due.

Uses the shared data set (benchmarks/dataset.py). Each run takes the same 10k open deadlines, makes
their first reminder due, sweeps, and puts them back afterwards (reminders and notifications deleted,
remind_at far ahead again) so the other figures do not see them. Measures: the sweep's time and
reminders/s claimed and recorded (rows + in-app notifications, no e-mail dispatch), an empty sweep over
the 1M rows (median of five, and its queries), and EXPLAIN (ANALYZE, BUFFERS) of the claim query while
the 10k are due (must use the partial index).

`BENCH_SWEEP_DEADLINES=10000000` first tops the deadlines up to that many with history no sweep reads
(nine in ten closed, one in ten open with its reminder a month or more ahead; one INSERT … SELECT, kept
for later runs): the same 10k due among 10M, to show that the sweep's cost does not grow with the table.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report, setup_django  # noqa: E402
from dataset import DEADLINE_SUBJECT, ensure_database, prepare  # noqa: E402

DUE = 10_000
SCALE_SUBJECT = "bench-sweep-scale:"


def top_up_history(target: int) -> int:
    """Closed and future deadlines until the table holds `target` rows (server side, like
    dataset._top_up_deadlines); none of them is due."""
    from django.db import connection, transaction

    from workflows.deadlines.models import DeadlineRule

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM workflows_deadline")
        missing = target - cursor.fetchone()[0]
        if missing <= 0:
            return 0
        cursor.execute("SELECT count(*) FROM cases_case")
        per_case = missing // cursor.fetchone()[0] + 1
        rule = DeadlineRule.objects.get(team=None, code="gezamenlijke-beoordeling")
        cursor.execute(
            "INSERT INTO workflows_deadline (rule_id, case_id, subject, name, started_at, term_value, term_unit, "
            "statutory, reminder_offsets, escalation_interval_hours, due_at, state, closed_at, remind_at, created_at) "
            "SELECT %s, c.id, %s || c.id || ':' || g, %s, c.opened_at, 10, 'working_days', false, '2wd', 24, "
            "CASE WHEN g %% 10 = 0 THEN now() + make_interval(days => 1 + ((c.id + g) %% 365)::int) "
            "     ELSE c.opened_at + make_interval(days => 14 * g) END, "
            "CASE WHEN g %% 10 = 0 THEN 'open' ELSE 'met' END, "
            "CASE WHEN g %% 10 = 0 THEN NULL ELSE c.opened_at + make_interval(days => 14 * g - 2) END, "
            "CASE WHEN g %% 10 = 0 THEN now() + make_interval(days => 30 + ((c.id + g) %% 365)::int) END, "
            "c.opened_at "
            "FROM (SELECT id, opened_at, row_number() OVER (ORDER BY id) AS n FROM cases_case) c "
            "CROSS JOIN generate_series(1, %s) g "
            "WHERE (c.n - 1) * %s + g <= %s",
            [rule.pk, SCALE_SUBJECT, rule.name, per_case, per_case, missing],
        )
        added = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE workflows_deadline")
    return added


def due_ids() -> list[int]:
    from workflows.deadlines.models import Deadline

    open_rows = Deadline.objects.filter(state="open", subject__startswith=DEADLINE_SUBJECT)
    return list(open_rows.order_by("id").values_list("id", flat=True)[:DUE])


def reset(ids: list[int], *, remind_at: datetime, due_at: datetime | None = None) -> None:
    """Forget the reminders of these deadlines and set their next reminder moment."""
    from django.db import connection

    from workflows.deadlines.models import Notification, Reminder

    Notification.objects.filter(reminder__deadline_id__in=ids).delete()
    Reminder.objects.filter(deadline_id__in=ids).delete()
    with connection.cursor() as cursor:
        if due_at is None:  # back to the data set's own due dates (dataset._top_up_deadlines)
            cursor.execute(
                "UPDATE workflows_deadline SET remind_at = %s, due_at = CASE WHEN case_id %% 300 = 0 "
                "THEN now() - interval '2 days' ELSE now() + make_interval(days => 1 + (case_id %% 365)::int) END "
                "WHERE id = ANY(%s)",
                [remind_at, ids],
            )
        else:
            cursor.execute(
                "UPDATE workflows_deadline SET remind_at = %s, due_at = %s WHERE id = ANY(%s)", [remind_at, due_at, ids]
            )
        cursor.execute("ANALYZE workflows_deadline")


def backend_cpu_seconds(pid: int) -> float:
    """CPU time of the PostgreSQL backend `pid` so far (user + system; the server runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ensure_database()
    os.environ["REMINDER_DISPATCH"] = "false"
    setup_django()
    prepare()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    if os.environ.get("BENCH_SWEEP_DEADLINES"):
        started = time.perf_counter()
        added = top_up_history(int(os.environ["BENCH_SWEEP_DEADLINES"]))
        if added:
            report("deadline sweep: history added", time.perf_counter() - started, "s", note=f"{added} deadlines")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM workflows_deadline")
        total = cursor.fetchone()[0]
    size = f"{total / 1e6:.0f}M" if total >= 1e6 else f"{total / 1e3:.0f}k"

    from workflows.deadlines.office_hours import delivery_moment
    from workflows.deadlines.reminders import reminders_sweep
    from workflows.deadlines.working_days import calendar

    # A moment in office hours: outside them the due stages would wait for the next working day.
    now = delivery_moment(timezone.now().replace(microsecond=0), cal=calendar())
    ids = due_ids()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    samples, cpu = [], []
    try:
        for _ in range(3):
            reset(ids, remind_at=now - timedelta(minutes=1), due_at=now - timedelta(minutes=1))
            start, python, db = time.perf_counter(), time.process_time(), backend_cpu_seconds(backend)
            result = reminders_sweep(now=now)
            samples.append((time.perf_counter() - start, result.reminders))
            # CPU time, less sensitive than the wall clock to what else runs: the sweep's Python, its backend's.
            cpu.append((time.process_time() - python, backend_cpu_seconds(backend) - db))
        empties, empty_cpu = [], []
        for _ in range(5):
            start, python = time.perf_counter(), time.process_time()
            empty = reminders_sweep(now=now)
            empties.append((time.perf_counter() - start) * 1000)
            empty_cpu.append((time.process_time() - python) * 1000)  # the backend's ticks are 10 ms: too coarse
        with CaptureQueriesContext(connection) as empty_queries:
            reminders_sweep(now=now)
        reset(ids, remind_at=now - timedelta(minutes=1), due_at=now - timedelta(minutes=1))
        with transaction.atomic(), connection.cursor() as cursor:  # rolled back: the locks go with it
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM workflows_deadline WHERE state = 'open' AND remind_at <= %s "
                "ORDER BY remind_at LIMIT 1000 FOR UPDATE SKIP LOCKED",
                [now],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
    finally:
        reset(ids, remind_at=now + timedelta(days=400))
    seconds, reminders = sorted(samples)[len(samples) // 2]  # the median of three runs
    runs = ", ".join(f"{s * 1000:.0f}" for s, _n in samples)
    report(
        f"deadline sweep: 10k due of {size}, time", seconds * 1000, "ms", note=f"{reminders} reminders; runs {runs} ms"
    )
    report(
        "deadline sweep: reminders claimed+recorded", reminders / seconds, "per s", budget=10_000, higher_is_better=True
    )
    python, db = sorted(cpu)[len(cpu) // 2]
    report(
        "deadline sweep: CPU per sweep, Python + PostgreSQL backend",
        (python + db) * 1000,
        "ms",
        note=f"Python {python * 1000:.0f} ms, backend {db * 1000:.0f} ms; "
        f"{reminders / (python + db):.0f} reminders per CPU second",
    )
    empties.sort()
    report(
        f"deadline sweep: nothing due among {size}",
        empties[len(empties) // 2],
        "ms",
        budget=5,
        note=f"{empty.reminders} reminders; {len(empty_queries)} queries; "
        f"Python CPU {sorted(empty_cpu)[2]:.1f} ms; runs " + ", ".join(f"{e:.1f}" for e in empties),
    )
    print(plan)
    report(
        "deadline sweep: claim uses the partial index",
        float("deadline_open_remind_idx" in plan),
        "bool",
        budget=1,
        higher_is_better=True,
    )


if __name__ == "__main__":
    main()
