"""The start page per role (safetyteams.workplace) and the menu each role sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.assessments.services import condition_agree, condition_check
from cases.interventions.services import intervention_agree
from cases.models import Case, TimelineEvent
from cases.requests.services import family_request_register
from cases.services import note_add
from partners.models import MembershipStatus, Role
from tests.factories import MembershipFactory
from tests.world import MEMBERS_SINCE, in_days, judge, open_case
from workflows.deadlines.models import Notification
from workflows.meetings.services import agenda_add, meeting_schedule

pytestmark = pytest.mark.django_db


def member(region, role, organisation=None):
    return MembershipFactory(
        team=region.team, organisation=organisation or region.cvc, role=role, start_date=MEMBERS_SINCE
    ).user


def start_page(client, login_verified, user) -> str:
    login_verified(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def nav(body: str) -> str:
    return body[body.index('aria-label="Hoofdmenu"') : body.index("</nav>")]


@pytest.fixture
def busy_case(region):
    """A case where the VT professional owns an open intervention and a veiligheidsvoorwaarde."""
    case = open_case(region)
    judgement = judge(region, case)
    intervention_agree(
        actor=region.cvc_user,
        case=case,
        kind="vt_onderzoek",
        responsible_organisation=region.vt,
        responsible_professional=region.vt_user,
        start_date=in_days(-20),
        due_date=in_days(-1),
    )
    condition_agree(
        actor=region.cvc_user,
        judgement=judgement,
        description="Vader drinkt niet als hij voor de kinderen zorgt.",
        owner_organisation=region.vt,
        owner=region.vt_user,
        check_date=in_days(5),
    )
    return case


def test_a_professional_sees_their_open_actions_and_the_new_case_button(client, login_verified, region, busy_case):
    body = start_page(client, login_verified, region.vt_user)

    assert "Mijn open acties" in body
    assert "Vader drinkt niet als hij voor de kinderen zorgt." in body
    assert (
        reverse(
            "intervention-detail", kwargs={"case_id": busy_case.pk, "intervention_id": busy_case.interventions.get().pk}
        )
        in body
    )
    assert "verlopen" in body  # the intervention's due date has passed
    assert f'href="{reverse("case-open")}"' in body and "Nieuwe casus" in body


def test_the_actions_are_only_the_users_own(client, login_verified, region, busy_case):
    body = start_page(client, login_verified, region.gi_user)
    assert "Vader drinkt niet" not in body
    assert "U heeft geen open acties." in body


def test_a_professional_sees_their_deadlines_overdue_this_week_and_next(client, login_verified, region, busy_case):
    now = timezone.now()
    mine = busy_case.deadlines.filter(state="open")
    mine.update(responsible_user=region.vt_user, due_at=now + timedelta(days=8))
    overdue = mine.first()
    overdue.due_at = now - timedelta(hours=2)
    overdue.save(update_fields=["due_at"])

    body = start_page(client, login_verified, region.vt_user)

    assert "Mijn termijnen" in body
    assert reverse("deadline-detail", kwargs={"deadline_id": overdue.pk}) in body
    section = body[body.index("my-deadlines-heading") :]
    assert "<dt>Verlopen</dt><dd>1</dd>" in section


def test_a_professional_sees_their_unread_notifications(client, login_verified, region):
    Notification.objects.create(user=region.vt_user, title="Bijdrage gevraagd voor gezin Jansen", url="/meldingen/")
    Notification.objects.create(
        user=region.vt_user, title="Al gelezen bericht", url="/meldingen/", read_at=timezone.now()
    )
    body = start_page(client, login_verified, region.vt_user)
    assert "Bijdrage gevraagd voor gezin Jansen" in body
    assert "Al gelezen bericht" not in body


def test_new_activity_lists_cases_changed_by_others_since_my_last_visit(client, login_verified, region):
    case = open_case(region)
    login_verified(client, region.vt_user)
    client.get(reverse("case-detail", kwargs={"case_id": case.pk}))  # the visit

    assert case.reference not in new_activity(client)

    note_add(actor=region.cvc_user, case=case, text="Gesprek met moeder gehad.")
    assert case.reference in new_activity(client)

    client.get(reverse("case-detail", kwargs={"case_id": case.pk}))
    assert case.reference not in new_activity(client)


def new_activity(client) -> str:
    body = client.get(reverse("home")).content.decode()
    return body[body.index("new-activity-heading") : body.index("memberships-heading")]


def test_my_own_changes_are_not_new_activity(client, login_verified, region):
    case = open_case(region, with_partners=False)  # opened by the CVC professional, nobody else acted
    assert not TimelineEvent.objects.filter(case=case).exclude(actor=region.cvc_user).exists()
    login_verified(client, region.cvc_user)
    assert case.reference not in new_activity(client)


def test_a_coordinator_sees_the_teams_overdue_breached_unassigned_and_next_meeting(client, login_verified, region):
    case = open_case(region, family_name="Gezin Achterstand")
    judgement = judge(region, case)
    condition = condition_agree(
        actor=region.cvc_user,
        judgement=judgement,
        description="Moeder belt de school elke week.",
        owner_organisation=region.cvc,
        owner=region.cvc_user,
        check_date=in_days(1),
    )
    condition_check(actor=region.cvc_user, condition=condition, met=False, expected_version=condition.version)
    case.deadlines.filter(state="open").update(due_at=timezone.now() - timedelta(days=1))
    Case.objects.filter(pk=case.pk)._raw_update(vast_gezicht=None)  # test setup
    meeting = meeting_schedule(
        actor=region.coordinator,
        team=region.team,
        scheduled_at=timezone.now() + timedelta(days=3),
        chair=region.coordinator,
        location="Stadskantoor",
    )
    agenda_add(actor=region.coordinator, meeting=meeting, case=case)

    body = start_page(client, login_verified, region.coordinator)

    assert "Verlopen in uw team" in body and "verlopen termijn" in body
    breached = body[body.index("Veiligheidsvoorwaarden niet nagekomen") : body.index("next-meeting-heading")]
    assert case.reference in breached
    agenda = body[body.index("next-meeting-heading") : body.index("unassigned-heading")]
    assert reverse("meeting-detail", kwargs={"meeting_id": meeting.pk}) in agenda and "Stadskantoor" in agenda
    assert "Gezin Achterstand" in agenda
    unassigned = body[body.index("unassigned-heading") :]
    assert "1 open casus zonder vast gezicht" in unassigned and case.reference in unassigned


def test_an_evaluator_sees_the_dashboard_and_no_case_work(client, login_verified, region):
    evaluator = member(region, Role.EVALUATOR)
    body = start_page(client, login_verified, evaluator)
    assert reverse("metrics-dashboard") in body
    assert "Mijn open acties" not in body and "Nieuwe casus" not in body
    menu = nav(body)
    assert "Mijn zaken" not in menu and "Teamzaken" not in menu and "Overleggen" not in menu
    assert "Evaluatie" in menu


def test_a_functional_administrator_sees_the_administration_tasks(client, login_verified, region):
    admin = member(region, Role.FUNCTIONAL_ADMIN)
    MembershipFactory(team=region.team, organisation=region.vt, status=MembershipStatus.PENDING, requested_by=admin)
    body = start_page(client, login_verified, admin)
    assert "1 lidmaatschap wacht op bevestiging" in body
    for url in ("/beheer/partners/user/", "/beheer/partners/membership/", reverse("exchange-import")):
        assert f'href="{url}"' in body
    menu = nav(body)
    assert 'href="/beheer/"' in menu and reverse("exchange-import") in menu
    assert "Mijn zaken" not in menu


def test_a_privacy_officer_sees_the_open_requests_and_the_access_report(client, login_verified, region):
    officer = member(region, Role.PRIVACY_OFFICER)
    case = open_case(region)
    family_request_register(
        actor=region.cvc_user,
        case=case,
        kind="inzage",
        person=None,
        requester_name="Moeder Jansen",
        relation="ouder",
        identity_check="document",
        received_on=timezone.localdate(),
    )
    body = start_page(client, login_verified, officer)
    assert "1 verzoek wacht op een besluit" in body
    assert case.reference in body and "Moeder Jansen" not in body  # the reference, no case content
    assert reverse("case-access-report", kwargs={"case_id": case.pk}) in body
    assert reverse("access-report-lookup") in nav(body)


def test_a_professional_does_not_see_team_cases_unless_coordinator(client, login_verified, region):
    assert "Teamzaken" not in nav(start_page(client, login_verified, region.vt_user))
    client.logout()
    assert "Teamzaken" in nav(start_page(client, login_verified, region.coordinator))


def test_everyone_has_the_account_security_page_in_the_menu(client, login_verified, region):
    for user in (region.vt_user, member(region, Role.EVALUATOR)):
        client.logout()
        assert f'href="{reverse("security:account")}"' in nav(start_page(client, login_verified, user))


def test_only_the_functional_administrator_sees_beheer_and_import(client, login_verified, region):
    menu = nav(start_page(client, login_verified, region.coordinator))
    assert "/beheer/" not in menu and reverse("exchange-import") not in menu


# The site's 5 (session, user, second factor, memberships, notifications badge), then the sections:
# professional 1 (actions: 2) + deadlines 4 + unread notifications 1 + new activity 1 = 8;
# the coordinator adds: next meeting 2 (meeting, agenda), overdue 2, breached 1, unassigned 2 = 7.
# Evaluator: the site's 5 only; administrator: + pending memberships 1; privacy officer: + requests 2.
PROFESSIONAL_START_QUERIES = 13
COORDINATOR_START_QUERIES = 20
EVALUATOR_START_QUERIES = 5
ADMIN_START_QUERIES = 6
PRIVACY_START_QUERIES = 7


@pytest.mark.parametrize("cases", [1, 12])
def test_the_start_pages_query_counts_do_not_grow_with_the_data(
    client, login_verified, region, django_assert_num_queries, cases
):
    opened = [open_case(region, family_name=f"Gezin Nummer{number}") for number in range(cases)]
    meeting = meeting_schedule(
        actor=region.coordinator,
        team=region.team,
        scheduled_at=timezone.now() + timedelta(days=3),
        chair=region.coordinator,
    )
    for case in opened:
        agenda_add(actor=region.coordinator, meeting=meeting, case=case)
    evaluator = member(region, Role.EVALUATOR)
    admin = member(region, Role.FUNCTIONAL_ADMIN)
    officer = member(region, Role.PRIVACY_OFFICER)
    for user, expected in (
        (region.vt_user, PROFESSIONAL_START_QUERIES),
        (region.coordinator, COORDINATOR_START_QUERIES),
        (evaluator, EVALUATOR_START_QUERIES),
        (admin, ADMIN_START_QUERIES),
        (officer, PRIVACY_START_QUERIES),
    ):
        client.logout()
        login_verified(client, user)
        client.get(reverse("home"))  # the session's first touch is saved once; measure the next
        with django_assert_num_queries(expected):
            assert client.get(reverse("home")).status_code == 200
