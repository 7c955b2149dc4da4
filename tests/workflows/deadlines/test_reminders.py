"""The reminder sweep, in-process: stages, recipients, escalation and exactly-once rows."""

from datetime import timedelta

import pytest
from django.core import mail

from tests.world import at, basis
from workflows.deadlines.models import Deadline, Notification, Reminder
from workflows.deadlines.notifications import reminder_email_send
from workflows.deadlines.reminders import reminders_sweep


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def _stages(deadline):
    return sorted(Reminder.objects.filter(deadline=deadline).values_list("stage", "recipient__username"))


def _joint_assessment(region):
    # Opened Mon 7 June 2027 -> due Mon 21 June 2027 (10 working days), vast gezicht = cvc.
    # (Dates lie in the future so that opening does not skip stages already passed.)
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    return Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling")


def test_it_reminds_the_responsible_two_working_days_before_due(region):
    deadline = _joint_assessment(region)
    assert reminders_sweep(now=at(2027, 6, 17, 7, 59)).reminders == 0
    reminders_sweep(now=at(2027, 6, 17, 8, 0))
    assert _stages(deadline) == [("before:2wd", region.cvc_user.username)]


def test_it_reminds_on_the_due_day_and_escalates_overdue_deadline_to_coordinator(region):
    deadline = _joint_assessment(region)
    reminders_sweep(now=at(2027, 6, 17, 8, 0))
    reminders_sweep(now=at(2027, 6, 21, 8, 1))
    # Overdue at the end of Mon 21 June: delivered at the start of the next working day, not at midnight.
    assert reminders_sweep(now=at(2027, 6, 22, 0, 1)).reminders == 0
    reminders_sweep(now=at(2027, 6, 22, 8, 0))
    assert _stages(deadline) == sorted(
        [
            ("before:2wd", region.cvc_user.username),
            ("due", region.cvc_user.username),
            ("overdue", region.cvc_user.username),
            ("overdue", region.coordinator.username),
        ]
    )
    reminders_sweep(now=at(2027, 6, 23, 8, 0))
    assert ("escalation:1", region.coordinator.username) in _stages(deadline)
    assert not any(user == region.outsider.username for _s, user in _stages(deadline))


def test_a_responsible_who_left_the_case_gets_none_of_its_reminders(region):
    from cases.services import participant_add, participant_end

    deadline = _joint_assessment(region)
    vt_organisation = region.vt_user.memberships.get().organisation
    participation = participant_add(
        actor=region.cvc_user,
        case=deadline.case,
        organisation=vt_organisation,
        professional=region.vt_user,
        role="onderzoeker",
        **basis(),
    )
    Deadline.objects.filter(pk=deadline.pk).update(responsible_user=region.vt_user)
    reminders_sweep(now=at(2027, 6, 17, 8, 0))
    assert _stages(deadline) == [("before:2wd", region.vt_user.username)]
    participant_end(actor=region.cvc_user, participant=participation)

    reminders_sweep(now=at(2027, 6, 21, 8, 1))

    # Not to the professional who left: to the vast gezicht, who still works on the case.
    assert _stages(deadline) == [("before:2wd", region.vt_user.username), ("due", region.cvc_user.username)]


def test_a_second_sweep_at_the_same_moment_records_nothing_new(region):
    _joint_assessment(region)
    first = reminders_sweep(now=at(2027, 6, 22, 8, 1))
    second = reminders_sweep(now=at(2027, 6, 22, 8, 1))
    # One catch-up per recipient, the latest stage: overdue to the vast gezicht and to the coordinator.
    assert first.reminders == 2 and second.reminders == 0
    assert Notification.objects.count() == 2


def test_a_closed_deadline_gets_no_more_reminders(region):
    deadline = _joint_assessment(region)
    from workflows.deadlines.services import deadline_close

    deadline_close(deadline=deadline, closed_at=at(2027, 6, 15, 9))
    assert reminders_sweep(now=at(2027, 6, 30)).reminders == 0


def test_after_hours_without_beat_each_recipient_gets_one_catch_up_and_escalations_follow(region):
    deadline = _joint_assessment(region)
    Deadline.objects.filter(pk=deadline.pk).update(escalation_interval_hours=1)
    # Overdue since the end of Mon 21 June, escalating hourly (00:59:59, 01:59:59 …): the night's
    # stages wait for 08:00 and arrive as one catch-up each.
    reminders_sweep(now=at(2027, 6, 22, 8, 0))
    assert _stages(deadline) == [("escalation:8", region.coordinator.username), ("overdue", region.cvc_user.username)]
    reminders_sweep(now=at(2027, 6, 22, 9, 30))
    # Beat down from 09:30 until 12:45: escalations 10, 11 and 12 came due meanwhile; the latest is sent.
    result = reminders_sweep(now=at(2027, 6, 22, 12, 45))
    assert result.reminders == 1
    assert ("escalation:12", region.coordinator.username) in _stages(deadline)
    assert not {("escalation:10", region.coordinator.username), ("escalation:11", region.coordinator.username)} & set(
        _stages(deadline)
    )
    assert reminders_sweep(now=at(2027, 6, 22, 12, 45)).reminders == 0
    reminders_sweep(now=at(2027, 6, 22, 13, 0))
    assert ("escalation:13", region.coordinator.username) in _stages(deadline)


