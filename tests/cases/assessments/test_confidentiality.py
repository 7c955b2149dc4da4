"""Confidentiality below the case for the assessment (issue 17): a partner contribution and the joint
judgement's texts are read by their class; everyone else on the case learns "dat, niet wat" (who,
when, which organisation), on the round page, the list, the API, the meeting view, the minutes and
their PDF, the notifications and e-mails and the .ics feeds. Unique markers in the texts show where
content went."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.assessments.amendments import AMEND_TEXTS_NOT_READABLE, contribution_correct, judgement_amend
from cases.assessments.models import JointJudgement, PartnerContribution
from cases.assessments.services import assessment_start, contribution_add, dissent_record, judgement_record
from cases.confidentiality import CLASS_UNKNOWN, MELDER_VT_ONLY, NOT_READABLE
from cases.models import Confidentiality, TimelineEvent
from cases.services import participant_add
from tests.factories import MembershipFactory, UserFactory
from tests.workflows.meetings.test_minutes import pdf_text
from tests.world import MEMBERS_SINCE, basis, in_days, open_case
from workflows.deadlines.inbox import calendar_feed_create
from workflows.deadlines.models import Notification
from workflows.deadlines.notifications import notification_email_send
from workflows.meetings.services import agenda_add, meeting_close, meeting_schedule

CLASSES = [Confidentiality.GEDEELD, Confidentiality.EIGEN_ORGANISATIE, Confidentiality.MELDER]


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.REMINDER_DISPATCH = False
    settings.SITE_URL = "https://veiligheidsteam.example.org/"


def _marks(cls: str) -> dict[str, str]:
    tag = {"gedeeld": "GED", "eigen_organisatie": "EIG", "melder": "MEL"}[cls]
    names = ("worries", "worries2", "strengths", "arij", "correction", "rationale", "rationale2", "parents", "amend")
    return {name: f"Mk{tag}{name}Q7" for name in names}


def _colleague(region, case):
    """A second Veilig Thuis professional on the case: the author's colleague."""
    colleague = MembershipFactory(
        team=region.team, organisation=region.vt, user=UserFactory(), start_date=MEMBERS_SINCE
    ).user
    participant_add(
        actor=region.cvc_user,
        case=case,
        organisation=region.vt,
        professional=colleague,
        role="onderzoeker",
        **basis("wmo-2015-4-1-1"),
    )
    return colleague


def _written(region, cls: str):
    """A VT author writes a contribution and corrects it, records the joint judgement and amends it, all
    in `cls`; the GI dissents; the case is put on a meeting's agenda."""
    m = _marks(cls)
    case = open_case(region)
    colleague = _colleague(region, case)
    assessment = assessment_start(actor=region.vt_user, case=case)
    contribution = contribution_add(
        actor=region.vt_user,
        assessment=assessment,
        safety_score=3,
        classification="structureel",
        worries=m["worries"],
        strengths=m["strengths"],
        arij_outcome=m["arij"],
        confidentiality=cls,
    )
    contribution_correct(
        actor=region.vt_user,
        contribution=contribution,
        expected_version=1,
        reason=m["correction"],
        worries=m["worries2"],
    )
    judgement = judgement_record(
        actor=region.vt_user,
        assessment=assessment,
        classification="structureel",
        joint_score=4,
        rationale=m["rationale"],
        parents_view=m["parents"],
        confidentiality=cls,
    )
    judgement_amend(
        actor=region.vt_user, judgement=judgement, expected_version=1, reason=m["amend"], rationale=m["rationale2"]
    )
    dissent_record(actor=region.gi_user, judgement=judgement, reason="Wij zien het anders.", expected_version=2)
    at = timezone.make_aware(datetime.combine(in_days(1), time(9, 0)))
    meeting = meeting_schedule(
        actor=region.coordinator, team=region.team, scheduled_at=at, chair=region.cvc_user, location="Zaal 1"
    )
    agenda_add(actor=region.coordinator, meeting=meeting, case=case)
    return case, colleague, judgement, meeting, m


