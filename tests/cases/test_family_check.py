"""One case per family: a case of the same family anywhere in the region (found by BSN, or by family
name and a date of birth) is named by its team's coordinator and team only, logged without the BSN,
and needs an explicit "toch doorgaan"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.access_log.services import access_log_rows
from cases.families import FAMILY_CONFIRM_FIELD
from cases.models import Case, Person
from cases.services import case_open, person_add
from partners.models import Role
from tests.factories import MembershipFactory, UserFactory, fictional_bsn
from tests.html_forms import form_data
from tests.world import open_case

HIDDEN_BSN = fictional_bsn(7)
HIDDEN_BIRTH = date(2017, 3, 9)


@pytest.fixture
def hidden_case(region):
    """A case of another team, which the region's users may not see, with its coordinator."""
    membership = region.outsider.memberships.first()
    MembershipFactory(
        team=membership.team,
        organisation=membership.organisation,
        role=Role.COORDINATOR,
        user=UserFactory(full_name="Anouk Coördinator-Test"),
    )
    case = case_open(
        actor=region.outsider,
        team=membership.team,
        municipality=membership.team.municipalities.first(),
        family_name="Gezin Verborgen",
        intake="gi",
        reported_on=date(2025, 11, 17),
    )
    person_add(
        actor=region.outsider, case=case, role="jeugdige", full_name="Noor Verborgen", date_of_birth=HIDDEN_BIRTH
    )
    person_add(actor=region.outsider, case=case, role="ouder", full_name="Sanne Verborgen", bsn=HIDDEN_BSN)
    return case


def _client(user, login_verified) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _open_form(region, client, **fields) -> dict:
    data = form_data(client.get(reverse("case-open")).content.decode(), with_field="submission_key")
    return {
        **data,
        "team": region.team.pk,
        "municipality": region.team.municipalities.first().pk,
        "intake": "signaal_lokaal_team",
        "reported_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        **fields,
    }


def assert_names_only_coordinator_and_team(body: str, case: Case) -> None:
    assert "Anouk Coördinator-Test" in body and case.team.name in body
    # (The BSN or birth date the user typed is theirs and comes back in the form.)
    for secret in (case.reference, "Gezin Verborgen", "Noor Verborgen", "Sanne Verborgen", "17 november 2025"):
        assert secret not in body, secret


def _family_rows(case: Case):
    return access_log_rows().filter(action="search", detail__startswith="family-check:", case_id=case.pk)


def test_opening_a_case_with_a_bsn_known_elsewhere_warns_with_the_coordinator_only(region, hidden_case, login_verified):
    client = _client(region.cvc_user, login_verified)
    data = _open_form(region, client, family_name="Gezin Nieuwkomer", family_bsn=HIDDEN_BSN)

    warned = client.post(reverse("case-open"), data)

    body = warned.content.decode()
    assert warned.status_code == 400 and "Er is al een casus voor dit gezin; de coördinator is" in body
    assert_names_only_coordinator_and_team(body, hidden_case)
    assert f'type="checkbox" name="{FAMILY_CONFIRM_FIELD}"' in body
    assert not Case.objects.filter(family_name="Gezin Nieuwkomer").exists()
    row = _family_rows(hidden_case).get()
    assert row.detail.startswith("family-check:case:open;by=bsn;q=") and row.detail.endswith("hits=1;confirmed=no")
    assert row.user_id == region.cvc_user.pk
    assert not access_log_rows().filter(detail__contains=HIDDEN_BSN).exists()

    confirmed = client.post(reverse("case-open"), {**data, FAMILY_CONFIRM_FIELD: "on"})

    assert confirmed.status_code == 302
    assert Case.objects.filter(family_name="Gezin Nieuwkomer").count() == 1
    assert _family_rows(hidden_case).filter(detail__endswith="confirmed=yes").count() == 1


def test_opening_a_case_with_the_family_name_and_a_birth_date_warns(region, hidden_case, login_verified):
    client = _client(region.cvc_user, login_verified)
    data = _open_form(region, client, family_name="verborgen", family_date_of_birth=HIDDEN_BIRTH.isoformat())

    warned = client.post(reverse("case-open"), data)
    other_birth = client.post(reverse("case-open"), {**data, "family_date_of_birth": "2017-03-10"})

    assert warned.status_code == 400
    assert_names_only_coordinator_and_team(warned.content.decode(), hidden_case)
    assert _family_rows(hidden_case).get().detail.startswith("family-check:case:open;by=name+dob;q=")
    assert other_birth.status_code == 302  # another child: another family


