"""seed_demo --cases N: fictional cases in every state over the three demo teams; idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cases.demo import demo_bsn, seed_cases
from cases.models import Case, CaseStatus, CaseUserObjectPermission, Participant, Person, TimelineEvent
from cases.selectors import case_for, cases_visible_to
from cases.validators import bsn_is_valid
from partners.demo import seed_region
from partners.models import User


@pytest.fixture
def demo_region(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_region(password="demo-wachtwoord-lang")


def test_demo_cases_cover_every_status_team_and_several_partners(demo_region):
    counts = seed_cases(count=30)
    assert counts["cases_created"] == counts["demo_cases"] == 30
    cases = Case.objects.filter(external_reference__startswith="DEMO-")
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    assert cases.values("team").distinct().count() == 3
    assert Participant.objects.filter(case__in=cases).values("organisation__kind").distinct().count() >= 3
    assert TimelineEvent.objects.filter(case__in=cases, kind="case_opened").count() == 30


def test_demo_bsns_pass_the_eleven_proof(demo_region):
    seed_cases(count=10)
    bsns = [b for b in Person.objects.values_list("bsn", flat=True) if b]
    assert bsns and all(bsn_is_valid(b) for b in bsns)
    import random

    assert all(bsn_is_valid(demo_bsn(random.Random(i))) for i in range(200))  # noqa: S311


def test_demo_participants_can_open_their_cases_through_the_one_door(demo_region):
    seed_cases(count=6)
    user = User.objects.get(username="boz-cvc")
    visible = list(cases_visible_to(user))
    assert visible
    assert case_for(user, visible[0].pk) == visible[0]
    assert CaseUserObjectPermission.objects.filter(user=user).count() == len(visible)


def test_seeding_twice_does_not_double_the_demo_cases(demo_region):
    call_command("seed_demo", "--cases", "12")
    call_command("seed_demo", "--cases", "12")
    assert Case.objects.filter(external_reference__startswith="DEMO-").count() == 12
    assert seed_cases(count=15)["cases_created"] == 3
