"""E-mail for reminders, case notifications (case_notifications.py) and digests, sent after the rows are committed.

Each send claims its row by compare-and-set on `claimed_until` (only one worker holds it), sends,
and marks `sent_at` only if it still holds the claim. A worker killed before the send leaves the
row unsent; its claim expires and the sweep dispatches it again, so it is sent once after restart.
A send never outlives its claim: the SMTP timeout (EMAIL_TIMEOUT) and the tasks' time limits lie
below the lease, so a slow mail server cannot have a second worker send the same message meanwhile;
a send that fails gives its claim back for the next dispatch. Right before sending, the claim, the
deadline's state and the recipient's access are checked again: a reminder re-dispatched after its
deadline was met, or whose recipient has left, is withdrawn (the next in line gets the stage).
The one window left is a crash after the mail server accepted the message and before `sent_at` is
written; the message carries a fixed Message-ID so a mail server can drop that duplicate.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflows.deadlines.calendar import local_date
from workflows.deadlines.dispatch import SEND_DIGEST_EMAIL, SEND_NOTIFICATION_EMAIL, task
from workflows.deadlines.models import Delivery, Digest, Notification, NotificationPreference, Reminder
from workflows.deadlines.recipients import case_access, reminders_deliverable
from workflows.deadlines.reminders import redispatch_stale, reminders_withdraw


def _claim(rows: QuerySet, pk: int, now: datetime) -> datetime | None:
    """Compare-and-set: the lease end when this caller now holds the row, else None."""
    lease = now + timedelta(seconds=settings.REMINDER_SEND_LEASE_SECONDS)
    claimed = (
        rows.filter(pk=pk, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=lease, attempts=F("attempts") + 1)
    )
    return lease if claimed else None


def _send_or_release(message: EmailMessage, model, pk: int, lease: datetime) -> None:
    """Send; when sending fails (mail server down, too slow: EMAIL_TIMEOUT, the task's soft time limit)
    give the claim back so that the next dispatch sends it, and re-raise."""
    try:
        message.send()
    except Exception:
        model.objects.filter(pk=pk, claimed_until=lease, sent_at__isnull=True).update(claimed_until=None)
        raise


def _test_crash_window() -> None:
    # Test-only (default 0): widens the window between claim and send so a test can SIGKILL here.
    if settings.REMINDER_SEND_DELAY_SECONDS:
        time.sleep(settings.REMINDER_SEND_DELAY_SECONDS)


def _deadline_link(deadline_id: int) -> str:
    """The deadline's page, absolute (SITE_URL): it asks for a login and passes the one door's check."""
    return settings.SITE_URL.rstrip("/") + reverse("deadline-detail", kwargs={"deadline_id": deadline_id})


def reminder_email_send(*, reminder_id: int) -> bool:
    """Send one reminder's e-mail unless it was sent or is being sent; True when this call sent it."""
    lease = _claim(Reminder.objects.filter(withdrawn_at__isnull=True), reminder_id, timezone.now())
    if lease is None:
        return False
    _test_crash_window()
    # Right before sending: still ours and unsent, its deadline still open, its recipient still allowed.
    reminder = (
        Reminder.objects.select_related("deadline__case", "recipient", "notification")
        .filter(pk=reminder_id, claimed_until=lease, sent_at__isnull=True, withdrawn_at__isnull=True)
        .first()
    )
    if reminder is None:
        return False
    now = timezone.now()
    if not reminders_deliverable([reminder], on=local_date(now)):
        reminders_withdraw([reminder], now=now)
        return False
    if reminder.recipient.email:
        notification = getattr(reminder, "notification", None)
        subject = notification.title if notification else reminder.deadline.name
        body = _("%(text)s\n\nBekijk de termijn in Veiligheidsteam: %(link)s") % {
            "text": subject,
            "link": _deadline_link(reminder.deadline_id),
        }
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[reminder.recipient.email],
            headers={"Message-ID": f"<reminder-{reminder_id}@veiligheidsteam>"},
        )
        _send_or_release(message, Reminder, reminder_id, lease)
    return bool(
        Reminder.objects.filter(pk=reminder_id, claimed_until=lease, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    )


def _site_link(path: str) -> str:
    """An absolute link (SITE_URL) to a page of the site: it asks for a login and passes the one door."""
    return settings.SITE_URL.rstrip("/") + path


def notifications_deliverable(notifications: list[Notification], *, on) -> list[Notification]:
    """Of these unsent notifications (case loaded just now), those whose recipient may still see the case."""
    cases = {n.pk: n.case for n in notifications if n.case is not None}
    access = case_access(cases.values(), on=on, user_ids={n.user_id for n in notifications})
    return [n for n in notifications if n.pk not in cases or access.allows(case=cases[n.pk], user_id=n.user_id)]


def _notifications_withdraw(ids: list[int], *, now: datetime) -> None:
    Notification.objects.filter(pk__in=ids, sent_at__isnull=True).update(
        withdrawn_at=now, retry_at=None, claimed_until=None
    )


def notification_email_send(*, notification_id: int) -> bool:
    """Send one case notification's e-mail unless it was sent or is being sent; True when this call sent it.
    Right before sending the recipient's access is checked again: who lost it gets nothing (withdrawn)."""
    unsent = Notification.objects.filter(withdrawn_at__isnull=True, delivery=Delivery.IMMEDIATE)
    lease = _claim(unsent, notification_id, timezone.now())
    if lease is None:
        return False
    _test_crash_window()
    notification = (
        Notification.objects.select_related("case", "user")
        .filter(pk=notification_id, claimed_until=lease, sent_at__isnull=True, withdrawn_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    now = timezone.now()
    if not notifications_deliverable([notification], on=local_date(now)):
        _notifications_withdraw([notification_id], now=now)
        return False
    if notification.user.email:
        body = _("%(text)s\n\nBekijk het in Veiligheidsteam: %(link)s") % {
            "text": notification.title,
            "link": _site_link(notification.url or "/meldingen/"),
        }
        message = EmailMessage(
            subject=notification.title,
            body=body,
            to=[notification.user.email],
            headers={"Message-ID": f"<notification-{notification_id}@veiligheidsteam>"},
        )
        _send_or_release(message, Notification, notification_id, lease)
    return bool(
        Notification.objects.filter(pk=notification_id, claimed_until=lease, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    )


def notifications_redispatch(*, now: datetime, limit: int = 1000) -> int:
    """Enqueue again the case notifications' e-mails still unsent after their retry moment."""
    unsent = Notification.objects.filter(sent_at__isnull=True, withdrawn_at__isnull=True, delivery=Delivery.IMMEDIATE)
    return redispatch_stale(unsent, task(SEND_NOTIFICATION_EMAIL), now=now, limit=limit)


def _pending_digest(model, **filters) -> QuerySet:
    return model.objects.filter(
        delivery=Delivery.DIGEST, sent_at__isnull=True, withdrawn_at__isnull=True, digest__isnull=True, **filters
    )


def digests_collect(*, now: datetime | None = None) -> list[int]:
    """Start today's digest for every user whose hour has come and who has reminders or notifications pending.

    One Digest row per user and day (unique key): a second sweep the same day adds nothing; what
    comes in after today's digest waits for tomorrow's.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    pending_users = set(_pending_digest(Reminder).values_list("recipient_id", flat=True).distinct())
    pending_users |= set(_pending_digest(Notification).values_list("user_id", flat=True).distinct())
    # The digest hour is the user's (default 08:00, as the preference's default).
    hours = dict(NotificationPreference.objects.filter(user_id__in=pending_users).values_list("user_id", "digest_hour"))
    default_hour = NotificationPreference._meta.get_field("digest_hour").default
    users = sorted(u for u in pending_users if hours.get(u, default_hour) <= local.hour)
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
                _pending_digest(Reminder, recipient_id=user_id, created_at__lte=now).update(digest=digest)
                _pending_digest(Notification, user_id=user_id, created_at__lte=now).update(digest=digest)
                if settings.REMINDER_DISPATCH:
                    task(SEND_DIGEST_EMAIL).delay_on_commit(digest.pk)
        except IntegrityError:
            continue  # today's digest exists
        created.append(digest.pk)
    redispatch_stale(Digest.objects.filter(sent_at__isnull=True), task(SEND_DIGEST_EMAIL), now=now)
    return created


def digest_email_send(*, digest_id: int) -> bool:
    """Send one digest (all its reminders in one e-mail) unless already sent; True when this call sent it.

    Right before sending, each reminder is checked as a single one is: those whose deadline closed or
    whose case the user may no longer see are withdrawn (their stage passes to the next in line)."""
    lease = _claim(Digest.objects.all(), digest_id, timezone.now())
    if lease is None:
        return False
    _test_crash_window()
    digest = Digest.objects.select_related("user").filter(pk=digest_id, claimed_until=lease).first()
    if digest is None:
        return False
    reminders = list(
        Reminder.objects.filter(digest_id=digest_id, sent_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("deadline__case", "notification")
        .order_by("created_at", "id")
    )
    now = timezone.now()
    deliverable = reminders_deliverable(reminders, on=local_date(now))
    if len(deliverable) < len(reminders):
        reminders_withdraw([r for r in reminders if r not in deliverable], now=now)
    notifications = list(
        Notification.objects.filter(digest_id=digest_id, sent_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("case")
        .order_by("created_at", "id")
    )
    shown = notifications_deliverable(notifications, on=local_date(now))
    if len(shown) < len(notifications):
        _notifications_withdraw([n.pk for n in notifications if n not in shown], now=now)
    lines = [
        (r.notification.title, _deadline_link(r.deadline_id)) for r in deliverable if getattr(r, "notification", None)
    ]
    lines += [(n.title, _site_link(n.url or "/meldingen/")) for n in shown]
    if digest.user.email and lines:
        subject = _("Termijnen: dagoverzicht van %(day)s") % {"day": date_format(digest.day, "j F Y")}
        body = "\n".join(f"- {title}\n  {link}" for title, link in lines)
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[digest.user.email],
            headers={"Message-ID": f"<digest-{digest_id}@veiligheidsteam>"},
        )
        _send_or_release(message, Digest, digest_id, lease)
    now = timezone.now()
    done = Digest.objects.filter(pk=digest_id, claimed_until=lease, sent_at__isnull=True).update(sent_at=now)
    if done:
        Reminder.objects.filter(pk__in=[r.pk for r in deliverable], sent_at__isnull=True).update(sent_at=now)
        Notification.objects.filter(pk__in=[n.pk for n in shown], sent_at__isnull=True).update(sent_at=now)
    return bool(done)
