import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.assessments.amendments import AMENDMENT_CHANGES_NOTHING, judgement_amend
from cases.assessments.models import ConditionStatus, Dissent, JointJudgement, PartnerContribution
from cases.assessments.selectors import score_trajectory
from cases.assessments.services import (
    assessment_start,
    condition_agree,
    condition_check,
    contribution_add,
    dissent_record,
    judgement_record,
)
from cases.models import EventKind
from cases.services import participant_end
from cases.versioning import VERSION_REQUIRED
from tests.factories import MembershipFactory
from tests.html_forms import form_data
from tests.world import in_days, judge, make_region, open_case


@pytest.fixture
def case(region):
    return open_case(region)


def test_each_partner_contributes_once_per_round_for_its_acting_organisation(region, case):
    assessment = assessment_start(actor=region.cvc_user, case=case)
    contribution = contribution_add(
        actor=region.vt_user,
        assessment=assessment,
        safety_score=3,
        classification="structureel",
        worries="Huiselijk geweld",
        arij_outcome="Onveilig",
        risk_level="hoog",
    )
    assert contribution.organisation == region.vt and contribution.author == region.vt_user
    event = case.timeline.get(kind=EventKind.CONTRIBUTION_ADDED)
    assert event.data["score"] == 3 and event.data["organisation_kind"] == "veilig_thuis"
    with pytest.raises(ValidationError, match="al bijgedragen"):
        contribution_add(actor=region.vt_user, assessment=assessment, safety_score=5, classification="geen")
    assert PartnerContribution.objects.filter(assessment=assessment).count() == 1


def test_someone_not_working_on_the_case_cannot_contribute(region, case):
    assessment = assessment_start(actor=region.cvc_user, case=case)
    outsider = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        contribution_add(actor=outsider, assessment=assessment, safety_score=5, classification="geen")


@pytest.mark.parametrize("score", [-1, 11, 100, "7", None])
def test_a_contribution_score_outside_0_to_10_is_refused_and_nothing_saved(region, case, score):
    assessment = assessment_start(actor=region.cvc_user, case=case)
    with pytest.raises(ValidationError) as refusal:
        contribution_add(actor=region.cvc_user, assessment=assessment, safety_score=score, classification="geen")
    assert refusal.value.message_dict == {
        "safety_score": ["De veiligheidsscore moet een geheel getal van 0 tot en met 10 zijn."]
    }
    assert not PartnerContribution.objects.exists()
    assert not case.timeline.filter(kind=EventKind.CONTRIBUTION_ADDED).exists()


def test_a_joint_score_outside_0_to_10_is_refused_and_nothing_saved(region, case):
    assessment = assessment_start(actor=region.cvc_user, case=case)
    with pytest.raises(ValidationError) as refusal:
        judgement_record(
            actor=region.cvc_user, assessment=assessment, classification="acute", joint_score=11, rationale="x"
        )
    assert "joint_score" in refusal.value.message_dict
    assert not JointJudgement.objects.exists()


def test_the_joint_judgement_records_the_familys_voice_and_completes_the_round(region, case):
    assessment = assessment_start(actor=region.cvc_user, case=case)
    judgement = judgement_record(
        actor=region.cvc_user,
        assessment=assessment,
        classification="structureel",
        joint_score=4,
        rationale="Spanningen thuis",
        parents_view="Moeder wil hulp",
        children_view="Zoon is bang voor vader",
        parents_present=True,
        children_present=False,
    )
    judgement.refresh_from_db()
    assert (judgement.parents_view, judgement.parents_present, judgement.children_present) == (
        "Moeder wil hulp",
        True,
        False,
    )
    event = case.timeline.get(kind=EventKind.JUDGEMENT_RECORDED)
    assert event.data == {
        "assessment_id": assessment.pk,
        "judgement_id": judgement.pk,
        "joint_score": 4,
        "classification": "structureel",
        "confidentiality": "gedeeld",
    }
    with pytest.raises(ValidationError, match="start een nieuwe ronde"):
        contribution_add(actor=region.vt_user, assessment=assessment, safety_score=5, classification="geen")