def test_adding_a_person_known_in_another_case_warns_by_bsn_and_by_name_and_birth(region, hidden_case, login_verified):
    case = open_case(region, family_name="gezin Verborgen")
    client = _client(region.cvc_user, login_verified)
    url = reverse("person-add", kwargs={"case_id": case.pk})
    data = form_data(client.get(url).content.decode(), with_field="submission_key")

    by_bsn = client.post(url, {**data, "role": "ouder", "full_name": "Ouder Test", "bsn": HIDDEN_BSN})
    by_birth = client.post(
        url, {**data, "role": "jeugdige", "full_name": "Kind Test", "date_of_birth": HIDDEN_BIRTH.isoformat()}
    )

    for warned in (by_bsn, by_birth):
        body = warned.content.decode()
        assert warned.status_code == 400 and "Er is al een casus voor dit gezin" in body
        for secret in (hidden_case.reference, "Noor Verborgen", "Sanne Verborgen", "17 november 2025"):
            assert secret not in body
        assert "Anouk Coördinator-Test" in body
    assert not Person.objects.filter(case=case).exists()
    details = list(_family_rows(hidden_case).values_list("detail", flat=True))
    assert [d.split(";")[1] for d in details] == ["by=bsn", "by=name+dob"]

    added = client.post(
        url, {**data, "role": "ouder", "full_name": "Ouder Test", "bsn": HIDDEN_BSN, FAMILY_CONFIRM_FIELD: "on"}
    )

    assert added.status_code == 302 and Person.objects.filter(case=case, bsn=HIDDEN_BSN).exists()


def test_the_api_refuses_until_the_family_warning_is_confirmed(region, hidden_case, login_verified):
    client = _client(region.cvc_user, login_verified)
    body = {
        "team": region.team.pk,
        "municipality": region.team.municipalities.first().pk,
        "family_name": "Gezin Api",
        "intake": "gi",
        "reported_on": "2026-01-05",
        "family_bsn": HIDDEN_BSN,
    }

    warned = client.post("/api/v1/cases/", body, content_type="application/json")
    confirmed = client.post("/api/v1/cases/", {**body, FAMILY_CONFIRM_FIELD: True}, content_type="application/json")

    assert warned.status_code == 400 and list(warned.json()) == [FAMILY_CONFIRM_FIELD]
    assert "Anouk Coördinator-Test" in warned.json()[FAMILY_CONFIRM_FIELD][0]
    assert_names_only_coordinator_and_team(warned.content.decode(), hidden_case)
    assert confirmed.status_code == 201
    person = client.post(
        f"/api/v1/cases/{confirmed.json()['id']}/persons/",
        {"role": "ouder", "full_name": "Ouder Api", "bsn": HIDDEN_BSN},
        content_type="application/json",
    )
    assert person.status_code == 400 and list(person.json()) == [FAMILY_CONFIRM_FIELD]


def test_no_warning_for_an_unknown_family_or_a_removed_person_but_the_lookup_is_logged(region, hidden_case):
    from cases.corrections import person_remove

    sanne = hidden_case.persons.get(bsn=HIDDEN_BSN)
    person_remove(actor=region.outsider, person=sanne, reason="Per abuis toegevoegd.", expected_version=1)
    before = access_log_rows().filter(detail__startswith="family-check:").count()

    case = case_open(
        actor=region.cvc_user,
        team=region.team,
        municipality=region.team.municipalities.first(),
        family_name="Gezin Onbekend",
        intake="gi",
        reported_on=date(2026, 1, 5),
        family_bsn=HIDDEN_BSN,
        family_confirmed=False,
    )

    assert case.pk
    rows = access_log_rows().filter(detail__startswith="family-check:").order_by("id")
    assert (
        rows.count() == before + 1
        and rows.last().case_id is None
        and rows.last().detail.endswith("hits=0;confirmed=no")
    )
