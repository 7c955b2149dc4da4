"""The reminder sweep over the shared data set's 1M deadlines, of which 10k are made due.

Uses the shared data set (benchmarks/dataset.py). Each run takes the same 10k open deadlines, makes
their first reminder due, sweeps, and puts them back afterwards (reminders and notifications deleted,
remind_at far ahead again) so the other figures do not see them. Measures: the sweep's time and
reminders/s claimed and recorded (rows + in-app notifications, no e-mail dispatch), an empty sweep over
the 1M rows, and EXPLAIN of the claim query (must use the partial index).
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


def main() -> None:
    ensure_database()
    os.environ["REMINDER_DISPATCH"] = "false"
    setup_django()
    prepare()
    from django.db import connection
    from django.utils import timezone

    from workflows.deadlines.office_hours import delivery_moment
    from workflows.deadlines.reminders import reminders_sweep
    from workflows.deadlines.working_days import calendar

    # A moment in office hours: outside them the due stages would wait for the next working day.
    now = delivery_moment(timezone.now().replace(microsecond=0), cal=calendar())
    ids = due_ids()
    samples = []
    try:
        for _ in range(3):
            reset(ids, remind_at=now - timedelta(minutes=1), due_at=now - timedelta(minutes=1))
            start = time.perf_counter()
            result = reminders_sweep(now=now)
            samples.append((time.perf_counter() - start, result.reminders))
        start = time.perf_counter()
        empty = reminders_sweep(now=now)
        empty_ms = (time.perf_counter() - start) * 1000
    finally:
        reset(ids, remind_at=now + timedelta(days=400))
    seconds, reminders = sorted(samples)[len(samples) // 2]  # the median of three runs
    report("deadline sweep: 10k due of 1M, time", seconds * 1000, "ms", note=f"{reminders} reminders")
    report(
        "deadline sweep: reminders claimed+recorded", reminders / seconds, "per s", budget=1000, higher_is_better=True
    )
    report("deadline sweep: nothing due among 1M", empty_ms, "ms", budget=50, note=f"{empty.reminders} reminders")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM workflows_deadline WHERE state = 'open' AND remind_at <= %s "
            "ORDER BY remind_at LIMIT 1000 FOR UPDATE SKIP LOCKED",
            [now],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
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
