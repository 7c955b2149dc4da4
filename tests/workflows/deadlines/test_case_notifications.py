"""Notifications of what a professional must act on: a breached veiligheidsvoorwaarde and acute
onveiligheid (safety signals: always at once), being added to a case, a contribution requested, dissent,
the case put on an agenda. Exactly once per event and recipient, within need-to-know, as each user chose."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.assessments.models import ConditionStatus
from cases.assessments.selectors import with_breach_flag
from cases.assessments.services import (
    assessment_start,
    condition_agree,
    condition_check,
    contribution_add,
    contribution_request,
    judgement_record,
)
from cases.models import Case, EventKind
from cases.services import participant_add, participant_end
from cases.timeline import timeline_record
from tests.world import basis, in_days, judge
from workflows.deadlines.calendar import end_of_day, local_date
from workflows.deadlines.inbox import preference_set
from workflows.deadlines.models import Deadline, DeadlineState, Delivery, Digest, Notification, NotificationKind
from workflows.deadlines.notifications import digest_email_send, digests_collect, notification_email_send
from workflows.deadlines.working_days import calendar
from workflows.lifecycle.services import case_flag_crisis


@pytest.fixture(autouse=True)
def _no_dispatch(settings):
    settings.REMINDER_DISPATCH = False
    settings.SITE_URL = "https://veiligheidsteam.example.org/"


def _case(region, *, vast_gezicht=None):
    """A case opened now by the CVC professional (the vast gezicht), with Veilig Thuis and the GI on it."""
    case = region.open_case(opened_at=timezone.now(), vast_gezicht=vast_gezicht)
    participant_add(
        actor=region.cvc_user,
        case=case,
        organisation=region.vt,
        professional=region.vt_user,
        role="onderzoeker",
        **basis(),
    )
    participant_add(
        actor=region.cvc_user,
        case=case,
        organisation=region.gi,
        professional=region.gi_user,
        role="jeugdbeschermer",
        **basis(),
    )
    return case


def _condition(region, case, *, owner=None, owner_organisation=None):
    return condition_agree(
        actor=region.cvc_user,
        judgement=judge(region, case),
        description="Vader woont elders",
        owner_organisation=owner_organisation or region.vt,
        owner=owner or region.vt_user,
        check_date=in_days(14),
    )


def _breach(region, case, condition, *, checker=None):
    return condition_check(
        actor=checker or region.gi_user, condition=condition, met=False, expected_version=condition.version
    )


def _notified(kind) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_a_breached_condition_notifies_its_owner_the_vast_gezicht_and_the_coordinators_once_each(region):
    case = _case(region)
    condition = _condition(region, case)
    _breach(region, case, condition)

    expected = sorted([region.vt_user.pk, region.cvc_user.pk, region.coordinator.pk])
    assert _notified(NotificationKind.CONDITION_BREACHED) == expected  # not the GI who checked, not the outsider
    for notification in Notification.objects.filter(kind=NotificationKind.CONDITION_BREACHED):
        assert notification.case_id == case.pk and notification.delivery == Delivery.IMMEDIATE
        assert notification.url == reverse("case-detail", kwargs={"case_id": case.pk})
        assert case.reference in notification.title and "Testfamilie" not in notification.title
    # One timeline entry with its outcome; the condition stays listed as breached.
    assert list(case.timeline.filter(kind__startswith="condition_").values_list("kind", flat=True)) == [
        EventKind.CONDITION_AGREED,
        EventKind.CONDITION_BREACHED,
    ]
    condition.refresh_from_db()
    assert condition.status == ConditionStatus.NOT_MET
    # The breach is the check: the check's deadline closes.
    check = Deadline.objects.get(case=case, rule__code="voorwaarde-controle")
    assert check.state == DeadlineState.MET


def test_someone_in_two_roles_is_notified_once(region):
    case = _case(region)  # the CVC professional is the vast gezicht
    condition = _condition(region, case, owner=region.cvc_user, owner_organisation=region.cvc)
    _breach(region, case, condition)
    assert _notified(NotificationKind.CONDITION_BREACHED) == sorted([region.cvc_user.pk, region.coordinator.pk])


def test_a_second_check_of_the_same_condition_notifies_nobody_again(region, login_verified, client):
    case = _case(region)
    condition = _condition(region, case)
    login_verified(client, region.vt_user)
    url = reverse("condition-check", kwargs={"case_id": case.pk, "condition_id": condition.pk})
    form = {"met": "0", "version": condition.version}
    assert client.post(url, form).status_code == 302
    second = client.post(url, form)  # the double click
    assert second.status_code in (400, 409)
    assert Notification.objects.filter(kind=NotificationKind.CONDITION_BREACHED).count() == 3
    assert case.timeline.filter(kind=EventKind.CONDITION_BREACHED).count() == 1
    with pytest.raises(ValidationError, match="al gecontroleerd"):
        condition.refresh_from_db()
        _breach(region, case, condition)


def test_a_condition_met_notifies_nobody(region):
    case = _case(region)
    condition = _condition(region, case)
    condition_check(actor=region.vt_user, condition=condition, met=True, expected_version=condition.version)
    assert not Notification.objects.filter(kind=NotificationKind.CONDITION_BREACHED).exists()
    assert case.timeline.filter(kind=EventKind.CONDITION_CHECKED).count() == 1


def test_the_case_is_flagged_until_the_team_handles_the_breach(region, login_verified, client):
    case = _case(region)
    condition = _condition(region, case)
    _breach(region, case, condition)
    flagged = with_breach_flag(Case.objects.filter(pk=case.pk)).get()
    assert flagged.condition_breached is True
    login_verified(client, region.cvc_user)
    assert (
        "voorwaarde niet nagekomen" in client.get(reverse("case-detail", kwargs={"case_id": case.pk})).content.decode()
    )
    listed = client.get(reverse("my-cases")).content.decode()
    assert "voorwaarde niet nagekomen" in listed
    # Listed as breached where conditions are listed (the case page's open actions).
    assert "niet nagekomen</span>" in client.get(reverse("case-detail", kwargs={"case_id": case.pk})).content.decode()

    # A new joint judgement after the breach handles it: the flag goes, the condition stays "niet nagekomen".
    judge(region, case)
    assert with_breach_flag(Case.objects.filter(pk=case.pk)).get().condition_breached is False
    assert "voorwaarde niet nagekomen" not in client.get(reverse("my-cases")).content.decode()


def test_a_recipient_who_lost_access_before_sending_gets_nothing(region):
    case = _case(region)
    condition = _condition(region, case)
    _breach(region, case, condition)
    owner_notification = Notification.objects.get(kind=NotificationKind.CONDITION_BREACHED, user=region.vt_user)
    participant_end(actor=region.cvc_user, participant=case.participants.get(professional=region.vt_user))

    assert notification_email_send(notification_id=owner_notification.pk) is False
    owner_notification.refresh_from_db()
    assert owner_notification.withdrawn_at is not None and owner_notification.sent_at is None
    assert mail.outbox == []
    coordinator = Notification.objects.get(kind=NotificationKind.CONDITION_BREACHED, user=region.coordinator)
    assert notification_email_send(notification_id=coordinator.pk) is True
    assert notification_email_send(notification_id=coordinator.pk) is False  # once
    [message] = mail.outbox
    assert message.to == [region.coordinator.email]
    assert f"https://veiligheidsteam.example.org/zaken/{case.pk}/" in message.body
    assert "Testfamilie" not in message.subject + message.body


def test_safety_signals_ignore_off_and_cannot_be_switched_off(region):
    for user in (region.vt_user, region.cvc_user, region.coordinator):
        preference_set(
            user=user,
            delivery=Delivery.OFF,
            digest_hour=8,
            kinds=dict.fromkeys(
                ["participant_added", "contribution_requested", "dissent_recorded", "placed_on_agenda"], "off"
            ),
        )
    with pytest.raises(ValidationError):
        preference_set(user=region.vt_user, delivery="off", digest_hour=8, kinds={"condition_breached": "off"})
    case = _case(region)
    condition = _condition(region, case)
    _breach(region, case, condition)
    breached = Notification.objects.filter(kind=NotificationKind.CONDITION_BREACHED)
    assert breached.count() == 3 and set(breached.values_list("delivery", flat=True)) == {Delivery.IMMEDIATE}
    # The kind they switched off: listed in-app, no e-mail.
    added = Notification.objects.get(kind=NotificationKind.PARTICIPANT_ADDED, user=region.vt_user)
    assert added.delivery == Delivery.OFF
    assert notification_email_send(notification_id=added.pk) is False and mail.outbox == []


def test_a_kind_in_the_digest_goes_in_the_daily_overview_with_its_link(region):
    preference_set(user=region.vt_user, delivery="immediate", digest_hour=0, kinds={"participant_added": "digest"})
    case = _case(region)
    added = Notification.objects.get(kind=NotificationKind.PARTICIPANT_ADDED, user=region.vt_user)
    assert added.delivery == Delivery.DIGEST
    assert notification_email_send(notification_id=added.pk) is False  # not on its own

    [digest_id] = digests_collect(now=timezone.now())
    assert Digest.objects.get(pk=digest_id).user == region.vt_user
    assert digest_email_send(digest_id=digest_id) is True
    [message] = mail.outbox
    assert f"https://veiligheidsteam.example.org/zaken/{case.pk}/" in message.body
    added.refresh_from_db()
    assert added.sent_at is not None


def test_being_added_to_a_case_notifies_the_professional_but_not_who_added_them(region):
    _case(region)
    assert _notified(NotificationKind.PARTICIPANT_ADDED) == sorted([region.vt_user.pk, region.gi_user.pk])


def test_a_requested_contribution_notifies_that_partner_with_a_link_to_the_round(region):
    case = _case(region)
    assessment = assessment_start(actor=region.cvc_user, case=case)
    contribution_request(actor=region.cvc_user, assessment=assessment, organisation=region.vt)
    [notification] = Notification.objects.filter(kind=NotificationKind.CONTRIBUTION_REQUESTED)
    assert notification.user == region.vt_user
    assert notification.url == reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
    contribution_add(actor=region.vt_user, assessment=assessment, safety_score=5, classification="structureel")
    with pytest.raises(ValidationError, match="al bijgedragen"):
        contribution_request(actor=region.cvc_user, assessment=assessment, organisation=region.vt)
    with pytest.raises(ValidationError):
        contribution_request(actor=region.cvc_user, assessment=assessment, organisation=region.rvdk)  # not on the case


def test_the_request_form_on_the_round_asks_a_partner(region, login_verified, client):
    case = _case(region)
    assessment = assessment_start(actor=region.cvc_user, case=case)
    login_verified(client, region.cvc_user)
    page = reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
    assert "Bijdrage vragen" in client.get(page).content.decode()
    url = reverse("contribution-request", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
    assert client.post(url, {"organisation": region.gi.pk}).status_code == 302
    assert _notified(NotificationKind.CONTRIBUTION_REQUESTED) == [region.gi_user.pk]
    assert client.post(url, {"organisation": region.rvdk.pk}).status_code == 400  # not a partner on the case


def test_dissent_notifies_who_answers_for_the_judgement_but_not_the_dissenter(region):
    case = _case(region)
    judgement = judge(region, case)
    timeline_record(
        case=case,
        kind=EventKind.DISSENT_RECORDED,
        actor=region.vt_user,
        organisation=region.vt,
        data={"judgement_id": judgement.pk, "organisation_id": region.vt.pk, "user_id": region.vt_user.pk},
    )
    assert _notified(NotificationKind.DISSENT_RECORDED) == sorted([region.cvc_user.pk, region.coordinator.pk])
    [notification] = Notification.objects.filter(kind=NotificationKind.DISSENT_RECORDED, user=region.coordinator)
    assert notification.url == reverse(
        "assessment-detail", kwargs={"case_id": case.pk, "assessment_id": judgement.assessment_id}
    )


def test_a_replayed_event_notifies_nobody_twice(region):
    from cases.timeline import timeline_replay

    case = _case(region)
    condition = _condition(region, case)
    _breach(region, case, condition)
    timeline_replay(case.timeline.filter(kind=EventKind.CONDITION_BREACHED))
    assert Notification.objects.filter(kind=NotificationKind.CONDITION_BREACHED).count() == 3


def test_an_old_event_reaching_the_hooks_again_is_history(region):
    from datetime import timedelta

    case = region.open_case(opened_at=timezone.now() - timedelta(days=30))
    participant_add(
        actor=region.cvc_user,
        case=case,
        organisation=region.vt,
        professional=region.vt_user,
        role="onderzoeker",
        occurred_at=timezone.now() - timedelta(days=30),
        **basis(),
    )
    assert not Notification.objects.filter(kind=NotificationKind.PARTICIPANT_ADDED).exists()


def test_acute_onveiligheid_opens_the_crisis_deadline_and_alerts_at_once(region):
    case = _case(region)
    case_flag_crisis(actor=region.vt_user, case=case, reason="Kind met letsel op school", expected_version=case.version)
    flagged = case.timeline.get(kind=EventKind.CRISIS_FLAGGED)

    deadline = Deadline.objects.get(case=case, rule__code="crisis-oordeel")
    assert deadline.state == DeadlineState.OPEN and deadline.responsible_user == region.cvc_user
    one_working_day = calendar().add_working_days(local_date(flagged.occurred_at), 1)
    assert deadline.due_at == end_of_day(one_working_day)
    expected = sorted([region.coordinator.pk, region.cvc_user.pk, region.vt_user.pk, region.gi_user.pk])
    assert _notified(NotificationKind.CRISIS_FLAGGED) == expected
    assert set(Notification.objects.filter(kind="crisis_flagged").values_list("delivery", flat=True)) == {"immediate"}

    # Closed by the joint judgement.
    assessment = assessment_start(actor=region.cvc_user, case=case)
    judgement_record(
        actor=region.cvc_user, assessment=assessment, classification="acute", joint_score=1, rationale="Acuut."
    )
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET


def test_a_team_can_configure_its_own_crisis_rule(region):
    from workflows.deadlines.models import DeadlineRule

    default = DeadlineRule.objects.get(team=None, code="crisis-oordeel")
    assert default.start_event == EventKind.CRISIS_FLAGGED and default.close_event == EventKind.JUDGEMENT_RECORDED
    assert (default.term_value, default.term_unit) == (1, "working_days")
    DeadlineRule.objects.create(
        team=region.team,
        code="crisis-oordeel",
        name="Crisis: oordeel binnen 4 uur",
        start_event="crisis_flagged",
        close_event="judgement_recorded",
        term_value=4,
        term_unit="hours",
        responsible="vast_gezicht",
    )
    case = _case(region)
    case_flag_crisis(actor=region.vt_user, case=case, reason="Acuut", expected_version=case.version)
    deadline = Deadline.objects.get(case=case, rule__code="crisis-oordeel")
    assert deadline.name == "Crisis: oordeel binnen 4 uur" and deadline.term_unit == "hours"


@pytest.mark.parametrize("count", [3, 30])
def test_the_notifications_page_has_a_fixed_number_of_queries(
    region, login_verified, client, count, django_assert_num_queries
):
    case = _case(region)
    Notification.objects.bulk_create(
        Notification(user=region.vt_user, kind="placed_on_agenda", case=case, title=f"Melding {n}", url="/meldingen/")
        for n in range(count)
    )
    login_verified(client, region.vt_user)
    client.get(reverse("notifications"))  # the session settles
    with django_assert_num_queries(NOTIFICATIONS_PAGE_QUERIES):
        response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert response.content.decode().count("casus geagendeerd voor overleg") == count


# Session, user, second factor, the notifications, the badge, memberships (the menu), and the request
# transaction's savepoint and its release.
NOTIFICATIONS_PAGE_QUERIES = 8


def test_the_preferences_page_saves_a_choice_per_kind_and_shows_safety_signals_as_always_immediate(
    region, login_verified, client
):
    login_verified(client, region.vt_user)
    url = reverse("notification-preferences")
    body = client.get(url).content.decode()
    assert "Altijd direct" in body and "veiligheidsvoorwaarde niet nagekomen" in body and "acute onveiligheid" in body
    assert 'name="kind_condition_breached"' not in body and 'name="kind_crisis_flagged"' not in body
    form = {
        "delivery": "digest",
        "digest_hour": 17,
        "kind_participant_added": "off",
        "kind_contribution_requested": "digest",
        "kind_dissent_recorded": "immediate",
        "kind_placed_on_agenda": "off",
    }
    assert client.post(url, form).status_code == 302
    from workflows.deadlines.inbox import kind_deliveries

    assert kind_deliveries(region.vt_user) == {
        "participant_added": "off",
        "contribution_requested": "digest",
        "dissent_recorded": "immediate",
        "placed_on_agenda": "off",
    }
    assert 'value="off" selected' in client.get(url).content.decode()
    assert client.post(url, {**form, "kind_participant_added": "nooit"}).status_code == 400  # re-shown with the error


def test_deadline_email_switched_off_keeps_the_reminder_in_the_list_without_an_email(region, settings):
    from tests.world import at
    from workflows.deadlines.models import Reminder
    from workflows.deadlines.reminders import reminders_sweep

    settings.REMINDER_DISPATCH = True  # would queue an e-mail task for an immediate reminder
    preference_set(user=region.cvc_user, delivery="off", digest_hour=8)
    region.open_case(opened_at=at(2027, 6, 7, 10))
    result = reminders_sweep(now=at(2027, 6, 17, 8, 0))
    [reminder] = Reminder.objects.all()
    assert reminder.recipient == region.cvc_user and reminder.delivery == Delivery.OFF
    assert result.dispatched == 0
    assert Notification.objects.filter(reminder=reminder, user=region.cvc_user).exists()  # still in "Meldingen"
    assert digests_collect(now=at(2027, 6, 17, 23, 0)) == []
