"""The reminder sweep: beat runs it every minute (workflows.deadlines.tasks.sweep).

Stages of a deadline, in time order: `before:<offset>` (per rule), `due` (08:00 on the due day),
`overdue` (the due moment; also to the coordinators) and `escalation:<n>` (every escalation
interval after that, to the coordinators). `Deadline.remind_at` is the first stage not yet handled.

A stage is delivered within office hours on a working day (office_hours.py): one that falls at night,
at a weekend or on a holiday waits for the next working day's start; `remind_at` holds that delivery
moment. A sweep claims open deadlines with `remind_at <= now` using SELECT … FOR UPDATE SKIP LOCKED
(the partial index makes that read cheap) and takes the stages whose delivery moment has come. Per
deadline and recipient it records only the latest of them: after beat was away, or overnight, one
catch-up, not every escalation missed (as for a deadline that opens overdue); the responsible hears
of the overdue stage as well as the coordinators. Recipients follow need-to-know (recipients.py).
One Reminder per stage and recipient is inserted with INSERT … ON CONFLICT DO NOTHING (the unique key
is the exactly-once guarantee), with the in-app notification for each new row; `remind_at` moves on
and the batch commits. E-mails go out afterwards, one task per reminder id, enqueued on commit; the
sweep re-dispatches e-mails whose task was lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflows.deadlines.calendar import WorkingDayCalendar, as_utc, local_date, start_of_day
from workflows.deadlines.dispatch import SEND_REMINDER_EMAIL, task
from workflows.deadlines.models import Deadline, DeadlineState, Delivery, Notification, NotificationPreference, Reminder
from workflows.deadlines.office_hours import delivery_moment, earliest_stage_delivered_at
from workflows.deadlines.recipients import ESCALATION, OVERDUE, Recipients, is_overdue_stage, recipients_for
from workflows.deadlines.reminder_offsets import parse_offsets
from workflows.deadlines.working_days import calendar

DUE_DAY_HOUR = 8


def stages_between(
    deadline: Deadline, *, start: datetime, end: datetime, cal: WorkingDayCalendar, limit_escalations: int = 1000
) -> list[tuple[str, datetime]]:
    """The deadline's stages with start <= moment <= end, in time order (all moments in UTC)."""
    due_at, start, end = as_utc(deadline.due_at), as_utc(start), as_utc(end)
    stages = [(f"before:{o.label}", o.before(due_at, cal)) for o in parse_offsets(deadline.reminder_offsets)]
    stages = [(name, at) for name, at in stages if at > deadline.started_at]
    due_day = min(start_of_day(local_date(due_at), hour=DUE_DAY_HOUR), due_at)
    if due_day > deadline.started_at:
        stages.append(("due", due_day))
    stages.append(("overdue", due_at))
    interval = timedelta(hours=max(deadline.escalation_interval_hours, 1))
    if end > due_at and limit_escalations:
        first = max(1, int((start - due_at) / interval)) if start > due_at else 1
        last = min(int((end - due_at) / interval), first + limit_escalations - 1)
        stages += [(f"escalation:{n}", due_at + n * interval) for n in range(first, last + 1)]
    return sorted(((n, at) for n, at in stages if start <= at <= end), key=lambda s: s[1])


def next_remind_at(deadline: Deadline, *, after: datetime, cal: WorkingDayCalendar) -> datetime:
    """The first stage strictly after `after` (escalations never run out while the deadline is open)."""
    after = as_utc(after)
    horizon = max(after, deadline.due_at) + timedelta(hours=max(deadline.escalation_interval_hours, 1) + 1)
    upcoming = [at for _n, at in stages_between(deadline, start=after, end=horizon, cal=cal) if at > after]
    return upcoming[0]


@dataclass
class SweepResult:
    claimed: int = 0
    reminders: int = 0
    dispatched: int = 0
    reminder_ids: list[int] = field(default_factory=list)


