"""The statutory feedback to the melder as Veilig Thuis' deadline: recording the melder opens it,
recording the feedback closes it; its reminders and e-mails never name the melder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.exceptions import ConcurrentEditError
from cases.models import EventKind, TimelineEvent
from cases.reporters.services import (
    FEEDBACK_DATE_IN_FUTURE,
    FEEDBACK_HOW_REQUIRED,
    FEEDBACK_SUMMARY_REQUIRED,
    reporter_feedback_record,
)
from tests.cases.reporters.conftest import leaked
from workflows.deadlines.models import Deadline, DeadlineState, Notification, Reminder
from workflows.deadlines.notifications import reminder_email_send
from workflows.deadlines.reminders import reminders_sweep

CODE = "vt-terugkoppeling-melder"


def _deadline(case) -> Deadline:
    return Deadline.objects.get(case=case, rule__code=CODE)


def test_recording_the_melder_opens_veilig_thuis_feedback_deadline(mw):
    deadline = _deadline(mw.case)
    assert deadline.state == DeadlineState.OPEN
    assert deadline.responsible_organisation_id == mw.vt.pk
    assert deadline.responsible_user_id == mw.vt_professional.pk
    assert deadline.due_at > deadline.started_at
    assert not leaked(deadline.name)


def test_the_feedback_closes_it_once_with_its_outcome(mw):
    today = timezone.localdate()
    reporter_feedback_record(
        actor=mw.vt_professional,
        reporter=mw.reporter,
        expected_version=1,
        outcome="teruggekoppeld",
        given_on=today,
        how="telefonisch",
        summary="Melding is onderzocht; er wordt hulp geboden.",
    )
    deadline = _deadline(mw.case)
    assert deadline.state == DeadlineState.MET
    event = TimelineEvent.objects.get(case=mw.case, kind=EventKind.REPORTER_FEEDBACK_RECORDED)
    assert event.summary == "" and event.data == {"reporter_id": mw.reporter.pk}
    mw.reporter.refresh_from_db()
    assert mw.reporter.feedback_outcome == "teruggekoppeld" and mw.reporter.feedback_recorded_by == mw.vt_professional

    # A correction keeps the deadline closed and adds no second event.
    reporter_feedback_record(
        actor=mw.vt_professional, reporter=mw.reporter, expected_version=2, outcome="niet_bereikbaar", given_on=today
    )
    assert TimelineEvent.objects.filter(case=mw.case, kind=EventKind.REPORTER_FEEDBACK_RECORDED).count() == 1
    with pytest.raises(ConcurrentEditError):
        reporter_feedback_record(
            actor=mw.vt_professional, reporter=mw.reporter, expected_version=2, outcome="niet_gewenst", given_on=today
        )


def test_feedback_given_counts_how_and_what_a_melder_who_wanted_none_does_not(mw):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        reporter_feedback_record(
            actor=mw.vt_professional, reporter=mw.reporter, expected_version=1, outcome="teruggekoppeld", given_on=today
        )
    assert refused.value.message_dict == {
        "how": [str(FEEDBACK_HOW_REQUIRED)],
        "summary": [str(FEEDBACK_SUMMARY_REQUIRED)],
    }
    with pytest.raises(ValidationError) as future:
        reporter_feedback_record(
            actor=mw.vt_professional,
            reporter=mw.reporter,
            expected_version=1,
            outcome="niet_gewenst",
            given_on=today + timedelta(days=1),
        )
    assert future.value.message_dict == {"given_on": [str(FEEDBACK_DATE_IN_FUTURE)]}
    assert _deadline(mw.case).state == DeadlineState.OPEN

    reporter_feedback_record(
        actor=mw.vt_professional, reporter=mw.reporter, expected_version=1, outcome="niet_gewenst", given_on=today
    )
    assert _deadline(mw.case).state == DeadlineState.MET


def test_only_veilig_thuis_records_the_feedback(mw):
    with pytest.raises(PermissionDenied):
        reporter_feedback_record(
            actor=mw.coordinator,
            reporter=mw.reporter,
            expected_version=1,
            outcome="niet_gewenst",
            given_on=timezone.localdate(),
        )


def test_a_reminder_of_the_feedback_deadline_names_no_melder(mw, settings):
    settings.REMINDER_DISPATCH = False
    deadline = _deadline(mw.case)
    reminder_ids: list[int] = []
    moment = deadline.remind_at
    for _step in range(60):  # the first moment in office hours on a working day that delivers it
        reminder_ids = [
            pk
            for pk in reminders_sweep(now=moment).reminder_ids
            if Reminder.objects.filter(pk=pk, deadline=deadline).exists()
        ]
        if reminder_ids:
            break
        moment += timedelta(hours=2)
    assert reminder_ids, "no reminder of the feedback deadline was swept"
    titles = list(Notification.objects.filter(reminder_id__in=reminder_ids).values_list("title", "body"))
    assert titles
    for title, body in titles:
        assert not leaked(title + body)
        assert mw.case.reference in title
    for pk in reminder_ids:
        reminder_email_send(reminder_id=pk)
    assert mail.outbox
    for message in mail.outbox:
        assert not leaked(message.subject + message.body)
