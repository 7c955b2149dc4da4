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
The stage arithmetic (calendar, office hours, summer time) runs in Python once per distinct set of
terms; PostgreSQL does the rows: per batch one INSERT … SELECT turns the stages and their recipients
into Reminder rows (ON CONFLICT DO NOTHING: the unique key is the exactly-once guarantee) and the
in-app notification of each new row; `remind_at` moves on and the batch commits. E-mails go out
afterwards, one task per reminder id, enqueued on commit; the sweep re-dispatches e-mails whose task
was lost.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
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
from workflows.deadlines.recipients import (
    ESCALATION,
    OVERDUE,
    Recipients,
    addressed_to,
    is_overdue_stage,
    recipients_for,
)
from workflows.deadlines.reminder_offsets import parse_offsets
from workflows.deadlines.working_days import calendar

DUE_DAY_HOUR = 8


def _schedule(
    due_at: datetime,
    offsets: str,
    escalation_interval_hours: int,
    *,
    start: datetime,
    end: datetime,
    cal: WorkingDayCalendar,
    limit_escalations: int = 1000,
) -> list[tuple[str, datetime]]:
    """The stages of a deadline with these terms with start <= moment <= end, in time order (UTC), whenever
    it started (`_after_start` drops those before its start)."""
    due_at, start, end = as_utc(due_at), as_utc(start), as_utc(end)
    stages = [(f"before:{o.label}", o.before(due_at, cal)) for o in parse_offsets(offsets)]
    stages.append(("due", min(start_of_day(local_date(due_at), hour=DUE_DAY_HOUR), due_at)))
    stages.append((OVERDUE, due_at))
    interval = timedelta(hours=max(escalation_interval_hours, 1))
    if end > due_at and limit_escalations:
        first = max(1, int((start - due_at) / interval)) if start > due_at else 1
        last = min(int((end - due_at) / interval), first + limit_escalations - 1)
        stages += [(f"{ESCALATION}:{n}", due_at + n * interval) for n in range(first, last + 1)]
    return sorted(((n, at) for n, at in stages if start <= at <= end), key=lambda s: s[1])


def _after_start(stages: list, started_at: datetime) -> list:
    """Reminders before and on the due day count only when they fall after the deadline started; the overdue
    stage and the escalations always count."""
    return [stage for stage in stages if stage[1] > started_at or is_overdue_stage(stage[0])]


def stages_between(
    deadline: Deadline, *, start: datetime, end: datetime, cal: WorkingDayCalendar, limit_escalations: int = 1000
) -> list[tuple[str, datetime]]:
    """The deadline's stages with start <= moment <= end, in time order (all moments in UTC)."""
    stages = _schedule(
        deadline.due_at,
        deadline.reminder_offsets,
        deadline.escalation_interval_hours,
        start=start,
        end=end,
        cal=cal,
        limit_escalations=limit_escalations,
    )
    return _after_start(stages, deadline.started_at)


def _upcoming(deadline_terms: tuple, *, after: datetime, cal: WorkingDayCalendar) -> list[tuple[str, datetime]]:
    """The stages strictly after `after`, up to the first escalation at least (which never runs out while the
    deadline is open): `deadline_terms` is (due_at, reminder_offsets, escalation_interval_hours)."""
    due_at, offsets, interval_hours = deadline_terms
    after = as_utc(after)
    horizon = max(after, due_at) + timedelta(hours=max(interval_hours, 1) + 1)
    stages = _schedule(due_at, offsets, interval_hours, start=after, end=horizon, cal=cal)
    return [(stage, at) for stage, at in stages if at > after]


def next_remind_at(deadline: Deadline, *, after: datetime, cal: WorkingDayCalendar) -> datetime:
    """The first stage strictly after `after` (escalations never run out while the deadline is open)."""
    terms = (deadline.due_at, deadline.reminder_offsets, deadline.escalation_interval_hours)
    return _after_start(_upcoming(terms, after=after, cal=cal), deadline.started_at)[0][1]