def _insert_reminders(rows: list[tuple]) -> list[tuple[int, int, str, int]]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: only rows that are new come back.

    Columns travel as arrays (unnest): seven parameters whatever the batch size."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return _insert_reminders_portable(rows)
    columns = list(zip(*rows, strict=True))
    sql = (
        f"INSERT INTO {Reminder._meta.db_table} (deadline_id, stage, recipient_id, scheduled_for, created_at, "  # noqa: S608 - table name from the model, values bound
        "delivery, retry_at, attempts) SELECT d, s, r, sf, c, dl, rt, 0 FROM unnest(%s::bigint[], %s::text[], "
        "%s::bigint[], %s::timestamptz[], %s::timestamptz[], %s::text[], %s::timestamptz[]) "
        "AS t(d, s, r, sf, c, dl, rt) "
        "ON CONFLICT (deadline_id, stage, recipient_id) DO NOTHING RETURNING id, deadline_id, stage, recipient_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in columns])
        return list(cursor.fetchall())


def _insert_reminders_portable(rows: list[tuple]) -> list[tuple[int, int, str, int]]:
    """The same through the ORM, a row at a time: the SQLite quick start has one writer and few rows."""
    created = []
    for deadline_id, stage, recipient_id, scheduled_for, created_at, delivery, retry_at in rows:
        reminder, new = Reminder.objects.get_or_create(
            deadline_id=deadline_id,
            stage=stage,
            recipient_id=recipient_id,
            defaults={
                "scheduled_for": scheduled_for,
                "created_at": created_at,
                "delivery": delivery,
                "retry_at": retry_at,
                "attempts": 0,
            },
        )
        if new:
            created.append((reminder.pk, deadline_id, stage, recipient_id))
    return created


def _insert_notifications(rows: list[tuple]) -> None:
    """(user_id, reminder_id, created_at, title, url) rows in one INSERT from arrays."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            Notification(user_id=u, reminder_id=r, created_at=c, title=t, body="", url=url) for u, r, c, t, url in rows
        )
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    sql = (
        f"INSERT INTO {Notification._meta.db_table} (user_id, reminder_id, created_at, title, body, url) "  # noqa: S608 - table name from the model, values bound
        "SELECT u, r, c, t, '', l FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], %s::text[], %s::text[]) "
        "AS x(u, r, c, t, l)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)


def _set_remind_at(batch: list[Deadline]) -> None:
    """One UPDATE from arrays for the whole batch (bulk_update's CASE WHEN grows badly with the batch)."""
    if connection.vendor != "postgresql":
        Deadline.objects.bulk_update(batch, ["remind_at"])
        return
    sql = (
        f"UPDATE {Deadline._meta.db_table} AS d SET remind_at = v.remind_at "  # noqa: S608 - table name from the model, values bound
        "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, remind_at) WHERE d.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [[d.pk for d in batch], [d.remind_at for d in batch]])


def _notification_text(deadline: Deadline, stage: str) -> str:
    reference = deadline.case.reference
    due = date_format(timezone.localtime(deadline.due_at), "j F Y H:i")
    if stage.startswith("before"):
        return _("Termijn '%(name)s' voor %(ref)s verloopt op %(due)s.") % {
            "name": deadline.name,
            "ref": reference,
            "due": due,
        }
    if stage == "due":
        return _("Termijn '%(name)s' voor %(ref)s verloopt vandaag.") % {"name": deadline.name, "ref": reference}
    return _("Termijn '%(name)s' voor %(ref)s is verlopen (uiterlijk %(due)s).") % {
        "name": deadline.name,
        "ref": reference,
        "due": due,
    }


def _stages_due(
    deadline: Deadline, *, now: datetime, cal: WorkingDayCalendar
) -> tuple[list[tuple[str, datetime]], datetime]:
    """The stages whose delivery moment has come by `now`, in time order, and the next `remind_at`:
    the delivery moment of the first stage still to deliver."""
    start = earliest_stage_delivered_at(deadline.remind_at, cal=cal)
    window = stages_between(deadline, start=start, end=now, cal=cal)
    ready = [(stage, at) for stage, at in window if delivery_moment(at, cal=cal) <= now]
    waiting = [at for _stage, at in window if delivery_moment(at, cal=cal) > now]
    upcoming = waiting[0] if waiting else next_remind_at(deadline, after=now, cal=cal)
    return ready, delivery_moment(upcoming, cal=cal)


def _catch_up(deadline: Deadline, ready: list[tuple[str, datetime]], recipients: Recipients) -> dict[int, tuple]:
    """One stage per recipient: the latest of those ready. Whoever is responsible is told of the
    overdue stage too when only escalations (for the coordinators) are left of it."""
    latest: dict[int, tuple[str, datetime]] = {}
    for stage, at in ready:  # in time order: a later stage replaces an earlier one
        for user_id in recipients.of_stage(deadline, stage):
            latest[user_id] = (stage, at)
    if any(is_overdue_stage(stage) for stage, _at in ready):
        for user_id in recipients.responsible.get(deadline.pk, []):
            latest.setdefault(user_id, (OVERDUE, deadline.due_at))
    return latest


def _record(
    planned: list[tuple[int, str, int, datetime]], *, deadlines: dict[int, Deadline], now: datetime, result: SweepResult
) -> None:
    """Insert the (deadline id, stage, user id, scheduled for) rows that are new, with their in-app
    notifications, and enqueue their e-mails on commit (digest users wait for their digest)."""
    retry_at = now + timedelta(seconds=settings.REMINDER_REDISPATCH_SECONDS)
    # Digest users wait for their digest; users who switched deadline e-mail off get only the notification.
    chosen = dict(
        NotificationPreference.objects.filter(
            user_id__in={row[2] for row in planned}, delivery__in=[Delivery.DIGEST, Delivery.OFF]
        ).values_list("user_id", "delivery")
    )
    digest_users = set(chosen)
    rows = [(*row, now, chosen.get(row[2], Delivery.IMMEDIATE), retry_at) for row in planned]
    created = _insert_reminders(rows)
    # reverse() once: the detail URL differs only in the id.
    url = reverse("deadline-detail", kwargs={"deadline_id": 999999999}).replace("999999999", "{}")
    _insert_notifications(
        [
            (
                user_id,
                reminder_id,
                now,
                _notification_text(deadlines[deadline_id], stage)[:200],
                url.format(deadline_id),
            )
            for reminder_id, deadline_id, stage, user_id in created
        ]
    )
    immediate = [row[0] for row in created if row[3] not in digest_users]
    result.reminders += len(created)
    result.reminder_ids += [row[0] for row in created]
    result.dispatched += len(immediate)
    if immediate and settings.REMINDER_DISPATCH:
        for reminder_id in immediate:
            task(SEND_REMINDER_EMAIL).delay_on_commit(reminder_id)


def _sweep_batch(*, now: datetime, batch_size: int, cal: WorkingDayCalendar, result: SweepResult) -> int:
    batch = list(
        Deadline.objects.filter(state=DeadlineState.OPEN, remind_at__lte=now)
        .order_by("remind_at")
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("case")[:batch_size]
    )
    if not batch:
        return 0
    recipients = recipients_for(batch, on=local_date(now))
    planned: list[tuple[int, str, int, datetime]] = []
    for deadline in batch:
        ready, deadline.remind_at = _stages_due(deadline, now=now, cal=cal)
        latest = _catch_up(deadline, ready, recipients)
        planned += [(deadline.pk, stage, user_id, at) for user_id, (stage, at) in sorted(latest.items())]
    _record(planned, deadlines={d.pk: d for d in batch}, now=now, result=result)
    _set_remind_at(batch)
    result.claimed += len(batch)
    return len(batch)


def reminders_sweep(*, now: datetime | None = None, batch_size: int = 1000) -> SweepResult:
    """Record every reminder stage that has come due by `now` (once), then dispatch the e-mails."""
    now = now or timezone.now()
    cal = calendar()
    result = SweepResult()
    while True:
        with transaction.atomic():
            if _sweep_batch(now=now, batch_size=batch_size, cal=cal, result=result) < batch_size:
                break
    result.dispatched += reminders_redispatch(now=now)
    return result


def redispatch_stale(unsent: QuerySet, task, *, now: datetime, limit: int = 1000) -> int:
    """Enqueue `task` again for the unsent rows (reminders, digests) past their retry moment and not
    held by a live worker (task lost or worker killed): one UPDATE moves their retry moment on, one task
    each after commit."""
    stale = unsent.filter(retry_at__lte=now).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
    ids = list(stale.order_by("retry_at").values_list("id", flat=True)[:limit])
    if not ids:
        return 0
    unsent.model.objects.filter(pk__in=ids).update(
        retry_at=now + timedelta(seconds=settings.REMINDER_REDISPATCH_SECONDS)
    )
    if settings.REMINDER_DISPATCH:
        with transaction.atomic():
            for pk in ids:
                task.delay_on_commit(pk)
    return len(ids)


def reminders_redispatch(*, now: datetime, limit: int = 1000) -> int:
    """Enqueue again the e-mails still unsent after their retry moment (task lost or worker killed)."""
    unsent = Reminder.objects.filter(sent_at__isnull=True, withdrawn_at__isnull=True, delivery=Delivery.IMMEDIATE)
    return redispatch_stale(unsent, task(SEND_REMINDER_EMAIL), now=now, limit=limit)


def reminders_withdraw(reminders: list[Reminder], *, now: datetime) -> SweepResult:
    """Withdraw unsent reminders that may not go out (checked right before sending: the deadline closed,
    or the recipient can no longer see the case) and record their stages, once each, for whoever is in
    line now, dispatching those e-mails on commit."""
    result = SweepResult()
    with transaction.atomic():
        ids = [r.pk for r in reminders]
        withdrawn = set(
            Reminder.objects.filter(pk__in=ids, sent_at__isnull=True, withdrawn_at__isnull=True)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Reminder.objects.filter(pk__in=withdrawn).update(withdrawn_at=now, retry_at=None, claimed_until=None)
        still_open = [r for r in reminders if r.pk in withdrawn and r.deadline.state == DeadlineState.OPEN]
        if not still_open:
            return result
        deadlines = {r.deadline_id: r.deadline for r in still_open}
        recipients = recipients_for(list(deadlines.values()), on=local_date(now))
        # The responsible's slot passes on; an escalation's other coordinators have theirs already.
        planned = [
            (r.deadline_id, r.stage, user_id, r.scheduled_for)
            for r in still_open
            if not r.stage.startswith(ESCALATION)
            for user_id in sorted(set(recipients.responsible.get(r.deadline_id, [])) - {r.recipient_id})
        ]
        _record(planned, deadlines=deadlines, now=now, result=result)
    return result
