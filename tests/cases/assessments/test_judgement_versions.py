"""Joint decisions that cannot be rewritten (issue 16): a joint judgement is amended by a new version
(its recorder or a coordinator, with a reason), never in place and never in a closed episode; every
partner registers akkoord or dissent per version; a contribution is corrected by its author beside
the original."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape

from cases.access_log.services import access_log_rows
from cases.assessments.amendments import (
    AMEND_ONLY_RECORDER_OR_COORDINATOR,
    AMENDMENT_ALREADY_RECORDED,
    CORRECT_ONLY_AUTHOR,
    contribution_correct,
    judgement_amend,
)
from cases.assessments.models import Agreement, Dissent, JointJudgement, JointJudgementVersion, PartnerContribution
from cases.assessments.selectors import dissent_for_cases, standpoints_of
from cases.assessments.services import (
    AGREEMENT_ALREADY_RECORDED,
    DISSENT_ALREADY_RECORDED,
    JUDGEMENT_EPISODE_CLOSED,
    agreement_record,
    dissent_record,
)
from cases.models import EventKind
from tests.html_forms import form_data
from tests.world import judge, open_case, set_status
from workflows.lifecycle.services import case_reopen


@pytest.fixture
def case(region):
    return open_case(region)


def _amend_url(case, judgement) -> str:
    return reverse("judgement-amend", kwargs={"case_id": case.pk, "judgement_id": judgement.pk})


def _round_url(case, judgement) -> str:
    return reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": judgement.assessment_id})


def _api(case, judgement, what: str) -> str:
    return f"/api/v1/cases/{case.pk}/judgements/{judgement.pk}/{what}/"


AMENDMENT = {"classification": "acute", "joint_score": "2", "rationale": "Nieuwe melding van school", "version": "1"}


# --- Who may amend ---------------------------------------------------------------------------------


def test_another_partner_cannot_amend_the_judgement_and_is_pointed_to_dissent(region, case):
    judgement = judge(region, case, score=5)
    with pytest.raises(PermissionDenied) as refused:
        judgement_amend(actor=region.vt_user, judgement=judgement, expected_version=1, reason="Oneens", joint_score=2)
    assert str(refused.value) == str(AMEND_ONLY_RECORDER_OR_COORDINATOR)
    assert "afwijkend standpunt" in str(refused.value)
    assert JointJudgement.objects.get().joint_score == 5 and judgement.versions.count() == 1


def test_another_partners_amendment_on_the_web_is_refused_with_a_dutch_message(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    login_verified(client, region.vt_user)

    page = client.get(_amend_url(case, judgement))
    posted = client.post(_amend_url(case, judgement), {**AMENDMENT, "reason": "Oneens"})

    assert page.status_code == 200 and 'name="reason"' not in page.content.decode()
    assert escape(str(AMEND_ONLY_RECORDER_OR_COORDINATOR)) in page.content.decode()
    assert posted.status_code == 403
    assert escape(str(AMEND_ONLY_RECORDER_OR_COORDINATOR)) in posted.content.decode()
    assert JointJudgement.objects.values_list("joint_score", "version").get() == (5, 1)
    assert not case.timeline.filter(kind=EventKind.JUDGEMENT_AMENDED).exists()
    # The round page offers them no amendment either.
    assert _amend_url(case, judgement) not in client.get(_round_url(case, judgement)).content.decode()


def test_another_partners_amendment_by_the_api_is_refused(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    login_verified(client, region.gi_user)

    response = client.post(
        _api(case, judgement, "amendments"),
        {"joint_score": 2, "reason": "Oneens", "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(AMEND_ONLY_RECORDER_OR_COORDINATOR)]}
    assert JointJudgement.objects.values_list("joint_score", "version").get() == (5, 1)


def test_the_recorders_and_the_coordinators_amendments_keep_every_version_shown_with_date_author_and_reason(
    region, case, login_verified, client
):
    judgement = judge(region, case, score=5)
    login_verified(client, region.cvc_user)  # the recorder, on the web
    assert client.post(_amend_url(case, judgement), {**AMENDMENT, "reason": "Nieuwe melding"}).status_code == 302
    login_verified(client, region.coordinator)  # a coordinator of the team, by the API
    response = client.post(
        _api(case, judgement, "amendments"),
        {"joint_score": 3, "reason": "Besproken in het overleg", "version": 2},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["joint_score"], body["classification"]) == (3, 3, "acute")
    assert [(v["number"], v["joint_score"], v["reason"]) for v in body["versions"]] == [
        (1, 5, ""),
        (2, 2, "Nieuwe melding"),
        (3, 3, "Besproken in het overleg"),
    ]

    versions = list(JointJudgementVersion.objects.filter(judgement=judgement).order_by("number"))
    assert [(v.recorded_by, v.rationale) for v in versions] == [
        (region.cvc_user, "Zorgen over veiligheid thuis."),
        (region.cvc_user, "Nieuwe melding van school"),
        (region.coordinator, "Nieuwe melding van school"),
    ]
    page = client.get(_round_url(case, judgement)).content.decode()
    for version, reason in ((versions[1], "Nieuwe melding"), (versions[2], "Besproken in het overleg")):
        on = date_format(timezone.localtime(version.recorded_at), "j F Y H:i")
        name = escape(version.recorded_by.get_full_name() or version.recorded_by.username)
        assert f"gewijzigd op {on} door {name} — {reason}" in page
    assert "Zorgen over veiligheid thuis." in page  # the first version stays readable
    events = case.timeline.filter(kind__in=[EventKind.JUDGEMENT_RECORDED, EventKind.JUDGEMENT_AMENDED])
    assert [(e.kind, e.actor) for e in events.order_by("id")] == [
        (EventKind.JUDGEMENT_RECORDED, region.cvc_user),
        (EventKind.JUDGEMENT_AMENDED, region.cvc_user),
        (EventKind.JUDGEMENT_AMENDED, region.coordinator),
    ]


def test_an_amendment_needs_a_reason(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    login_verified(client, region.cvc_user)
    response = client.post(_amend_url(case, judgement), AMENDMENT)
    assert response.status_code == 400 and "Reden van de wijziging" in response.content.decode()
    api = client.post(
        _api(case, judgement, "amendments"), {"joint_score": 2, "version": 1}, content_type="application/json"
    )
    assert api.status_code == 400 and list(api.json()) == ["reason"]
    assert judgement.versions.count() == 1


def test_a_version_once_recorded_is_refused_an_update_by_the_database(region, case):
    judgement = judge(region, case)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {JointJudgementVersion._meta.db_table} SET rationale = 'herschreven' WHERE judgement_id = %s",  # noqa: S608
            [judgement.pk],
        )
    assert judgement.versions.get().rationale == "Zorgen over veiligheid thuis."


# --- Closed episodes are read-only --------------------------------------------------------------------


@pytest.fixture
def earlier_episode(region, case):
    """A judgement of the first episode of a case closed and reopened since."""
    judgement = judge(region, case, score=5)
    set_status(case, "afgesloten")
    case_reopen(actor=region.cvc_user, case=case, reason="Nieuwe melding", expected_version=case.version)
    return JointJudgement.objects.get(pk=judgement.pk)


def test_a_judgement_of_a_closed_episode_cannot_change_in_any_way(region, case, earlier_episode):
    judgement = earlier_episode
    with pytest.raises(ValidationError, match="afgesloten episode"):
        judgement_amend(actor=region.cvc_user, judgement=judgement, expected_version=1, reason="x", joint_score=2)
    with pytest.raises(ValidationError, match="afgesloten episode"):
        agreement_record(actor=region.vt_user, judgement=judgement)
    with pytest.raises(ValidationError, match="afgesloten episode"):
        dissent_record(actor=region.gi_user, judgement=judgement, reason="Te licht")
    with pytest.raises(ValidationError, match="afgesloten episode"):
        contribution_correct(
            actor=region.cvc_user,
            contribution=PartnerContribution.objects.get(),
            expected_version=1,
            reason="x",
            safety_score=1,
        )
    assert judgement.versions.count() == 1
    assert not Agreement.objects.exists() and not Dissent.objects.exists()


def test_a_judgement_of_a_closed_case_cannot_be_amended(region, case):
    judgement = judge(region, case, score=5)
    set_status(case, "afgesloten")
    with pytest.raises(ValidationError, match="afgesloten episode"):
        judgement_amend(actor=region.cvc_user, judgement=judgement, expected_version=1, reason="x", joint_score=2)


def test_a_closed_episodes_judgement_is_read_only_on_the_web_and_in_the_api(
    region, case, earlier_episode, login_verified, client
):
    judgement = earlier_episode
    login_verified(client, region.cvc_user)

    page = client.get(_round_url(case, judgement)).content.decode()
    refused_amend = client.post(_amend_url(case, judgement), {**AMENDMENT, "reason": "x"})
    refused_dissent = client.post(
        reverse("dissent-add", kwargs={"case_id": case.pk, "judgement_id": judgement.pk}),
        {"reason": "Te licht", "version": "1"},
    )
    api_amend = client.post(
        _api(case, judgement, "amendments"), {"joint_score": 2, "reason": "x", "version": 1}, "application/json"
    )
    api_agree = client.post(_api(case, judgement, "agreements"), {"version": 1}, "application/json")

    assert _amend_url(case, judgement) not in page and "afgesloten episode" in page
    assert 'action="/zaken/' not in page.split("Standpunten van de partners", 1)[1].split("Veiligheidsvoorwaarden")[0]
    assert refused_amend.status_code == refused_dissent.status_code == 403
    assert escape(str(JUDGEMENT_EPISODE_CLOSED)) in refused_amend.content.decode()
    assert api_amend.status_code == api_agree.status_code == 400
    assert api_amend.json() == {"non_field_errors": [str(JUDGEMENT_EPISODE_CLOSED)]}
    assert judgement.versions.count() == 1 and not Dissent.objects.exists() and not Agreement.objects.exists()


# --- Concurrent and repeated amendments ------------------------------------------------------------


def test_the_same_amendment_sent_twice_is_recorded_once(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    login_verified(client, region.cvc_user)
    url = _amend_url(case, judgement)
    data = {**form_data(client.get(url).content.decode()), "joint_score": "2", "reason": "Telfout"}

    first, second = client.post(url, data), client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302) and first.url == second.url
    assert str(AMENDMENT_ALREADY_RECORDED) in client.get(second.url).content.decode()
    assert judgement.versions.count() == 2
    assert case.timeline.filter(kind=EventKind.JUDGEMENT_AMENDED).count() == 1
    api_body = {"joint_score": 2, "reason": "Telfout", "version": 1}
    again = client.post(_api(case, judgement, "amendments"), api_body, content_type="application/json")
    assert again.status_code == 409 and again.json()["detail"] == str(AMENDMENT_ALREADY_RECORDED)
    assert again.json()["existing"]["version"] == 2 and judgement.versions.count() == 2


def test_a_stale_amendment_by_the_api_is_a_409_with_the_judgement_now(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    judgement_amend(actor=region.coordinator, judgement=judgement, expected_version=1, reason="Telfout", joint_score=3)
    login_verified(client, region.cvc_user)

    response = client.post(
        _api(case, judgement, "amendments"),
        {"joint_score": 8, "reason": "Veiliger", "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["changed_fields"] == ["joint_score"]
    assert response.json()["current"]["joint_score"] == 3 and response.json()["current"]["version"] == 2
    assert judgement.versions.count() == 2


def test_an_amendment_is_access_logged_as_a_change_of_the_case(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    login_verified(client, region.cvc_user)
    before = access_log_rows().order_by("-id").values_list("id", flat=True).first() or 0
    client.post(_amend_url(case, judgement), {**AMENDMENT, "reason": "Telfout"})
    rows = list(access_log_rows().filter(id__gt=before, case_id=case.pk).values_list("action", "outcome"))
    assert ("change", "allowed") in rows


# --- Standpoints: akkoord or dissent, per organisation, per version ----------------------------------


def test_each_organisation_registers_one_standpoint_per_version_and_a_new_version_asks_again(region, case):
    judgement = judge(region, case, score=5)
    agreement_record(actor=region.vt_user, judgement=judgement, expected_version=1)
    dissent_record(actor=region.gi_user, judgement=judgement, reason="Wij zien acute onveiligheid", expected_version=1)

    with pytest.raises(ValidationError) as twice:
        agreement_record(actor=region.vt_user, judgement=judgement, expected_version=1)
    assert twice.value.messages == [str(AGREEMENT_ALREADY_RECORDED % {"organisation": region.vt})]
    with pytest.raises(ValidationError, match="al akkoord"):  # akkoord and then dissent on one version: no
        dissent_record(actor=region.vt_user, judgement=judgement, reason="Toch niet", expected_version=1)
    with pytest.raises(ValidationError) as overwrite:
        agreement_record(actor=region.gi_user, judgement=judgement, expected_version=1)
    assert overwrite.value.messages == [str(DISSENT_ALREADY_RECORDED % {"organisation": region.gi})]

    first = standpoints_of(judgement)
    assert [a.organisation for a in first.agreements] == [region.vt]
    assert [(d.organisation, d.reason) for d in first.dissents] == [(region.gi, "Wij zien acute onveiligheid")]
    assert first.pending == [region.cvc]

    judgement_amend(actor=region.cvc_user, judgement=judgement, expected_version=1, reason="Bijgesteld", joint_score=2)
    judgement.refresh_from_db()
    second = standpoints_of(judgement)
    assert second.version == 2 and second.agreements == [] and second.dissents == []
    assert set(second.pending) == {region.cvc, region.vt, region.gi}
    assert [d.reason for d in second.earlier_dissents] == ["Wij zien acute onveiligheid"]  # stays on record

    dissent_record(actor=region.vt_user, judgement=judgement, reason="Nu te zwaar", expected_version=2)
    assert [d.organisation for d in standpoints_of(judgement).dissents] == [region.vt]
    assert Agreement.objects.filter(organisation=region.vt).get().version.number == 1


def test_a_standpoint_on_a_version_amended_in_the_meantime_is_refused_as_a_conflict(
    region, case, login_verified, client
):
    judgement = judge(region, case, score=5)
    login_verified(client, region.vt_user)
    page = client.get(_round_url(case, judgement)).content.decode()
    judgement_amend(actor=region.cvc_user, judgement=judgement, expected_version=1, reason="Bijgesteld", joint_score=2)

    agree_url = reverse("agreement-add", kwargs={"case_id": case.pk, "judgement_id": judgement.pk})
    assert f'action="{agree_url}"' in page
    web = client.post(agree_url, {"version": "1"})
    api = client.post(_api(case, judgement, "agreements"), {"version": 1}, content_type="application/json")

    assert web.status_code == 409 and "Gezamenlijke veiligheidsscore" in web.content.decode()
    assert form_data(web.content.decode())["version"] == "2"
    assert api.status_code == 409 and api.json()["current"]["version"] == 2
    assert not Agreement.objects.exists()
    assert client.post(agree_url, {"version": "2"}).status_code == 302
    assert Agreement.objects.get().version.number == 2


def test_agreement_and_dissent_by_the_api_answer_the_standpoint_and_a_second_one_is_409(
    region, case, login_verified, client
):
    judgement = judge(region, case, score=5)
    login_verified(client, region.gi_user)
    url = _api(case, judgement, "dissents")

    first = client.post(url, {"reason": "Te licht", "version": 1}, content_type="application/json")
    second = client.post(url, {"reason": "Te licht", "version": 1}, content_type="application/json")

    assert first.status_code == 201
    assert (first.json()["organisation"], first.json()["version"], first.json()["reason"]) == (
        region.gi.pk,
        1,
        "Te licht",
    )
    assert second.status_code == 409 and second.json()["existing"] == first.json()
    detail = client.get(f"/api/v1/cases/{case.pk}/judgements/{judgement.pk}/").json()
    assert [d["reason"] for d in detail["dissents"]] == ["Te licht"] and detail["agreements"] == []


def test_dissent_is_its_own_timeline_event_carrying_judgement_organisation_and_user(region, case):
    judgement = judge(region, case, score=5)
    dissent = dissent_record(actor=region.gi_user, judgement=judgement, reason="Te licht")
    agreement_record(actor=region.vt_user, judgement=judgement)

    event = case.timeline.get(kind=EventKind.DISSENT_RECORDED)
    assert (event.actor, event.organisation) == (region.gi_user, region.gi)
    assert event.data == {
        "assessment_id": judgement.assessment_id,
        "judgement_id": judgement.pk,
        "version": 1,
        "dissent_id": dissent.pk,
        "organisation_id": region.gi.pk,
        "user_id": region.gi_user.pk,
    }
    agreed = case.timeline.get(kind=EventKind.AGREEMENT_RECORDED)
    assert (agreed.organisation, agreed.data["judgement_id"], agreed.data["version"]) == (region.vt, judgement.pk, 1)
    assert not case.timeline.filter(kind=EventKind.CASE_CHANGED).exists()


def test_dissent_recorded_with_the_judgement_is_a_timeline_event_too(region, case):
    from cases.assessments.services import assessment_start, judgement_record

    assessment = assessment_start(actor=region.cvc_user, case=case)
    judgement_record(
        actor=region.cvc_user,
        assessment=assessment,
        classification="structureel",
        joint_score=5,
        rationale="In het overleg",
        dissents=[(region.gi, "Wij zien acute onveiligheid")],
    )
    event = case.timeline.get(kind=EventKind.DISSENT_RECORDED)
    assert (event.organisation, event.data["organisation_id"], event.data["version"]) == (region.gi, region.gi.pk, 1)


def test_dissent_is_visible_on_the_case_page_and_on_the_round_page(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    dissent_record(actor=region.gi_user, judgement=judgement, reason="Wij zien acute onveiligheid")
    agreement_record(actor=region.vt_user, judgement=judgement)
    login_verified(client, region.cvc_user)

    case_page = client.get(reverse("case-detail", kwargs={"case_id": case.pk})).content.decode()
    round_page = client.get(_round_url(case, judgement)).content.decode()

    assert "Afwijkende standpunten" in case_page and "Wij zien acute onveiligheid" in case_page
    assert escape(region.gi.name) in case_page.split("Afwijkende standpunten", 1)[1]
    assert "afwijkend standpunt vastgelegd" in case_page  # its own line on the timeline
    standpoints = round_page.split("Standpunten van de partners over versie 1", 1)[1]
    assert "Wij zien acute onveiligheid" in standpoints and escape(region.vt.name) in standpoints
    assert escape(region.cvc.name) in standpoints.split("Nog geen standpunt", 1)[1]


def test_the_case_page_shows_dissent_only_on_the_judgement_in_force(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    dissent_record(actor=region.gi_user, judgement=judgement, reason="Oud bezwaar")
    judgement_amend(actor=region.cvc_user, judgement=judgement, expected_version=1, reason="Bijgesteld", joint_score=2)
    login_verified(client, region.cvc_user)
    page = client.get(reverse("case-detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="dissent-title"' not in page  # no dissent section: the dissent was on version 1
    assert "<strong>afwijkend standpunt vastgelegd</strong>: Oud bezwaar" in page  # it stays on the timeline
    assert dissent_for_cases([case.pk]) == {}


def test_dissent_for_cases_gives_the_latest_judgements_dissent_per_case_in_one_query(region, django_assert_num_queries):
    cases = [open_case(region, family_name=f"Gezin {n}") for n in range(3)]
    older = judge(region, cases[0], score=3)
    dissent_record(actor=region.gi_user, judgement=older, reason="Over de eerste ronde")
    latest = judge(region, cases[0], score=4)
    dissent_record(actor=region.vt_user, judgement=latest, reason="Over de laatste ronde")
    other = judge(region, cases[1], score=6)
    dissent_record(actor=region.gi_user, judgement=other, reason="Te licht")
    judge(region, cases[2])

    with django_assert_num_queries(1):
        found = dissent_for_cases(c.pk for c in cases)
        lines = {
            case_id: [(d.organisation.name, d.reason, d.judgement.pk) for d in rows] for case_id, rows in found.items()
        }

    assert lines == {
        cases[0].pk: [(region.vt.name, "Over de laatste ronde", latest.pk)],
        cases[1].pk: [(region.gi.name, "Te licht", other.pk)],
    }


# --- Contribution corrections ----------------------------------------------------------------------


def test_the_author_corrects_a_contribution_and_the_original_stays(region, case, login_verified, client):
    judge(region, case, score=5)
    contribution = PartnerContribution.objects.get()
    url = reverse("contribution-correct", kwargs={"case_id": case.pk, "contribution_id": contribution.pk})
    login_verified(client, region.cvc_user)
    data = {**form_data(client.get(url).content.decode()), "safety_score": "3", "reason": "Verkeerde score genoteerd"}

    assert client.post(url, data).status_code == 302

    contribution.refresh_from_db()
    assert (contribution.safety_score, contribution.version) == (3, 2)
    versions = list(contribution.versions.order_by("number").values_list("number", "safety_score", "reason"))
    assert versions == [(1, 5, ""), (2, 3, "Verkeerde score genoteerd")]
    event = case.timeline.get(kind=EventKind.CONTRIBUTION_CORRECTED)
    assert (event.actor, event.data["contribution_id"], event.data["score"]) == (region.cvc_user, contribution.pk, 3)
    page = client.get(reverse("assessment-detail", args=[case.pk, contribution.assessment_id])).content.decode()
    name = escape(region.cvc_user.get_full_name() or region.cvc_user.username)
    assert "gecorrigeerd op " in page and f"door {name} — Verkeerde score genoteerd" in page
    assert "oorspronkelijk vastgelegd op " in page


def test_the_same_correction_sent_twice_is_recorded_once(region, case, login_verified, client):
    judge(region, case, score=5)
    contribution = PartnerContribution.objects.get()
    url = reverse("contribution-correct", kwargs={"case_id": case.pk, "contribution_id": contribution.pk})
    login_verified(client, region.cvc_user)
    data = {**form_data(client.get(url).content.decode()), "safety_score": "3", "reason": "Verkeerde score"}

    first, second = client.post(url, data), client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert contribution.versions.count() == 2
    assert case.timeline.filter(kind=EventKind.CONTRIBUTION_CORRECTED).count() == 1


def test_only_the_author_may_correct_a_contribution(region, case, login_verified, client):
    judge(region, case, score=5)
    contribution = PartnerContribution.objects.get()
    with pytest.raises(PermissionDenied):
        contribution_correct(
            actor=region.coordinator, contribution=contribution, expected_version=1, reason="x", safety_score=1
        )
    url = reverse("contribution-correct", kwargs={"case_id": case.pk, "contribution_id": contribution.pk})
    login_verified(client, region.vt_user)
    web = client.post(url, {"safety_score": "1", "classification": "acute", "reason": "x", "version": "1"})
    api = client.post(
        f"/api/v1/cases/{case.pk}/contributions/{contribution.pk}/corrections/",
        {"safety_score": 1, "reason": "x", "version": 1},
        content_type="application/json",
    )
    assert web.status_code == 403 and escape(str(CORRECT_ONLY_AUTHOR)) in web.content.decode()
    assert api.status_code == 400 and api.json() == {"non_field_errors": [str(CORRECT_ONLY_AUTHOR)]}
    assert contribution.versions.count() == 1 and PartnerContribution.objects.get().safety_score == 5


def test_a_contribution_correction_by_the_api_answers_every_version(region, case, login_verified, client):
    judge(region, case, score=5)
    contribution = PartnerContribution.objects.get()
    login_verified(client, region.cvc_user)
    url = f"/api/v1/cases/{case.pk}/contributions/{contribution.pk}/corrections/"

    response = client.post(
        url, {"worries": "Ook zorgen over oma", "reason": "Aangevuld", "version": 1}, content_type="application/json"
    )
    stale = client.post(url, {"worries": "Anders", "reason": "Anders", "version": 1}, content_type="application/json")

    assert response.status_code == 201
    assert [(v["number"], v["worries"]) for v in response.json()["versions"]] == [(1, ""), (2, "Ook zorgen over oma")]
    assert stale.status_code == 409 and stale.json()["current"]["worries"] == "Ook zorgen over oma"


# --- The round page's queries do not grow with versions and standpoints ------------------------------


ROUND_PAGE_QUERIES = 17


def test_the_round_page_has_a_fixed_query_count_whatever_the_versions_and_standpoints(
    region, case, login_verified, client, django_assert_num_queries
):
    judgement = judge(region, case, score=5)
    login_verified(client, region.vt_user)
    url = _round_url(case, judgement)
    client.get(url)  # warm the per-process caches (content types, permissions)

    with django_assert_num_queries(ROUND_PAGE_QUERIES):
        assert client.get(url).status_code == 200

    for number, score in enumerate((4, 3, 2), start=1):
        judgement_amend(
            actor=region.cvc_user,
            judgement=judgement,
            expected_version=number,
            reason=f"Ronde {number}",
            joint_score=score,
        )
    judgement.refresh_from_db()
    dissent_record(actor=region.gi_user, judgement=judgement, reason="Te licht")
    agreement_record(actor=region.cvc_user, judgement=judgement)
    contribution = PartnerContribution.objects.get()
    for number in (1, 2):
        contribution_correct(
            actor=region.cvc_user,
            contribution=contribution,
            expected_version=number,
            reason="Bijgewerkt",
            safety_score=number,
        )

    with django_assert_num_queries(ROUND_PAGE_QUERIES):
        body = client.get(url).content.decode()
    assert body.count("gewijzigd op ") == 3 and body.count("gecorrigeerd op ") == 2 and "Te licht" in body