class _Schedules:
    """The stage moments of one sweep, computed once per set of terms: the deadlines a sweep claims mostly
    share their due moment (a day's end), their rule's offsets and their reminder moment (a working day's
    start), so the calendar arithmetic runs per distinct set, not per deadline. The calendar is read only
    when something is due."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self._cal: WorkingDayCalendar | None = None
        self._terms: dict[tuple, tuple[list[tuple[str, datetime, datetime]], list[tuple[str, datetime, datetime]]]] = {}

    @property
    def cal(self) -> WorkingDayCalendar:
        if self._cal is None:
            self._cal = calendar()
        return self._cal

    def _window(self, key: tuple) -> tuple[list, list]:
        """(stage, moment, delivery moment) of the stages since the reminder moment's window began, and of
        those to come after now."""
        due_at, offsets, interval_hours, remind_at = key
        cal, now = self.cal, self.now
        start = earliest_stage_delivered_at(remind_at, cal=cal)
        window = _schedule(due_at, offsets, interval_hours, start=start, end=now, cal=cal)
        upcoming = _upcoming((due_at, offsets, interval_hours), after=now, cal=cal)
        return (
            [(stage, at, delivery_moment(at, cal=cal)) for stage, at in window],
            [(stage, at, delivery_moment(at, cal=cal)) for stage, at in upcoming],
        )

    def due(self, deadline: Deadline) -> tuple[list[tuple[str, datetime]], datetime]:
        """The stages whose delivery moment has come by now, in time order, and the next `remind_at`: the
        delivery moment of the first stage still to deliver."""
        key = (deadline.due_at, deadline.reminder_offsets, deadline.escalation_interval_hours, deadline.remind_at)
        if key not in self._terms:
            self._terms[key] = self._window(key)
        window, upcoming = self._terms[key]
        window = _after_start(window, deadline.started_at)
        ready = [(stage, at) for stage, at, delivered in window if delivered <= self.now]
        waiting = [delivered for _stage, _at, delivered in window if delivered > self.now]
        return ready, waiting[0] if waiting else _after_start(upcoming, deadline.started_at)[0][2]


@dataclass
class SweepResult:
    claimed: int = 0
    reminders: int = 0
    dispatched: int = 0
    reminder_ids: list[int] = field(default_factory=list)


class _Texts:
    """The notification titles of one batch: each message translated once, each due moment formatted once."""

    def __init__(self) -> None:
        self.before = _("Termijn '%(name)s' voor %(ref)s verloopt op %(due)s.")
        self.due = _("Termijn '%(name)s' voor %(ref)s verloopt vandaag.")
        self.overdue = _("Termijn '%(name)s' voor %(ref)s is verlopen (uiterlijk %(due)s).")
        self._due_at: dict[datetime, str] = {}

    def title(self, deadline: Deadline, stage: str) -> str:
        if deadline.due_at not in self._due_at:
            self._due_at[deadline.due_at] = date_format(timezone.localtime(deadline.due_at), "j F Y H:i")
        text = self.before if stage.startswith("before") else self.due if stage == "due" else self.overdue
        return (text % {"name": deadline.name, "ref": deadline.case.reference, "due": self._due_at[deadline.due_at]})[
            :200
        ]


class _Plan:
    """What a batch records, as rows for one INSERT … SELECT. A slot is one stage of one deadline for its
    responsible (listed per slot) and, for the overdue stages, its team's coordinators; slots are numbered in
    time order within their catch-up group, and per group and recipient only the last slot is recorded
    (`_record`): a later stage replaces an earlier one."""

    def __init__(self, *, coordinators: dict[int, list[int]]) -> None:
        # (no, group, deadline id, stage, scheduled for, title, team id, to the coordinators)
        self.slots: list[tuple[int, int, int, str, datetime, str, int, bool]] = []
        self.responsible: list[tuple[int, int]] = []  # (slot no, user id)
        self.coordinators = coordinators  # team id -> user ids
        self._texts = _Texts()
        self._titles: dict[tuple[int, str], str] = {}

    def __len__(self) -> int:
        return len(self.slots)

    def add(
        self,
        *,
        group: int,
        deadline: Deadline,
        stage: str,
        at: datetime,
        responsible: Collection[int],
        coordinators: bool = True,
    ) -> None:
        to_responsible, to_coordinators = addressed_to(stage)
        kind = (deadline.pk, stage)
        if kind not in self._titles:
            self._titles[kind] = self._texts.title(deadline, stage)
        no = len(self.slots)
        title, team_id = self._titles[kind], deadline.case.team_id
        self.slots.append((no, group, deadline.pk, stage, at, title, team_id, to_coordinators and coordinators))
        if to_responsible:
            self.responsible += [(no, user_id) for user_id in responsible]

    def rows(self) -> list[tuple[int, int, str, int, datetime, str]]:
        """(group, deadline id, stage, user id, scheduled for, title): the last slot per group and recipient,
        in group and user order. The SQL of `_record` does the same in the database."""
        of_slot: dict[int, list[int]] = defaultdict(list)
        for no, user_id in self.responsible:
            of_slot[no].append(user_id)
        latest: dict[tuple[int, int], tuple] = {}
        for slot in self.slots:
            no, group, _deadline_id, _stage, _at, _title, team_id, to_coordinators = slot
            for user_id in of_slot[no] + (self.coordinators.get(team_id, []) if to_coordinators else []):
                latest[(group, user_id)] = slot
        return [
            (group, slot[2], slot[3], user_id, slot[4], slot[5]) for (group, user_id), slot in sorted(latest.items())
        ]

    def as_json(self) -> dict[str, str]:
        """The slots and recipients as JSON parameters: json.dumps is C code, where the driver's array literals
        cost a Python call per element."""
        slots = [(*slot[:4], slot[4].isoformat(), *slot[5:]) for slot in self.slots]
        coordinators = [(team_id, user_id) for team_id, user_ids in self.coordinators.items() for user_id in user_ids]
        return {
            "slots": json.dumps(slots),
            "responsible": json.dumps(self.responsible),
            "coordinators": json.dumps(coordinators),
        }


def _record_sql() -> str:
    reminder, notification = Reminder._meta.db_table, Notification._meta.db_table
    preference = NotificationPreference._meta.db_table
    return f"""
