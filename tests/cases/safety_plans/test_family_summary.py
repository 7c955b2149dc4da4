"""What the family reads: the plan, who does what, the conditions, the next dates and their vast
gezicht — and nothing they may not see (the melder, an eigen-organisatie document, anyone's BSN)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from pypdf import PdfReader

from cases.assessments.services import condition_agree
from cases.documents.services import document_add
from cases.interventions.services import intervention_agree
from cases.reporters.services import reporter_record
from cases.safety_plans.services import Commitment, plan_agreement_record, plan_version_record
from cases.services import person_add
from tests.world import in_days, judge, open_case

REPORTER = "Walter Wandelmelder"
SECRET_TITLE = "Notitie huisarts over moeder"
CHILD_BSN = "111222333"
OTHER_BSN = "123456782"
TEMPLATE = Path(__file__).resolve().parents[3] / "cases/safety_plans/templates/safety_plans/_family_body.html"


@pytest.fixture
def planned(region):
    case = open_case(region)
    case.vast_gezicht = region.cvc_user
    case.save(update_fields=["vast_gezicht"])
    region.cvc_user.full_name = "Vera Vastgezicht"
    region.cvc_user.save(update_fields=["full_name"])
    mother = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Sanne Jansen")
    aunt = person_add(actor=region.cvc_user, case=case, role="netwerk", full_name="Tante Ria Jansen")
    person_add(actor=region.cvc_user, case=case, role="jeugdige", full_name="Tim Jansen", bsn=CHILD_BSN)
    other = open_case(region, family_name="Gezin Pietersen")
    person_add(actor=region.cvc_user, case=other, role="ouder", full_name="Piet Pietersen", bsn=OTHER_BSN)
    reporter_record(
        actor=region.vt_user,
        case=case,
        full_name=REPORTER,
        phone="06-11223344",
        relation="leerkracht",
        kind="professional",
        profession="leerkracht",
    )
    document_add(
        actor=region.cvc_user,
        case=case,
        kind="verslag",
        title=SECRET_TITLE,
        document_date=timezone.localdate(),
        confidentiality="eigen_organisatie",
        file=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        filename="notitie.pdf",
    )
    judgement = judge(region, case)
    condition = condition_agree(
        actor=region.cvc_user,
        judgement=judgement,
        description="Vader drinkt geen alcohol als hij voor Tim zorgt.",
        owner_organisation=region.cvc,
        owner=region.cvc_user,
        check_date=in_days(14),
    )
    intervention = intervention_agree(
        actor=region.cvc_user,
        case=case,
        kind="vrijwillig_lokaal_team",
        responsible_organisation=region.cvc,
        responsible_professional=region.cvc_user,
        start_date=in_days(0),
        due_date=in_days(60),
    )
    version = plan_version_record(
        actor=region.cvc_user,
        case=case,
        expected_version=0,
        danger_statements=["We zijn bang dat Tim weer geslagen wordt als vader boos is."],
        safety_goals=[{"text": "Tim is thuis veilig, ook als vader boos wordt.", "scale": 4}],
        commitments=[Commitment(aunt, "Tante Ria haalt Tim op als moeder belt.")],
        warning_signs=[{"sign": "Vader drinkt", "action": "Moeder belt tante Ria"}],
        monitoring="Het vaste gezicht belt elke week met moeder.",
        evaluation_on=in_days(28),
        conditions=[condition],
        interventions=[intervention],
    )
    plan_agreement_record(
        actor=region.cvc_user, version=version, person=mother, agreed_on=timezone.localdate(), way="paper"
    )
    return case


def _day(days: int) -> str:
    return date_format(in_days(days), "j F Y")


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_family_pdf_holds_the_plan_and_the_dates_and_nothing_the_family_may_not_see(
    client, login_verified, region, planned
):
    login_verified(client, region.cvc_user)
    response = client.get(reverse("safety-plan-family-pdf", kwargs={"case_id": planned.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "We zijn bang dat Tim weer geslagen wordt",
        "Tante Ria haalt Tim op als moeder belt.",
        "Vader drinkt geen alcohol",
        "Moeder belt tante Ria",
        "Sanne Jansen",
        "Vera Vastgezicht",
        _day(28),
        _day(14),
        _day(60),
    ):
        assert expected in text, expected
    for forbidden in (REPORTER, "06-11223344", SECRET_TITLE, CHILD_BSN, OTHER_BSN, "Pietersen", "*****"):
        assert forbidden not in text, forbidden


def test_the_printable_page_is_the_same_summary_in_dutch_and_in_english(client, login_verified, region, planned):
    login_verified(client, region.cvc_user)
    url = reverse("safety-plan-family", kwargs={"case_id": planned.pk})
    dutch = client.get(url).content.decode()
    assert "Wie doet wat?" in dutch and "Tante Ria haalt Tim op" in dutch and _day(28) in dutch
    assert REPORTER not in dutch and SECRET_TITLE not in dutch and CHILD_BSN not in dutch
    english = client.get(url, {"taal": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and "Tante Ria haalt Tim op" in english.content.decode()


def test_the_pdf_download_is_logged_as_an_export(client, login_verified, region, planned):
    from cases.access_log.services import access_log_rows

    login_verified(client, region.cvc_user)
    client.get(reverse("safety-plan-family-pdf", kwargs={"case_id": planned.pk}))
    assert access_log_rows().filter(case_id=planned.pk, action="export", detail="safety-plan-family-pdf").exists()


# --- readability: the template's own fixed text is B1 — short sentences.

MAX_WORDS = 20


def fixed_sentences(template: str) -> list[str]:
    """The fixed text of a template: what it translates and the plain text between tags, without
    variables; split into sentences."""
    texts = re.findall(r"{%\s*translate\s+\"([^\"]+)\"", template)
    texts += re.findall(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", template, flags=re.S)
    plain = re.sub(r"{%.*?%}|{{.*?}}|<[^>]+>", " ", template, flags=re.S)
    texts += [plain]
    sentences = []
    for text in texts:
        text = re.sub(r"{{.*?}}", "X", text)
        sentences += [s.strip() for s in re.split(r"(?<=[.?!:])\s+", text) if s.strip()]
    return sentences


def test_every_fixed_sentence_of_the_family_summary_is_short():
    sentences = fixed_sentences(TEMPLATE.read_text(encoding="utf-8"))
    assert len(sentences) > 20  # the check reads the template's texts, not nothing
    long = [s for s in sentences if len(s.split()) > MAX_WORDS]
    assert not long, long


def test_the_readability_check_flags_a_long_sentence():
    long = '{% translate "' + " ".join(["woord"] * 21) + '." %}'
    assert any(len(s.split()) > MAX_WORDS for s in fixed_sentences(long))
