"""The coordinator sees a new deadline on the dashboard and, once it has run out, the escalation in the bell."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import case_open
from tests.browser.world import make_world
from workflows.deadlines.models import Deadline, Notification
from workflows.deadlines.office_hours import delivery_moment
from workflows.deadlines.reminders import reminders_sweep
from workflows.deadlines.working_days import calendar


@pytest.fixture
def world(transactional_db):
    return make_world()


def test_coordinator_sees_the_deadline_and_then_the_overdue_escalation(
    page, world, browser_login, shot, assert_accessible
):
    case = case_open(
        actor=world.professional,
        team=world.team,
        municipality=world.municipality,
        family_name="Gezin Pietersen",
        intake="melding_vt",
        reported_on=timezone.localdate(),
        vast_gezicht=world.professional,
    )
    deadline = Deadline.objects.filter(case=case).order_by("due_at").first()
    assert deadline is not None, "opening a case after a melding starts its deadlines"
    # The dashboard lists what runs out up to the end of this week; pull the term into today so the test
    # does not depend on the weekday it runs on (the rule's own arithmetic is tested in tests/workflows).
    due_today = timezone.now() + timedelta(minutes=30)
    Deadline.objects.filter(pk=deadline.pk).update(due_at=due_today, remind_at=due_today)

    browser_login(page, world.coordinator)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Termijnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Termijnen")
    row = page.get_by_role("row").filter(has_text=case.reference).first
    expect(row).to_contain_text(deadline.name)
    bell = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Meldingen")
    expect(bell.locator(".badge")).to_have_count(0)
    shot(page, "deadline-dashboard")
    assert_accessible(page)

    # Time moves on: the beat's sweep runs two days after the due moment (in office hours, when
    # reminders are delivered: workflows/deadlines/office_hours.py).
    reminders_sweep(now=delivery_moment(due_today + timedelta(days=2), cal=calendar()))
    escalations = Notification.objects.filter(user=world.coordinator, read_at=None)
    assert escalations.exists(), "an overdue deadline escalates to the team's coordinator"

    page.reload()
    expect(bell.locator(".badge")).to_contain_text(str(escalations.count()))
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen")
    expect(page.locator(".notifications li.unread").first).to_contain_text(escalations.order_by("-created_at")[0].title)
    shot(page, "notifications-escalation")
    assert_accessible(page)