WITH slot AS (
    SELECT (v->>0)::int AS no, (v->>1)::int AS grp, (v->>2)::bigint AS deadline_id, v->>3 AS stage,
        (v->>4)::timestamptz AS scheduled_for, v->>5 AS title, (v->>6)::bigint AS team_id,
        (v->>7)::bool AS to_coordinators
    FROM jsonb_array_elements(%(slots)s::jsonb) AS j(v)
), recipient AS (
    SELECT (v->>0)::int AS no, (v->>1)::bigint AS user_id FROM jsonb_array_elements(%(responsible)s::jsonb) AS j(v)
    UNION ALL
    SELECT s.no, c.user_id FROM slot s
    JOIN (SELECT (v->>0)::bigint AS team_id, (v->>1)::bigint AS user_id
          FROM jsonb_array_elements(%(coordinators)s::jsonb) AS j(v)) AS c ON c.team_id = s.team_id
    WHERE s.to_coordinators
), latest AS (
    SELECT DISTINCT ON (s.grp, r.user_id) s.grp, s.deadline_id, s.stage, s.scheduled_for, s.title, r.user_id
    FROM slot s JOIN recipient r ON r.no = s.no
    ORDER BY s.grp, r.user_id, s.no DESC
), created AS (
    INSERT INTO {reminder} (deadline_id, stage, recipient_id, scheduled_for, created_at, delivery, retry_at, attempts)
    SELECT l.deadline_id, l.stage, l.user_id, l.scheduled_for, %(now)s::timestamptz,
        COALESCE(p.delivery, %(immediate)s::text), %(retry_at)s::timestamptz, 0
    FROM latest l LEFT JOIN {preference} p ON p.user_id = l.user_id
    ORDER BY l.grp, l.user_id
    ON CONFLICT (deadline_id, stage, recipient_id) DO NOTHING
    RETURNING id, deadline_id, stage, recipient_id, delivery
), notified AS (
    INSERT INTO {notification} (user_id, reminder_id, created_at, title, body, url)
    SELECT DISTINCT ON (c.id) c.recipient_id, c.id, %(now)s::timestamptz, l.title, '',
        %(url_head)s::text || c.deadline_id::text || %(url_tail)s::text
    FROM created c JOIN latest l ON l.deadline_id = c.deadline_id AND l.stage = c.stage AND l.user_id = c.recipient_id
)
SELECT id, delivery FROM created ORDER BY id
"""  # noqa: S608 - table names from the models, values bound


def _insert_planned(plan: _Plan, *, now: datetime, retry_at: datetime, url: tuple[str, str]) -> list[tuple[int, str]]:
    """Insert the plan's reminders that are new (the unique key: exactly once, also with two sweeps at once)
    with their in-app notifications, in one statement; returns (reminder id, delivery) of the new rows.
    The delivery is the recipient's choice (digest, no e-mail) or immediate."""
    params = {
        **plan.as_json(),
        "now": now,
        "retry_at": retry_at,
        "immediate": Delivery.IMMEDIATE.value,
        "url_head": url[0],
        "url_tail": url[1],
    }
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(), params)
        return list(cursor.fetchall())