def test_a_deadline_opened_late_sends_only_the_latest_stage_that_passed(region):
    from cases.models import EventKind
    from cases.timeline import timeline_record
    from workflows.deadlines.models import DeadlineRule
    from workflows.deadlines.services import deadline_open

    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    event = timeline_record(case=case, kind=EventKind.CASE_CHANGED, occurred_at=at(2027, 6, 9, 10))
    rule = DeadlineRule.objects.get(team=None, code="vt-veiligheidsbeoordeling")
    # Melding Wed 9 June 2027 -> due Wed 16 June; "2wd" (Mon 14 June 08:00) and "due" (16 June 08:00)
    # had both passed when it opened (late registration): only the due-day reminder is sent.
    deadline = deadline_open(rule=rule, event=event, now=at(2027, 6, 16, 8, 30))
    reminders_sweep(now=at(2027, 6, 16, 9))
    assert [s for s, _u in _stages(deadline)] == ["due"]


def test_a_deadline_opened_long_overdue_sends_its_latest_escalation_not_every_one_it_missed(region):
    from cases.models import EventKind
    from cases.timeline import timeline_record
    from workflows.deadlines.models import DeadlineRule
    from workflows.deadlines.services import deadline_open

    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    event = timeline_record(case=case, kind=EventKind.CASE_CHANGED, occurred_at=at(2027, 6, 9, 10))
    rule = DeadlineRule.objects.get(team=None, code="vt-veiligheidsbeoordeling")
    # Due Wed 16 June 2027; opened (say, imported) a month later with escalations every 24 hours.
    deadline = deadline_open(rule=rule, event=event, now=at(2027, 7, 16, 12))
    Deadline.objects.filter(pk=deadline.pk).update(escalation_interval_hours=24)
    deadline.refresh_from_db()
    reminders_sweep(now=at(2027, 7, 16, 12, 1))
    # Once to the coordinator, and the responsible (the vast gezicht) hears that it is overdue.
    assert _stages(deadline) == [("escalation:29", region.coordinator.username), ("overdue", region.cvc_user.username)]
    reminders_sweep(now=at(2027, 7, 17, 12, 1))  # a Saturday: the escalation waits for Monday
    assert len(_stages(deadline)) == 2
    reminders_sweep(now=at(2027, 7, 19, 8, 1))
    assert [s for s, _u in _stages(deadline)] == ["escalation:29", "escalation:32", "overdue"]


def test_the_email_of_a_reminder_is_sent_once_even_when_the_task_runs_twice(region):
    _joint_assessment(region)
    result = reminders_sweep(now=at(2027, 6, 17, 8, 0))
    reminder_id = result.reminder_ids[0]
    assert reminder_email_send(reminder_id=reminder_id) is True
    assert reminder_email_send(reminder_id=reminder_id) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [region.cvc_user.email]
    assert "Testfamilie" not in mail.outbox[0].subject + mail.outbox[0].body


def test_a_reminder_held_by_a_live_worker_is_not_sent_by_another(region):
    from django.utils import timezone

    _joint_assessment(region)
    reminder_id = reminders_sweep(now=at(2027, 6, 17, 8, 0)).reminder_ids[0]
    Reminder.objects.filter(pk=reminder_id).update(claimed_until=timezone.now() + timedelta(minutes=5))
    assert reminder_email_send(reminder_id=reminder_id) is False
    Reminder.objects.filter(pk=reminder_id).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert reminder_email_send(reminder_id=reminder_id) is True
    assert len(mail.outbox) == 1


def test_the_sweep_dispatches_an_unsent_email_again_after_its_retry_moment(region, settings):
    from workflows.deadlines.reminders import reminders_redispatch

    _joint_assessment(region)
    now = at(2027, 6, 17, 8, 0)
    reminders_sweep(now=now)
    assert reminders_redispatch(now=now) == 0
    assert reminders_redispatch(now=now + timedelta(seconds=settings.REMINDER_REDISPATCH_SECONDS)) == 1
