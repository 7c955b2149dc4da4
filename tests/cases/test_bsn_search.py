"""Searching by BSN: an exact match among the cases the user may see (a participation or as the
team's coordinator), logged with the BSN keyed; a page linked from the case lists and an API filter."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.access_log.services import access_log_rows
from cases.corrections import person_remove
from cases.models import Case, CaseUserObjectPermission, Participant, Person
from cases.selectors import _view_permission_id, bsn_digest
from cases.services import case_open, participant_end, person_add
from cases.validators import BSN_INVALID
from tests.factories import fictional_bsn
from tests.world import open_case

BSN = fictional_bsn(11)


@pytest.fixture
def cases_with_bsn(region):
    """The same BSN in a case of mine, a team case I am not in, and a case of another team."""
    mine = open_case(region, family_name="Gezin Mijn")
    team_only = open_case(region, family_name="Gezin Team", with_partners=False)
    membership = region.outsider.memberships.first()
    foreign = case_open(
        actor=region.outsider,
        team=membership.team,
        municipality=membership.team.municipalities.first(),
        family_name="Gezin Elders",
        intake="gi",
        reported_on=date(2026, 1, 5),
    )
    for case, actor in ((mine, region.cvc_user), (team_only, region.cvc_user), (foreign, region.outsider)):
        person_add(actor=actor, case=case, role="jeugdige", full_name="Jesse Zoek", bsn=BSN)
    # team_only: the CVC professional opened it, then leaves; only the coordinator still sees it.
    participant_end(actor=region.cvc_user, participant=team_only.participants.get())
    return mine, team_only, foreign


def _client(user, login_verified) -> Client:
    client = Client()
    login_verified(client, user)
    return client


SEARCH = "/zaken/zoeken-op-bsn/"


def test_the_bsn_search_finds_only_the_cases_the_user_may_see_and_is_logged(region, cases_with_bsn, login_verified):
    mine, team_only, foreign = cases_with_bsn
    professional = _client(region.vt_user, login_verified)
    coordinator = _client(region.coordinator, login_verified)

    as_professional = professional.post(SEARCH, {"bsn": BSN}).content.decode()
    as_coordinator = coordinator.post(SEARCH, {"bsn": BSN}).content.decode()

    assert mine.reference in as_professional
    assert team_only.reference not in as_professional and foreign.reference not in as_professional
    assert mine.reference in as_coordinator and team_only.reference in as_coordinator
    assert foreign.reference not in as_coordinator and "Gezin Elders" not in as_coordinator
    assert "1 casus gevonden" in as_professional and "2 casussen gevonden" in as_coordinator
    rows = access_log_rows().filter(action="search", detail__startswith="bsn-search;")
    assert list(rows.order_by("id").values_list("user_id", "detail")) == [
        (region.vt_user.pk, f"bsn-search;q={bsn_digest(BSN)};hits=1"),
        (region.coordinator.pk, f"bsn-search;q={bsn_digest(BSN)};hits=2"),
    ]
    assert not access_log_rows().filter(detail__contains=BSN).exists()


def test_the_bsn_search_is_exact_and_skips_removed_persons(region, cases_with_bsn, login_verified):
    mine, _, _ = cases_with_bsn
    client = _client(region.cvc_user, login_verified)
    other = fictional_bsn(12)

    none_found = client.post(SEARCH, {"bsn": other}).content.decode()
    person_remove(actor=region.cvc_user, person=mine.persons.get(), reason="Verkeerd kind.", expected_version=1)
    after_removal = client.post(SEARCH, {"bsn": BSN}).content.decode()

    assert "0 casussen gevonden" in none_found and mine.reference not in none_found
    assert "0 casussen gevonden" in after_removal


@pytest.mark.parametrize("typed", ["123456789", "١١١٢٢٢٣٣٣", "", "12345"])
def test_the_bsn_search_refuses_what_is_no_bsn(region, login_verified, typed):
    client = _client(region.cvc_user, login_verified)

    response = client.post(SEARCH, {"bsn": typed})

    assert response.status_code == 400 and "casus gevonden" not in response.content.decode()
    if typed:
        assert escape(str(BSN_INVALID)) in response.content.decode()
    assert not access_log_rows().filter(detail__startswith="bsn-search;").exists()


def test_the_search_page_is_linked_from_the_case_lists_and_keeps_the_bsn_out_of_the_address(region, login_verified):
    client = _client(region.cvc_user, login_verified)
    assert f'href="{reverse("case-bsn-search")}"' in client.get("/mijn-zaken/").content.decode()
    page = client.get(SEARCH).content.decode()
    assert 'method="post"' in page and 'name="bsn"' in page


def test_the_api_filters_on_a_bsn_among_visible_cases_and_logs_it_keyed(region, cases_with_bsn, login_verified):
    mine, team_only, _ = cases_with_bsn
    coordinator = _client(region.coordinator, login_verified)

    found = coordinator.get("/api/v1/cases/", {"bsn": BSN}).json()
    refused = coordinator.get("/api/v1/cases/", {"bsn": "١١١٢٢٢٣٣٣"})

    assert sorted(c["id"] for c in found["results"]) == sorted([mine.pk, team_only.pk])
    assert refused.status_code == 400 and refused.json() == {"bsn": [str(BSN_INVALID)]}
    row = access_log_rows().filter(detail__startswith="api:cases;").order_by("id").last()
    assert f"bsn={bsn_digest(BSN)}" in row.detail and BSN not in row.detail


def _bulk_cases_with_bsn(region, count: int) -> None:
    """Many cases of the team with a person of BSN, the VT professional taking part in each."""
    start = Case.objects.count()
    cases = Case.objects.bulk_create(
        Case(
            reference=f"B-{start + i:07d}",
            family_name=f"gezin Bulk{i}",
            team=region.team,
            municipality=region.team.municipalities.first(),
            intake="gi",
            reported_on=date(2026, 1, 1),
            opened_at=timezone.now(),
            created_by=region.cvc_user,
            vast_gezicht=region.cvc_user,
        )
        for i in range(count)
    )
    Person.objects.bulk_create(Person(case=case, role="jeugdige", full_name="Bulk Kind", bsn=BSN) for case in cases)
    Participant.objects.bulk_create(
        Participant(
            case=case,
            organisation=region.vt,
            professional=region.vt_user,
            role="betrokken",
            basis_kind="niet_vastgelegd",
        )
        for case in cases
    )
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(user=region.vt_user, permission_id=_view_permission_id(), content_object=case)
        for case in cases
    )


# On the request's connection (the log row goes over its own): the site's five (session, user, second
# factor, memberships, notifications badge) and the one query of the results. Within the lists' eight.
BSN_SEARCH_QUERIES = 6


@pytest.mark.parametrize("size", [5, 120])
def test_the_bsn_search_query_count_does_not_grow_with_the_data(
    region, login_verified, django_assert_num_queries, size
):
    _bulk_cases_with_bsn(region, size)
    client = _client(region.vt_user, login_verified)
    client.post(SEARCH, {"bsn": BSN})  # warm the session and caches

    with django_assert_num_queries(BSN_SEARCH_QUERIES):
        response = client.post(SEARCH, {"bsn": BSN})

    assert response.status_code == 200 and f"{min(size, 25)} casussen gevonden" in response.content.decode()
