"""People who left get no reminders: checked when the sweep records them and again right before the
e-mail goes out; the next in line gets the stage instead."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Participant
from cases.services import participant_add
from partners.models import Membership
from tests import factories
from tests.world import at, basis
from workflows.deadlines.inbox import preference_set
from workflows.deadlines.models import Deadline, Reminder
from workflows.deadlines.notifications import digest_email_send, digests_collect, reminder_email_send
from workflows.deadlines.reminders import reminders_redispatch, reminders_sweep
from workflows.deadlines.services import deadline_close

BEFORE_STAGE = at(2027, 6, 17, 8, 0)  # "2 working days before" the joint assessment (due Mon 21 June)
OVERDUE_DELIVERED = at(2027, 6, 22, 8, 0)  # overdue since the end of 21 June, delivered the next morning


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False


def _joint_assessment(region):
    """The vast gezicht (region.cvc_user) is responsible; a colleague of the same organisation works on the
    case too and is next in line."""
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    organisation = region.cvc_user.memberships.get().organisation
    colleague = factories.MembershipFactory(team=region.team, organisation=organisation).user
    participant_add(
        actor=region.cvc_user, case=case, organisation=organisation, professional=colleague, role="betrokken", **basis()
    )
    return Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling"), colleague


def _recipients(deadline, stage=None):
    rows = Reminder.objects.filter(deadline=deadline, withdrawn_at__isnull=True)
    if stage:
        rows = rows.filter(stage=stage)
    return sorted(rows.values_list("recipient__username", flat=True))


def _end_membership(user, team):
    """Ended yesterday (the row as a factory made it, its dates set directly)."""
    Membership.objects.filter(user=user, team=team).update(
        start_date=date(2020, 1, 1), end_date=timezone.localdate() - timedelta(days=1)
    )


def _deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def _end_participation(user, case):
    """Set directly, without the service: the view grant stays, the participation alone has ended."""
    for participation in Participant.objects.active().filter(case=case, professional=user):
        participation.ended_at = at(2027, 6, 10, 9)
        participation.save(update_fields=["ended_at"])


@pytest.mark.parametrize(
    "leave",
    [
        pytest.param(lambda region, case: _deactivate(region.cvc_user), id="account deactivated"),
        pytest.param(lambda region, case: _end_membership(region.cvc_user, region.team), id="membership ended"),
        pytest.param(lambda region, case: _end_participation(region.cvc_user, case), id="participation ended"),
    ],
)
def test_someone_who_left_gets_no_reminder_and_the_next_in_line_does(region, leave):
    deadline, colleague = _joint_assessment(region)
    leave(region, deadline.case)

    reminders_sweep(now=BEFORE_STAGE)

    assert _recipients(deadline) == [colleague.username]


def test_when_nobody_of_the_case_is_left_the_coordinators_get_the_responsibles_reminder(region):
    case = region.open_case(opened_at=at(2027, 6, 7, 10))
    deadline = Deadline.objects.get(case=case, rule__code="gezamenlijke-beoordeling")
    _deactivate(region.cvc_user)

    reminders_sweep(now=BEFORE_STAGE)

    assert _recipients(deadline) == [region.coordinator.username]


def test_a_coordinator_who_left_gets_no_escalation_the_others_do(region, make_member):
    other = make_member(region.team, role="coordinator")
    deadline, _colleague = _joint_assessment(region)
    _end_membership(region.coordinator, region.team)

    reminders_sweep(now=OVERDUE_DELIVERED)

    assert other.username in _recipients(deadline, "overdue")
    assert region.coordinator.username not in _recipients(deadline)


def test_an_account_deactivated_after_the_sweep_gets_no_email_and_the_next_in_line_does(region):
    deadline, colleague = _joint_assessment(region)
    [reminder_id] = reminders_sweep(now=BEFORE_STAGE).reminder_ids
    _deactivate(region.cvc_user)

    assert reminder_email_send(reminder_id=reminder_id) is False

    assert mail.outbox == []
    assert Reminder.objects.get(pk=reminder_id).withdrawn_at is not None
    handed_on = Reminder.objects.get(deadline=deadline, recipient=colleague)
    assert handed_on.stage == "before:2wd"
    assert reminder_email_send(reminder_id=handed_on.pk) is True
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    # Withdrawn for good: never dispatched or sent again.
    assert reminders_redispatch(now=BEFORE_STAGE + timedelta(days=1)) == 0
    assert reminder_email_send(reminder_id=reminder_id) is False


def test_a_reminder_whose_deadline_was_met_before_the_send_is_not_emailed(region):
    deadline, colleague = _joint_assessment(region)
    [reminder_id] = reminders_sweep(now=BEFORE_STAGE).reminder_ids
    deadline_close(deadline=deadline, closed_at=at(2027, 6, 17, 9))

    assert reminder_email_send(reminder_id=reminder_id) is False

    assert mail.outbox == []
    assert Reminder.objects.get(pk=reminder_id).withdrawn_at is not None
    assert not Reminder.objects.filter(recipient=colleague).exists()


def test_a_digest_leaves_out_the_reminders_of_a_case_its_user_has_left(region):
    preference_set(user=region.cvc_user, delivery="digest", digest_hour=17)
    kept = region.open_case(opened_at=at(2027, 6, 7, 10))
    deadline, colleague = _joint_assessment(region)
    reminders_sweep(now=BEFORE_STAGE)
    [digest_id] = digests_collect(now=at(2027, 6, 17, 17, 0))
    _end_participation(region.cvc_user, deadline.case)

    assert digest_email_send(digest_id=digest_id) is True

    [message] = mail.outbox
    assert message.to == [region.cvc_user.email]
    assert kept.reference in message.body and deadline.case.reference not in message.body
    # The colleague, next in line, gets the left case's stage (immediately: no digest preference).
    assert Reminder.objects.get(deadline=deadline, recipient=colleague).stage == "before:2wd"


def _sweep_queries(now) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        reminders_sweep(now=now)
    return len(queries)


def test_the_sweeps_recipient_checks_take_queries_that_do_not_grow_with_the_batch(region):
    region.open_case(opened_at=at(2027, 6, 7, 10))
    _sweep_queries(BEFORE_STAGE - timedelta(days=1))  # warms the permission-id cache
    one = _sweep_queries(BEFORE_STAGE)
    Reminder.objects.update(sent_at=timezone.now())  # nothing to re-dispatch (one UPDATE more when there is)
    for _ in range(4):
        region.open_case(opened_at=at(2027, 6, 8, 10))
    four = _sweep_queries(BEFORE_STAGE + timedelta(days=1))
    assert Reminder.objects.count() == 5
    assert one == four == SWEEP_QUERIES


# savepoint, claim, coordinators, participants (with membership and grant), calendar, the reminders with
# their notifications (one INSERT … SELECT, the preferences joined), remind_at, release, the re-dispatch read.
SWEEP_QUERIES = 9