def _insert_planned_portable(
    plan: _Plan, *, now: datetime, retry_at: datetime, url: tuple[str, str]
) -> list[tuple[int, str]]:
    """The same through the ORM, a row at a time: the SQLite quick start has one writer and few rows."""
    rows = plan.rows()
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in={row[3] for row in rows}).values_list("user_id", "delivery")
    )
    created = []
    for _group, deadline_id, stage, user_id, scheduled_for, title in rows:
        reminder, new = Reminder.objects.get_or_create(
            deadline_id=deadline_id,
            stage=stage,
            recipient_id=user_id,
            defaults={
                "scheduled_for": scheduled_for,
                "created_at": now,
                "delivery": chosen.get(user_id, Delivery.IMMEDIATE),
                "retry_at": retry_at,
                "attempts": 0,
            },
        )
        if new:
            Notification.objects.create(
                user_id=user_id, reminder=reminder, created_at=now, title=title, body="", url=f"{deadline_id}".join(url)
            )
            created.append((reminder.pk, reminder.delivery))
    return created


def _set_remind_at(batch: list[Deadline]) -> None:
    """One UPDATE from arrays for the whole batch (bulk_update's CASE WHEN grows badly with the batch)."""
    if connection.vendor != "postgresql":
        Deadline.objects.bulk_update(batch, ["remind_at"])
        return
    sql = (
        f"UPDATE {Deadline._meta.db_table} AS d SET remind_at = (v->>1)::timestamptz "  # noqa: S608 - table name from the model, values bound
        "FROM jsonb_array_elements(%s::jsonb) AS j(v) WHERE d.id = (v->>0)::bigint"
    )
    with connection.cursor() as cursor:  # JSON: see _Plan.as_json
        cursor.execute(sql, [json.dumps([(d.pk, d.remind_at.isoformat()) for d in batch])])


