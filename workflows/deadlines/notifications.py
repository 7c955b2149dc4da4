"""E-mail for reminders and digests, sent after the rows are committed.

Each send claims its row by compare-and-set on `claimed_until` (only one worker holds it), sends,
and marks `sent_at` only if it still holds the claim. A worker killed before the send leaves the
row unsent; its claim expires and the sweep dispatches it again, so it is sent once after restart.
The one window left is a crash after the mail server accepted the message and before `sent_at` is
written; the message carries a fixed Message-ID so a mail server can drop that duplicate.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.deadlines.calendar import local_date
from workflows.deadlines.models import Delivery, Digest, Notification, NotificationPreference, Reminder


def _claim(model, pk: int, now: datetime) -> datetime | None:
    """Compare-and-set: the lease end when this caller now holds the row, else None."""
    lease = now + timedelta(seconds=settings.REMINDER_SEND_LEASE_SECONDS)
    claimed = (
        model.objects.filter(pk=pk, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=lease, attempts=F("attempts") + 1)
    )
    return lease if claimed else None


def _test_crash_window() -> None:
    # Test-only (default 0): widens the window between claim and send so a test can SIGKILL here.
    if settings.REMINDER_SEND_DELAY_SECONDS:
        time.sleep(settings.REMINDER_SEND_DELAY_SECONDS)


def reminder_email_send(*, reminder_id: int) -> bool:
    """Send one reminder's e-mail unless it was sent or is being sent; True when this call sent it."""
    lease = _claim(Reminder, reminder_id, timezone.now())
    if lease is None:
        return False
    reminder = Reminder.objects.select_related("deadline__case", "recipient").get(pk=reminder_id)
    _test_crash_window()
    if reminder.recipient.email:
        notification = Notification.objects.filter(reminder_id=reminder_id).first()
        subject = notification.title if notification else reminder.deadline.name
        body = _("%(text)s\n\nBekijk het in Veiligheidsteam onder Termijnen.") % {"text": subject}
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[reminder.recipient.email],
            headers={"Message-ID": f"<reminder-{reminder_id}@veiligheidsteam>"},
        )
        message.send()
    return bool(
        Reminder.objects.filter(pk=reminder_id, claimed_until=lease, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    )


def digests_collect(*, now: datetime | None = None) -> list[int]:
    """Start today's digest for every digest user whose hour has come and who has pending reminders.

    One Digest row per user and day (unique key): a second sweep the same day adds nothing; what
    comes in after today's digest waits for tomorrow's.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    pending_users = (
        Reminder.objects.filter(delivery=Delivery.DIGEST, sent_at__isnull=True, digest__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    users = NotificationPreference.objects.filter(
        delivery=Delivery.DIGEST, digest_hour__lte=local.hour, user_id__in=pending_users
    ).values_list("user_id", flat=True)
    created = []
    for user_id in users:
        try:
            with transaction.atomic():
                digest = Digest.objects.create(
                    user_id=user_id,
                    day=local_date(now),
                    created_at=now,
                    retry_at=now + timedelta(seconds=settings.REMINDER_REDISPATCH_SECONDS),
                )
                Reminder.objects.filter(
                    recipient_id=user_id,
                    delivery=Delivery.DIGEST,
                    sent_at__isnull=True,
                    digest__isnull=True,
                    created_at__lte=now,
                ).update(digest=digest)
                if settings.REMINDER_DISPATCH:
                    from workflows.deadlines.tasks import send_digest_email

                    send_digest_email.delay_on_commit(digest.pk)
        except IntegrityError:
            continue  # today's digest exists
        created.append(digest.pk)
    from workflows.deadlines.reminders import redispatch_stale
    from workflows.deadlines.tasks import send_digest_email

    redispatch_stale(Digest.objects.filter(sent_at__isnull=True), send_digest_email, now=now)
    return created


def digest_email_send(*, digest_id: int) -> bool:
    """Send one digest (all its reminders in one e-mail) unless already sent; True when this call sent it."""
    lease = _claim(Digest, digest_id, timezone.now())
    if lease is None:
        return False
    digest = Digest.objects.select_related("user").get(pk=digest_id)
    lines = list(
        Notification.objects.filter(reminder__digest_id=digest_id)
        .order_by("created_at", "id")
        .values_list("title", flat=True)
    )
    _test_crash_window()
    if digest.user.email and lines:
        subject = _("Termijnen: dagoverzicht van %(day)s") % {"day": digest.day.strftime("%d-%m-%Y")}
        body = "\n".join(f"- {line}" for line in lines)
        EmailMessage(
            subject=subject,
            body=body,
            to=[digest.user.email],
            headers={"Message-ID": f"<digest-{digest_id}@veiligheidsteam>"},
        ).send()
    now = timezone.now()
    done = Digest.objects.filter(pk=digest_id, claimed_until=lease, sent_at__isnull=True).update(sent_at=now)
    if done:
        Reminder.objects.filter(digest_id=digest_id, sent_at__isnull=True).update(sent_at=now)
    return bool(done)