def test_dissent_stays_recorded_after_later_amendments(region, case):
    assessment = assessment_start(actor=region.cvc_user, case=case)
    judgement = judgement_record(
        actor=region.cvc_user,
        assessment=assessment,
        classification="structureel",
        joint_score=5,
        rationale="Eerste oordeel",
        dissents=[(region.gi, "Wij zien acute onveiligheid")],
    )
    dissent_record(actor=region.vt_user, judgement=judgement, reason="Score is te hoog")
    with pytest.raises(ValidationError, match="al vastgelegd"):
        dissent_record(actor=region.cvc_user, judgement=judgement, organisation=region.vt, reason="Overschreven")
    judgement_amend(
        actor=region.cvc_user,
        judgement=judgement,
        expected_version=judgement.version,
        reason="Nieuwe informatie van school",
        joint_score=3,
        rationale="Bijgesteld na nieuwe informatie",
    )
    judgement_amend(
        actor=region.coordinator,
        judgement=judgement,
        expected_version=judgement.version,
        reason="Besproken in het overleg",
        classification="acute",
    )

    dissents = {d.organisation_id: (d.reason, d.version.number) for d in Dissent.objects.filter(judgement=judgement)}
    assert dissents == {region.gi.pk: ("Wij zien acute onveiligheid", 1), region.vt.pk: ("Score is te hoog", 1)}
    assert Dissent.objects.get(organisation=region.vt).recorded_by == region.vt_user


def test_the_joint_judgements_versions_show_who_changed_what_and_why(region, case):
    judgement = judge(region, case, score=5)
    judgement_amend(actor=region.cvc_user, judgement=judgement, expected_version=1, reason="Telfout", joint_score=3)
    judgement_amend(
        actor=region.coordinator,
        judgement=judgement,
        expected_version=2,
        reason="Aangevuld in het overleg",
        rationale="Nieuwe onderbouwing",
    )

    versions = judgement.versions.order_by("number")
    assert [(v.number, v.recorded_by, v.joint_score, v.rationale, v.reason) for v in versions] == [
        (1, region.cvc_user, 5, "Zorgen over veiligheid thuis.", ""),
        (2, region.cvc_user, 3, "Zorgen over veiligheid thuis.", "Telfout"),
        (3, region.coordinator, 3, "Nieuwe onderbouwing", "Aangevuld in het overleg"),
    ]
    judgement.refresh_from_db()
    assert (judgement.version, judgement.joint_score, judgement.rationale) == (3, 3, "Nieuwe onderbouwing")
    assert judgement.recorded_by == region.cvc_user  # the first recording stays credited as such
    amended = case.timeline.filter(kind=EventKind.JUDGEMENT_AMENDED).order_by("id")
    assert [(e.actor, e.data["version"], e.data["fields"]) for e in amended] == [
        (region.cvc_user, 2, ["joint_score"]),
        (region.coordinator, 3, ["rationale"]),
    ]
    assert case.timeline.filter(kind=EventKind.JUDGEMENT_RECORDED).count() == 1


def test_a_stale_judgement_amendment_is_refused(region, case):
    judgement = judge(region, case, score=5)
    stale_version = judgement.version
    judgement_amend(
        actor=region.coordinator,
        judgement=judgement,
        expected_version=stale_version,
        reason="Bijgesteld",
        joint_score=3,
    )
    with pytest.raises(ValidationError, match="intussen gewijzigd"):
        judgement_amend(
            actor=region.cvc_user, judgement=judgement, expected_version=stale_version, reason="Anders", joint_score=8
        )
    assert JointJudgement.objects.get(pk=judgement.pk).joint_score == 3
    assert judgement.versions.count() == 2


def test_repeated_assessments_form_the_score_trajectory(region, case):
    for score in (2, 4, 7):
        judge(region, case, score=score)
    assert [point.score for point in score_trajectory(case)] == [2, 4, 7]


def test_a_condition_owner_must_take_part_in_the_case(region, case):
    judgement = judge(region, case)
    participant_end(actor=region.cvc_user, participant=case.participants.get(organisation=region.gi))
    with pytest.raises(ValidationError) as refusal:
        condition_agree(
            actor=region.cvc_user,
            judgement=judgement,
            description="Dagelijks contact school",
            owner_organisation=region.gi,
            owner=region.gi_user,
            check_date=in_days(7),
        )
    assert refusal.value.message_dict == {"owner_organisation": ["Deze organisatie is niet betrokken bij de casus."]}
    assert not case.veiligheidsvoorwaarden.exists()