def _record(plan: _Plan, *, now: datetime, result: SweepResult) -> None:
    """Record the plan's reminders that are new, with their in-app notifications, and enqueue their e-mails on
    commit (digest users wait for their digest; users who switched deadline e-mail off get only the
    notification)."""
    if not len(plan):
        return
    retry_at = now + timedelta(seconds=settings.REMINDER_REDISPATCH_SECONDS)
    # reverse() once: the detail URL differs only in the id.
    head, tail = reverse("deadline-detail", kwargs={"deadline_id": 999999999}).split("999999999")
    insert = _insert_planned if connection.vendor == "postgresql" else _insert_planned_portable
    created = insert(plan, now=now, retry_at=retry_at, url=(head, tail))
    immediate = [reminder_id for reminder_id, delivery in created if delivery == Delivery.IMMEDIATE]
    result.reminders += len(created)
    result.reminder_ids += [reminder_id for reminder_id, _delivery in created]
    result.dispatched += len(immediate)
    if immediate and settings.REMINDER_DISPATCH:
        for reminder_id in immediate:
            task(SEND_REMINDER_EMAIL).delay_on_commit(reminder_id)


def _plan_catch_up(plan: _Plan, *, group: int, deadline: Deadline, ready: list, recipients: Recipients) -> None:
    """One stage per recipient: the latest of those ready (the plan keeps the last slot per recipient).
    Whoever is responsible is told of the overdue stage too when only escalations (for the coordinators)
    are left of it: that slot comes first, so that any stage of theirs that is ready replaces it."""
    if not ready:
        return
    responsible = recipients.responsible.get(deadline.pk, [])
    if any(is_overdue_stage(stage) for stage, _at in ready):
        overdue = {"stage": OVERDUE, "at": deadline.due_at, "coordinators": False}
        plan.add(group=group, deadline=deadline, responsible=responsible, **overdue)
    for stage, at in ready:  # in time order
        plan.add(group=group, deadline=deadline, stage=stage, at=at, responsible=responsible)


# What the sweep reads of a deadline and its case (the rest of both rows is not needed).
_CLAIMED_FIELDS = (
    "case",
    "name",
    "started_at",
    "reminder_offsets",
    "escalation_interval_hours",
    "due_at",
    "responsible_organisation",
    "responsible_user",
    "state",
    "remind_at",
    "case__reference",
    "case__team",
    "case__vast_gezicht",
)


def _sweep_batch(*, now: datetime, batch_size: int, schedules: _Schedules, result: SweepResult) -> int:
    batch = list(
        Deadline.objects.filter(state=DeadlineState.OPEN, remind_at__lte=now)
        .order_by("remind_at")
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("case")
        .only(*_CLAIMED_FIELDS)[:batch_size]
    )
    if not batch:
        return 0
    recipients = recipients_for(batch, on=local_date(now))
    plan = _Plan(coordinators=recipients.access.coordinators)
    for group, deadline in enumerate(batch):
        ready, deadline.remind_at = schedules.due(deadline)
        _plan_catch_up(plan, group=group, deadline=deadline, ready=ready, recipients=recipients)
    _record(plan, now=now, result=result)
    _set_remind_at(batch)
    result.claimed += len(batch)
    return len(batch)


def reminders_sweep(*, now: datetime | None = None, batch_size: int = 1000) -> SweepResult:
    """Record every reminder stage that has come due by `now` (once), then dispatch the e-mails."""
    now = now or timezone.now()
    schedules = _Schedules(now=now)
    result = SweepResult()
    while True:
        with transaction.atomic():
            if _sweep_batch(now=now, batch_size=batch_size, schedules=schedules, result=result) < batch_size:
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
        recipients = recipients_for(list({r.deadline_id: r.deadline for r in still_open}.values()), on=local_date(now))
        # The responsible's slot passes on (each reminder's on its own); an escalation's other coordinators
        # have theirs already.
        plan = _Plan(coordinators={})
        for group, r in enumerate(still_open):
            if not r.stage.startswith(ESCALATION):
                others = sorted(set(recipients.responsible.get(r.deadline_id, [])) - {r.recipient_id})
                plan.add(group=group, deadline=r.deadline, stage=r.stage, at=r.scheduled_for, responsible=others)
        _record(plan, now=now, result=result)
    return result
