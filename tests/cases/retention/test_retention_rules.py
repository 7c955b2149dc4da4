"""The retention rules: seeded with their legal source, kept by a region-wide functional administrator
in the admin, read by a team's; a changed term moves the destruction date at the next sweep."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.retention.models import Destruction, RetentionRule
from cases.retention.services import retention_sweep
from partners.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_defaults_carry_their_legal_source():
    rules = {rule.code: rule for rule in RetentionRule.objects.all()}
    assert {"jeugdhulp", "veilig-thuis", "rvdk", "gi-maatregel"} <= set(rules)
    assert "Jeugdwet art. 7.3.8" in rules["jeugdhulp"].source and rules["jeugdhulp"].years_after_last_involvement == 20
    assert rules["veilig-thuis"].until_youngest_child_adult and rules["rvdk"].whole_file
    assert rules["gi-maatregel"].only_with_measure


def _change(client, rule: RetentionRule, years: int):
    url = reverse("admin:cases_retentionrule_change", args=[rule.pk])
    return client.post(
        url,
        {
            "code": rule.code,
            "name": rule.name,
            "organisation_kind": rule.organisation_kind,
            "years_after_last_involvement": years,
            "whole_file": "on",
            "source": rule.source,
            "active": "on",
        },
    )


def test_a_region_administrator_changes_a_term_and_the_next_sweep_moves_the_date(
    retained, region, client, login_verified
):
    retention_sweep()
    before = Destruction.objects.get(case=retained.case).destroy_on
    team_admin = MembershipFactory(team=region.team, organisation=region.cvc, role=Role.FUNCTIONAL_ADMIN).user
    login_verified(client, team_admin)
    jeugdhulp = RetentionRule.objects.get(code="jeugdhulp")
    assert _change(client, jeugdhulp, 30).status_code == 403  # a team's administrator only reads
    region_admin = MembershipFactory(team=None, organisation=region.cvc, role=Role.FUNCTIONAL_ADMIN).user
    login_verified(client, region_admin)
    for code in ("jeugdhulp", "veilig-thuis"):
        assert _change(client, RetentionRule.objects.get(code=code), 30).status_code == 302
    retention_sweep()
    after = Destruction.objects.get(case=retained.case)
    assert after.destroy_on.year == before.year + 10 and after.state == "scheduled"
