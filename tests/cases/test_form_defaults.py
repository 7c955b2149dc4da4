"""Forms start where a user expects: nothing judged for them, the obvious team chosen, ids unique."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cases.assessments.forms import CLASSIFICATION_REQUIRED
from cases.assessments.models import PartnerContribution
from cases.assessments.services import assessment_start
from partners.models import Role
from tests.factories import MembershipFactory
from tests.world import MEMBERS_SINCE, judge, open_case

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.selects: dict[str, list[tuple[str, bool]]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "select":
            self._select = a.get("name")
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def parsed(body: str) -> _Ids:
    parser = _Ids()
    parser.feed(body)
    return parser


def duplicate_ids(body: str) -> list[str]:
    return [name for name, count in Counter(parsed(body).ids).items() if count > 1]


@pytest.fixture
def round_page(region, client, login_verified):
    case = open_case(region)
    assessment = assessment_start(actor=region.cvc_user, case=case)
    login_verified(client, region.vt_user)
    url = reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
    return case, assessment, client.get(url).content.decode()


def test_the_assessment_round_page_has_no_duplicate_ids(round_page):
    _case, _assessment, body = round_page
    assert 'id="id_contribution_classification"' in body and 'id="id_judgement_classification"' in body
    assert not duplicate_ids(body)


def test_the_classification_starts_empty_with_a_kies_option(round_page):
    _case, _assessment, body = round_page
    options = parsed(body).selects["classification"]
    assert options[0][0] == "" and "kies" in body
    assert not any(selected for value, selected in options if value)
    assert 'name="classification" required' in body or "required" in body.split('name="classification"')[1][:80]


def test_a_contribution_without_classification_is_refused_in_dutch(round_page, client):
    case, assessment, _body = round_page
    url = reverse("contribution-add", kwargs={"case_id": case.pk, "assessment_id": assessment.pk})
    response = client.post(url, {"safety_score": "6", "classification": ""})
    assert response.status_code == 400
    assert str(CLASSIFICATION_REQUIRED) in response.content.decode()
    assert not PartnerContribution.objects.exists()


def test_the_only_team_is_chosen_on_the_case_open_form(region, client, login_verified):
    login_verified(client, region.vt_user)
    options = parsed(client.get(reverse("case-open")).content.decode()).selects["team"]
    assert options == [(str(region.team.pk), True)]


def test_with_two_teams_the_user_chooses(region, client, login_verified):
    MembershipFactory(user=region.vt_user, organisation=region.vt, role=Role.PROFESSIONAL, start_date=MEMBERS_SINCE)
    login_verified(client, region.vt_user)
    options = parsed(client.get(reverse("case-open")).content.decode()).selects["team"]
    assert options[0] == ("", True) or options[0][0] == ""
    assert len(options) == 3


def test_the_judged_round_page_with_agreement_and_dissent_has_no_duplicate_ids(region, client, login_verified):
    case = open_case(region)
    judgement = judge(region, case)
    login_verified(client, region.vt_user)
    url = reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": judgement.assessment_id})
    body = client.get(url).content.decode()
    assert 'id="id_agreement_version"' in body and 'id="id_dissent_version"' in body
    assert not duplicate_ids(body)