def _client(login_verified, user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _pages(client, case, judgement, meeting) -> dict[str, str]:
    urls = {
        "round page": reverse(
            "assessment-detail", kwargs={"case_id": case.pk, "assessment_id": judgement.assessment_id}
        ),
        "round list": reverse("assessment-list", kwargs={"case_id": case.pk}),
        "api rounds": f"/api/v1/cases/{case.pk}/assessments/",
        "api judgement": f"/api/v1/cases/{case.pk}/judgements/{judgement.pk}/",
        "meeting view": reverse("meeting-detail", kwargs={"meeting_id": meeting.pk}),
    }
    bodies = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        bodies[name] = response.content.decode()
    return bodies


def _minutes(client, meeting) -> dict[str, str]:
    page = client.get(reverse("meeting-minutes", kwargs={"meeting_id": meeting.pk}))
    pdf = client.get(reverse("meeting-minutes-pdf", kwargs={"meeting_id": meeting.pk}))
    assert page.status_code == 200 and pdf.status_code == 200
    return {"minutes": page.content.decode(), "minutes pdf": pdf_text(pdf.content)}


def _content_marks(m: dict[str, str]) -> list[str]:
    return [m[name] for name in ("worries2", "strengths", "arij", "correction", "rationale2", "parents", "amend")]


@pytest.mark.parametrize("cls", CLASSES)
def test_each_reader_sees_the_content_only_where_its_class_allows_and_that_it_exists_elsewhere(
    region, login_verified, cls
):
    case, colleague, judgement, meeting, m = _written(region, cls)
    shared = cls == Confidentiality.GEDEELD
    readers = {
        "author": (region.vt_user, True),
        "colleague": (colleague, True),
        "other partner": (region.gi_user, shared),
        "coordinator": (region.coordinator, shared),
    }
    for who, (user, allowed) in readers.items():
        client = _client(login_verified, user)
        bodies = _pages(client, case, judgement, meeting)
        shown_on = {
            "round page": _content_marks(m),
            "api rounds": [m["worries2"], m["strengths"], m["arij"], m["rationale2"], m["parents"]],
            "api judgement": [m["rationale2"], m["parents"], m["amend"], m["rationale"]],
        }
        for page, marks in shown_on.items():
            for mark in marks:
                assert (mark in bodies[page]) is allowed, (who, page, mark)
        assert not any(mark in bodies["round list"] for mark in m.values())  # the list: score and classification
        if not allowed:  # "dat, niet wat": who, when and which organisation
            assert escape(str(NOT_READABLE)) in bodies["round page"]
            assert region.vt.name in bodies["round page"] and str(region.vt_user) in bodies["round page"]
            [contribution] = client.get(f"/api/v1/cases/{case.pk}/assessments/").json()["results"][0]["contributions"]
            assert contribution["readable"] is False and contribution["worries"] is None
            assert contribution["safety_score"] is None and contribution["organisation"] == region.vt.pk
            api_judgement = client.get(f"/api/v1/cases/{case.pk}/judgements/{judgement.pk}/").json()
            assert (api_judgement["rationale"], api_judgement["parents_view"]) == (None, None)
            assert (api_judgement["joint_score"], api_judgement["classification"]) == (4, "structureel")
            assert api_judgement["organisation"] == region.vt.pk and api_judgement["readable"] is False
            assert all(v["rationale"] is None and v["reason"] is None for v in api_judgement["versions"])
        # The meeting view shows the team's decision only; the minutes are read by all: gedeeld only.
        assert not any(mark in bodies["meeting view"] for mark in _content_marks(m)), who
        assert "score 4" in bodies["meeting view"]
        for name, body in _minutes(client, meeting).items():
            assert (m["rationale2"] in body) is shared, (who, name)
            assert (m["parents"] in body) is shared, (who, name)
            assert region.vt.name in body
    # The meeting view shows the team's decision: the judgement's texts are not even selected.
    with CaptureQueriesContext(connection) as queries:
        _client(login_verified, region.cvc_user).get(reverse("meeting-detail", kwargs={"meeting_id": meeting.pk}))
    assert not any('"cases_jointjudgement"."rationale"' in q["sql"] for q in queries.captured_queries)
    meeting_close(actor=region.cvc_user, meeting=meeting, expected_version=None)
    for user in (region.vt_user, colleague, region.gi_user):
        for name, body in _minutes(_client(login_verified, user), meeting).items():
            assert (m["rationale2"] in body) is shared, name
            assert not any(mark in body for mark in (m["worries2"], m["strengths"], m["correction"], m["amend"]))


@pytest.mark.parametrize("cls", CLASSES)
def test_notifications_e_mails_the_timeline_and_the_ics_feeds_never_quote_content(region, client, cls):
    case, colleague, judgement, meeting, m = _written(region, cls)
    notifications = Notification.objects.filter(case=case)
    assert notifications.exists()
    for notification in notifications:
        notification_email_send(notification_id=notification.pk)
    assert mail.outbox
    texts = [n.title for n in notifications] + [f"{e.subject}\n{e.body}" for e in mail.outbox]
    for user in (region.vt_user, colleague, region.gi_user, region.coordinator):
        texts.append(client.get(f"/termijnen/agenda/{calendar_feed_create(user=user)}.ics").content.decode())
    assert not any(mark in text for text in texts for mark in m.values())
    # The timeline (read by all on the case) quotes a correction's or amendment's reason only when gedeeld.
    summaries = " ".join(TimelineEvent.objects.filter(case=case).values_list("summary", flat=True))
    assert (m["correction"] in summaries) is (cls == Confidentiality.GEDEELD)
    assert (m["amend"] in summaries) is (cls == Confidentiality.GEDEELD)


# --- Writing a class ------------------------------------------------------------------------------


def test_the_judgement_keeps_the_recorders_organisation_and_each_version_its_class(region):
    case = open_case(region)
    assessment = assessment_start(actor=region.vt_user, case=case)
    judgement = judgement_record(
        actor=region.vt_user,
        assessment=assessment,
        classification="geen",
        joint_score=8,
        rationale="Onderbouwing",
        confidentiality=Confidentiality.MELDER,
    )
    version = judgement_amend(
        actor=region.vt_user,
        judgement=judgement,
        expected_version=1,
        reason="Gedeeld na overleg",
        confidentiality=Confidentiality.GEDEELD,
    )
    judgement.refresh_from_db()
    assert (judgement.organisation, judgement.confidentiality) == (region.vt, Confidentiality.GEDEELD)
    assert list(judgement.versions.order_by("number").values_list("confidentiality", "organisation")) == [
        (Confidentiality.MELDER, region.vt.pk),
        (Confidentiality.GEDEELD, region.vt.pk),
    ]
    assert version.number == 2


def test_a_melder_class_by_a_non_vt_author_is_refused_in_dutch_and_nothing_is_saved(region, login_verified, client):
    case = open_case(region)
    assessment = assessment_start(actor=region.cvc_user, case=case)
    login_verified(client, region.gi_user)
    url = f"/api/v1/cases/{case.pk}/assessments/{assessment.pk}/contributions/"
    body = {"safety_score": 4, "classification": "structureel", "worries": "Zorgen", "confidentiality": "melder"}

    response = client.post(url, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"confidentiality": [str(MELDER_VT_ONLY)]}
    page = client.post(
        reverse("contribution-add", kwargs={"case_id": case.pk, "assessment_id": assessment.pk}),
        {"safety_score": "4", "classification": "structureel", "confidentiality": "melder"},
    )
    assert page.status_code == 400 and escape(str(MELDER_VT_ONLY)) in page.content.decode()
    judgement = client.post(
        f"/api/v1/cases/{case.pk}/assessments/{assessment.pk}/judgement/",
        {"classification": "geen", "joint_score": 8, "rationale": "Goed", "confidentiality": "melder"},
        content_type="application/json",
    )
    assert judgement.status_code == 400 and judgement.json() == {"confidentiality": [str(MELDER_VT_ONLY)]}
    assert not PartnerContribution.objects.exists() and not JointJudgement.objects.exists()


def test_an_unknown_class_is_refused_and_every_class_is_accepted_from_a_vt_author(region, login_verified, client):
    case = open_case(region)
    assessment = assessment_start(actor=region.cvc_user, case=case)
    login_verified(client, region.vt_user)
    url = f"/api/v1/cases/{case.pk}/assessments/{assessment.pk}/contributions/"
    body = {"safety_score": 4, "classification": "structureel", "worries": "Zorgen"}

    unknown = client.post(url, {**body, "confidentiality": "geheim"}, content_type="application/json")
    page = client.post(
        reverse("contribution-add", kwargs={"case_id": case.pk, "assessment_id": assessment.pk}),
        {"safety_score": "4", "classification": "structureel", "confidentiality": "geheim"},
    )

    assert unknown.status_code == 400 and unknown.json() == {"confidentiality": [str(CLASS_UNKNOWN)]}
    assert page.status_code == 400 and escape(str(CLASS_UNKNOWN)) in page.content.decode()
    assert not PartnerContribution.objects.exists()
    created = client.post(url, {**body, "confidentiality": "melder"}, content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["confidentiality"], created.json()["readable"]) == ("melder", True)
    assert created.json()["worries"] == "Zorgen"
    judgement = client.post(
        f"/api/v1/cases/{case.pk}/assessments/{assessment.pk}/judgement/",
        {"classification": "geen", "joint_score": 8, "rationale": "Goed", "confidentiality": "eigen_organisatie"},
        content_type="application/json",
    )
    assert judgement.status_code == 201
    assert (judgement.json()["confidentiality"], judgement.json()["organisation"]) == (
        "eigen_organisatie",
        region.vt.pk,
    )


def test_a_coordinator_who_may_not_read_the_texts_cannot_amend_them(region, login_verified, client):
    case = open_case(region)
    assessment = assessment_start(actor=region.vt_user, case=case)
    judgement = judgement_record(
        actor=region.vt_user,
        assessment=assessment,
        classification="acute",
        joint_score=1,
        rationale="MkSecretRationaleQ7",
        confidentiality=Confidentiality.MELDER,
    )
    login_verified(client, region.coordinator)
    url = reverse("judgement-amend", kwargs={"case_id": case.pk, "judgement_id": judgement.pk})

    page = client.get(url)
    api = client.post(
        f"/api/v1/cases/{case.pk}/judgements/{judgement.pk}/amendments/",
        {"joint_score": 2, "reason": "Besproken", "version": 1},
        content_type="application/json",
    )

    assert page.status_code == 200 and escape(str(AMEND_TEXTS_NOT_READABLE)) in page.content.decode()
    assert "MkSecretRationaleQ7" not in page.content.decode()
    assert api.status_code == 400 and api.json() == {"non_field_errors": [str(AMEND_TEXTS_NOT_READABLE)]}
    assert judgement.versions.count() == 1
