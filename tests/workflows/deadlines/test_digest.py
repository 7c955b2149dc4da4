"""Daily digest: a day's reminders in one e-mail per user, at the chosen hour, once."""

import pytest
from django.core import mail

from tests.world import at
from workflows.deadlines.inbox import preference_set
from workflows.deadlines.models import Digest, Reminder
from workflows.deadlines.notifications import digest_email_send, digests_collect
from workflows.deadlines.reminders import reminders_sweep


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def test_the_digest_collects_a_days_reminders_into_one_email_per_user(region):
    preference_set(user=region.cvc_user, delivery="digest", digest_hour=17)
    for _ in range(3):
        region.open_case(opened_at=at(2027, 6, 7, 10))
    reminders_sweep(now=at(2027, 6, 17, 8, 0))
    assert Reminder.objects.filter(recipient=region.cvc_user, delivery="digest").count() == 3
    assert digests_collect(now=at(2027, 6, 17, 16, 59)) == []
    [digest_id] = digests_collect(now=at(2027, 6, 17, 17, 0))
    assert digests_collect(now=at(2027, 6, 17, 17, 1)) == []
    assert digest_email_send(digest_id=digest_id) is True
    assert digest_email_send(digest_id=digest_id) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [region.cvc_user.email] and mail.outbox[0].body.count("\n- ") == 2
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert Digest.objects.get().sent_at is not None


def test_immediate_users_get_no_digest(region):
    region.open_case(opened_at=at(2027, 6, 7, 10))
    reminders_sweep(now=at(2027, 6, 17, 8, 0))
    assert digests_collect(now=at(2027, 6, 17, 23, 0)) == []


def test_an_unsent_digest_is_dispatched_again_after_its_retry_moment_once(
    region, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    preference_set(user=region.cvc_user, delivery="digest", digest_hour=17)
    region.open_case(opened_at=at(2027, 6, 7, 10))
    reminders_sweep(now=at(2027, 6, 17, 8, 0))
    [digest_id] = digests_collect(now=at(2027, 6, 17, 17, 0))  # its task was lost: nothing sent
    retry_at = Digest.objects.get(pk=digest_id).retry_at
    settings.REMINDER_DISPATCH = True
    later = retry_at + timedelta(minutes=1)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        digests_collect(now=later)
    with django_capture_on_commit_callbacks(execute=False) as again:
        digests_collect(now=later)  # moved on: not due again at the same moment

    assert len(queued) == 1 and again == []
    assert Digest.objects.get(pk=digest_id).retry_at > later