def test_a_condition_check_date_in_the_past_is_refused(region, case):
    judgement = judge(region, case)
    with pytest.raises(ValidationError) as refusal:
        condition_agree(
            actor=region.cvc_user,
            judgement=judgement,
            description="x",
            owner_organisation=region.vt,
            owner=region.vt_user,
            check_date=in_days(-1),
        )
    assert "check_date" in refusal.value.message_dict


def test_checking_a_condition_records_met_or_not_met_once(region, case):
    judgement = judge(region, case)
    condition = condition_agree(
        actor=region.cvc_user,
        judgement=judgement,
        description="Vader woont elders",
        owner_organisation=region.vt,
        owner=region.vt_user,
        check_date=in_days(14),
    )
    agreed = case.timeline.get(kind=EventKind.CONDITION_AGREED)
    assert agreed.data["condition_id"] == condition.pk
    condition_check(actor=region.vt_user, condition=condition, met=True, expected_version=condition.version)
    condition.refresh_from_db()
    assert condition.status == ConditionStatus.MET and condition.checked_at is not None
    checked = case.timeline.get(kind=EventKind.CONDITION_CHECKED)
    assert checked.data == {"condition_id": condition.pk, "status": "met"}
    with pytest.raises(ValidationError, match="al gecontroleerd"):
        condition_check(actor=region.vt_user, condition=condition, met=False, expected_version=condition.version)


def test_the_case_page_shows_the_score_trajectory_as_an_accessible_svg(region, case, login_verified, client):
    for score in (2, 6):
        judge(region, case, score=score)
    login_verified(client, region.cvc_user)
    body = client.get(reverse("case-detail", kwargs={"case_id": case.pk})).content.decode()
    assert "<svg" in body and 'role="img"' in body and "<polyline" in body
    assert body.count('class="score-dot"') == 2
    assert "Verloop van de gezamenlijke veiligheidsscore" in body and '<table class="table score-table">' in body


