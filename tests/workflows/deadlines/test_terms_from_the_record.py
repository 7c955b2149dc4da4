"""The statutory and norm terms run from what the partners record on the case, through the pages and
the API: Veilig Thuis' onderzoek (10 weeks) and the Raad's start norm (10 days after the verzoek),
opened, met and missed; a term ending on a day nobody works runs on to the next working day."""

from datetime import date

import pytest

from cases.models import Case, EventKind, Intake
from cases.services import participant_add
from cases.timeline import timeline_record
from tests.world import at, basis
from workflows.deadlines.calendar import end_of_day
from workflows.deadlines.models import Deadline, DeadlineState


def _deadline(case, code):
    return Deadline.objects.get(case=case, rule__code=code)


def _involve(region, case, user, kind):
    organisation = user.memberships.get(organisation__kind=kind).organisation
    participant_add(
        actor=region.cvc_user, case=case, organisation=organisation, professional=user, role="onderzoeker", **basis()
    )


@pytest.mark.parametrize(
    ("ended_on", "state"), [(date(2026, 5, 26), DeadlineState.MET), (date(2026, 5, 27), DeadlineState.MISSED)]
)
def test_veilig_thuis_opens_and_closes_its_10_week_term_on_the_page(region, client, login_verified, ended_on, state):
    case = region.open_case(opened_at=at(2026, 3, 10, 10), reported_on=date(2026, 3, 10))
    _involve(region, case, region.vt_user, "veilig_thuis")
    login_verified(client, region.vt_user)
    url = f"/zaken/{case.pk}/onderzoek/"

    started = client.post(url, {"action": "start", "start-kind": "vt", "start-started_on": "2026-03-16"})
    assert started.status_code == 302

    deadline = _deadline(case, "vt-onderzoek")
    # 16 March + 10 weeks = Monday 25 May 2026, tweede Pinksterdag: runs on to Tuesday 26 May.
    assert deadline.due_at == end_of_day(date(2026, 5, 26))
    assert deadline.state == DeadlineState.OPEN and deadline.responsible_user == region.vt_user
    assert client.post(url, {"action": "end", "end-kind": "vt", "end-ended_on": ended_on}).status_code == 302
    deadline.refresh_from_db()
    assert deadline.state == state


def _open_by_api(client, region, *, reported_on):
    response = client.post(
        "/api/v1/cases/",
        {
            "team": region.team.pk,
            "municipality": region.team.municipalities.first().pk,
            "family_name": "Gezin Raad",
            "intake": Intake.VERZOEK_TOT_ONDERZOEK,
            "reported_on": reported_on,
            "vast_gezicht": region.cvc_user.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    return Case.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize(
    ("started_on", "state"), [("2026-04-28", DeadlineState.MET), ("2026-04-29", DeadlineState.MISSED)]
)
def test_the_raads_start_norm_ending_on_koningsdag_runs_on_and_is_met_or_missed_through_the_api(
    region, client, login_verified, started_on, state
):
    login_verified(client, region.cvc_user)
    case = _open_by_api(client, region, reported_on="2026-04-17")
    deadline = _deadline(case, "rvdk-onderzoek-gestart")
    # 17 April + 10 days = Monday 27 April 2026, Koningsdag: runs on to Tuesday 28 April.
    assert deadline.due_at == end_of_day(date(2026, 4, 28))
    _involve(region, case, region.rvdk_user, "rvdk")
    login_verified(client, region.rvdk_user)

    response = client.post(
        f"/api/v1/cases/{case.pk}/investigations/",
        {"kind": "rvdk", "action": "start", "started_on": started_on},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    deadline.refresh_from_db()
    assert deadline.state == state
    # The Raad's start does not open Veilig Thuis' term.
    assert not Deadline.objects.filter(case=case, rule__code="vt-onderzoek").exists()


def test_the_raads_start_norm_ending_on_the_saturday_after_christmas_runs_on_to_monday(region, client, login_verified):
    login_verified(client, region.cvc_user)
    response = client.post(
        "/zaken/nieuw/",
        {
            "team": region.team.pk,
            "municipality": region.team.municipalities.first().pk,
            "family_name": "Gezin Kerst",
            "intake": Intake.VERZOEK_TOT_ONDERZOEK,
            "reported_on": "2025-12-17",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(family_name="Gezin Kerst")
    deadline = _deadline(case, "rvdk-onderzoek-gestart")
    # 17 December + 10 days = Saturday 27 December 2025 (after Christmas on Thursday and Friday): Monday 29.
    assert deadline.due_at == end_of_day(date(2025, 12, 29))
    _involve(region, case, region.rvdk_user, "rvdk")
    login_verified(client, region.rvdk_user)

    client.post(
        f"/zaken/{case.pk}/onderzoek/", {"action": "start", "start-kind": "rvdk", "start-started_on": "2025-12-29"}
    )

    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET


def test_a_verzoek_whose_10_days_end_on_tweede_kerstdag_2026_a_saturday_runs_on_to_monday(region):
    case = region.open_case()
    timeline_record(case=case, kind=EventKind.VERZOEK_RECEIVED, occurred_at=at(2026, 12, 16, 9))
    assert _deadline(case, "rvdk-onderzoek-gestart").due_at == end_of_day(date(2026, 12, 28))
