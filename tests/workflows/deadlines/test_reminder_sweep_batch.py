"""The sweep records a batch in the database (one INSERT … SELECT for the reminders and their in-app
notifications): per deadline and recipient the latest stage, each once, whoever else sweeps at the same time."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from tests.world import at
from workflows.deadlines.inbox import preference_set
from workflows.deadlines.models import Deadline, Notification, Reminder
from workflows.deadlines.reminders import reminders_sweep

BEFORE_STAGE = at(2027, 6, 17, 8, 0)  # "2 working days before" the joint assessment (due Mon 21 June)
OVERDUE_DELIVERED = at(2027, 6, 22, 8, 0)  # overdue since the end of 21 June, delivered the next morning


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def _joint_assessment(region):
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    return Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling")


def _stages(deadline):
    return sorted(Reminder.objects.filter(deadline=deadline).values_list("stage", "recipient__username"))


def test_deadlines_with_the_same_terms_that_started_apart_each_get_their_own_stages(region):
    early, late = _joint_assessment(region), _joint_assessment(region)
    # Same due moment, offsets and reminder moment; the late one started after its "2wd" moment had passed.
    Deadline.objects.filter(pk=late.pk).update(started_at=at(2027, 6, 17, 9, 0))

    result = reminders_sweep(now=at(2027, 6, 17, 10, 0))

    assert result.claimed == 2
    assert _stages(early) == [("before:2wd", region.cvc_user.username)]
    assert _stages(late) == []
    # Both wait for the due day's reminder next.
    assert set(Deadline.objects.filter(pk__in=[early.pk, late.pk]).values_list("remind_at", flat=True)) == {
        at(2027, 6, 21, 8, 0)
    }


def test_a_coordinator_who_is_also_next_in_line_gets_one_reminder_the_latest_stage(region):
    deadline = _joint_assessment(region)
    region.cvc_user.is_active = False  # nobody of the case is left: the coordinator answers for it
    region.cvc_user.save(update_fields=["is_active"])
    Deadline.objects.filter(pk=deadline.pk).update(escalation_interval_hours=1)

    reminders_sweep(now=OVERDUE_DELIVERED)

    # The night's escalations and the overdue stage, for the same person: one catch-up, the latest.
    assert _stages(deadline) == [("escalation:8", region.coordinator.username)]
    assert Notification.objects.filter(user=region.coordinator).count() == 1


def test_each_new_reminder_gets_its_notification_with_text_and_link(region):
    deadline = _joint_assessment(region)

    [reminder_id] = reminders_sweep(now=BEFORE_STAGE).reminder_ids

    notification = Notification.objects.get(reminder_id=reminder_id)
    assert notification.user == region.cvc_user
    assert notification.url == reverse("deadline-detail", kwargs={"deadline_id": deadline.pk})
    assert notification.title.startswith(f"Termijn '{deadline.name}' voor {deadline.case.reference} verloopt op ")
    assert notification.created_at == BEFORE_STAGE and notification.kind == "deadline"


def test_digest_and_no_email_users_get_the_notification_but_no_email_task(region, make_member):
    preference_set(user=region.cvc_user, delivery="digest", digest_hour=17)
    preference_set(user=region.coordinator, delivery="off", digest_hour=8)
    other = make_member(region.team, role="coordinator")
    preference_set(user=other, delivery="immediate", digest_hour=8)
    deadline = _joint_assessment(region)

    result = reminders_sweep(now=OVERDUE_DELIVERED)

    deliveries = dict(Reminder.objects.filter(deadline=deadline).values_list("recipient_id", "delivery"))
    assert deliveries == {region.cvc_user.pk: "digest", region.coordinator.pk: "off", other.pk: "immediate"}
    assert result.reminders == 3 and result.dispatched == 1
    assert Notification.objects.filter(reminder__deadline=deadline).count() == 3


def test_a_stage_swept_again_is_not_recorded_twice_nor_notified_twice(region):
    deadline = _joint_assessment(region)
    reminders_sweep(now=BEFORE_STAGE)
    # As if a second worker had claimed the row before the first one moved its reminder moment on.
    Deadline.objects.filter(pk=deadline.pk).update(remind_at=BEFORE_STAGE)

    again = reminders_sweep(now=BEFORE_STAGE + timedelta(minutes=1))

    assert again.claimed == 1 and again.reminders == 0
    assert Reminder.objects.count() == Notification.objects.count() == 1


def test_two_sweeps_at_once_record_each_reminder_and_its_notification_once(transactional_db, region):
    for _ in range(12):
        region.open_case(opened_at=at(2027, 6, 7, 10))
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            start.wait(timeout=10)
            results.append(reminders_sweep(now=BEFORE_STAGE, batch_size=3))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    ids = [reminder_id for result in results for reminder_id in result.reminder_ids]
    assert len(ids) == len(set(ids)) == 12
    assert sorted(ids) == sorted(Reminder.objects.values_list("pk", flat=True))
    assert sum(result.claimed for result in results) == 12
    assert Notification.objects.count() == 12


def test_a_sweep_with_nothing_due_reads_neither_the_calendar_nor_any_recipient(region):
    from django.test.utils import CaptureQueriesContext

    _joint_assessment(region)

    with CaptureQueriesContext(connection) as queries:
        assert reminders_sweep(now=BEFORE_STAGE - timedelta(minutes=1)).claimed == 0

    # savepoint, claim, release, the re-dispatch read
    assert len(queries) == 4
    assert not any("gelijkgesteldedag" in query["sql"] for query in queries.captured_queries)