def test_a_score_outside_0_to_10_on_the_web_form_is_refused_naming_the_field(region, case, login_verified, client):
    assessment = assessment_start(actor=region.cvc_user, case=case)
    login_verified(client, region.vt_user)
    url = reverse("contribution-add", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
    response = client.post(url, {"safety_score": "11", "classification": "geen"})
    assert response.status_code == 400
    assert "Veiligheidsscore (0–10): De veiligheidsscore moet een geheel getal van 0 tot en met 10 zijn." in (
        response.content.decode()
    )
    assert not PartnerContribution.objects.exists()
    assert client.post(url, {"safety_score": "6", "classification": "geen"}).status_code == 302
    assert PartnerContribution.objects.get().organisation == region.vt


def test_assessment_pages_of_a_foreign_case_answer_404(region, case, login_verified, client):
    assessment = assessment_start(actor=region.cvc_user, case=case)
    login_verified(client, make_region().cvc_user)
    assert client.get(reverse("assessment-list", kwargs={"case_id": case.pk})).status_code == 404
    url = reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
    assert client.get(url).status_code == 404
    other = open_case(make_region())
    login_verified(client, region.cvc_user)
    # An assessment id of this case under another case's id is just as unknown.
    assert (
        client.get(
            reverse("assessment-detail", kwargs={"case_id": other.pk, "assessment_id": assessment.pk})
        ).status_code
        == 404
    )


def test_a_stale_judgement_amendment_on_the_web_answers_409(region, case, login_verified, client):
    judgement = judge(region, case, score=5)
    url = reverse("judgement-amend", kwargs={"case_id": case.pk, "judgement_id": judgement.pk})
    judgement_amend(actor=region.coordinator, judgement=judgement, expected_version=1, reason="Telfout", joint_score=3)
    login_verified(client, region.cvc_user)
    response = client.post(
        url,
        {"classification": "geen", "joint_score": "9", "rationale": "Alles goed", "reason": "Beter", "version": "1"},
    )
    assert response.status_code == 409
    assert JointJudgement.objects.get(pk=judgement.pk).joint_score == 3


def _stale_judgement_amendment(region, case, login_verified, client):
    """The coordinator and the recorder (the CVC professional) open the amendment form; the coordinator
    saves a new score first, then the recorder sends a new rationale on the stale form. Returns the
    recorder's client, the url and the answer."""
    from django.test import Client

    judgement = judge(region, case, score=5)
    url = reverse("judgement-amend", kwargs={"case_id": case.pk, "judgement_id": judgement.pk})
    first = Client()
    login_verified(first, region.coordinator)
    login_verified(client, region.cvc_user)
    loaded = form_data(client.get(url).content.decode())
    colleague = {**form_data(first.get(url).content.decode()), "joint_score": "3", "reason": "Telfout"}
    assert first.post(url, colleague).status_code == 302
    return client, url, client.post(url, {**loaded, "rationale": "Alles goed", "reason": "Herzien"})


def test_a_stale_judgement_amendment_shows_both_versions_and_the_reshown_form_holds_the_colleagues(
    region, case, login_verified, client
):
    client, url, response = _stale_judgement_amendment(region, case, login_verified, client)

    assert response.status_code == 409
    body = response.content.decode()
    assert "gewijzigd (Gezamenlijke veiligheidsscore (0–10))" in body
    assert re.search(
        r"Gezamenlijke veiligheidsscore \(0–10\) <span class=\"tag\">gewijzigd door een collega</span>"
        r"</th>\s*<td>3</td>\s*<td>5</td>",
        body,
    )
    assert re.search(r"Onderbouwing</th>\s*<td>Zorgen over veiligheid thuis.</td>\s*<td>Alles goed</td>", body)
    reshown = form_data(body)
    assert (reshown["joint_score"], reshown["rationale"], reshown["version"]) == (
        "3",
        "Zorgen over veiligheid thuis.",
        "2",
    )

    # Sent as it is shown, it is the judgement in force: no new version.
    unchanged = client.post(url, {**reshown, "reason": "Toch niet"})
    assert unchanged.status_code == 400 and str(AMENDMENT_CHANGES_NOTHING) in unchanged.content.decode()
    judgement = JointJudgement.objects.get()
    assert (judgement.joint_score, judgement.rationale, judgement.version) == (3, "Zorgen over veiligheid thuis.", 2)


def test_a_reviewed_judgement_conflict_saves_the_value_entered_again(region, case, login_verified, client):
    client, url, response = _stale_judgement_amendment(region, case, login_verified, client)

    again = {**form_data(response.content.decode()), "rationale": "Alles goed", "reason": "Herzien"}
    assert client.post(url, again).status_code == 302
    judgement = JointJudgement.objects.get()
    assert (judgement.joint_score, judgement.rationale, judgement.version) == (3, "Alles goed", 3)
    assert list(judgement.versions.values_list("number", "joint_score", "reason")) == [
        (1, 5, ""),
        (2, 3, "Telfout"),
        (3, 3, "Herzien"),
    ]


@pytest.mark.parametrize("version", [None, "twee"])
def test_a_judgement_amendment_without_a_usable_version_is_refused_and_nothing_changes(
    region, case, login_verified, client, version
):
    judgement = judge(region, case, score=5)
    url = reverse("judgement-amend", kwargs={"case_id": case.pk, "judgement_id": judgement.pk})
    login_verified(client, region.cvc_user)
    data = {"classification": "geen", "joint_score": "9", "rationale": "Alles goed", "reason": "Beter"}
    response = client.post(url, data if version is None else {**data, "version": version})
    assert response.status_code == 400 and str(VERSION_REQUIRED) in response.content.decode()
    assert JointJudgement.objects.values_list("joint_score", "version").get() == (5, 1)


def test_the_round_page_shows_contributions_judgement_and_dissent(region, case, login_verified, client):
    judgement = judge(region, case, score=4)
    dissent_record(actor=region.gi_user, judgement=judgement, reason="Wij zien acute onveiligheid")
    login_verified(client, region.vt_user)
    assert client.get(reverse("assessment-list", kwargs={"case_id": case.pk})).status_code == 200
    url = reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": judgement.assessment_id})
    body = client.get(url).content.decode()
    assert "Zorgen over veiligheid thuis." in body and "Wij zien acute onveiligheid" in body
