"""A legal basis for every participation (docs/design.md §11): consent, a statutory basis from the
administrator's list, or a conflict of duties with its argument; a purpose; an optional end date that
opens a review; withdrawing consent ends the shares resting on it; the access report shows each basis."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.access_log.services import access_log_rows
from cases.legal_bases.services import consent_withdraw
from cases.models import BasisKind, CaseUserObjectPermission, Consent, LegalBasis, Participant, TimelineEvent
from cases.participant_basis import (
    ARGUMENT_REQUIRED,
    BASIS_REQUIRED,
    CONSENT_CHILD_TOO_YOUNG,
    CONSENT_DATE_REQUIRED,
    CONSENT_GIVER_REQUIRED,
    CONSENT_WITHDRAWN,
    LEGAL_BASIS_INACTIVE,
    LEGAL_BASIS_REQUIRED,
    PURPOSE_REQUIRED,
    UNRECORDED_NOT_ALLOWED,
)
from cases.services import participant_add, participant_end, person_add
from tests import factories
from tests.cases.conftest import member
from tests.world import basis, basis_post
from workflows.deadlines.calendar import AMSTERDAM
from workflows.deadlines.models import Deadline, DeadlineState


@pytest.fixture
def as_professional(world, client, login_verified):
    login_verified(client, world.professional)
    return client


def _add_url(world) -> str:
    return f"/zaken/{world.case.pk}/betrokkenen/nieuw/"


def _api_url(world) -> str:
    return f"/api/v1/cases/{world.case.pk}/participants/"


def _gi(world, **fields) -> dict:
    return {"organisation": world.gi.pk, "professional": world.gi_professional.pk, "role": "jeugdbeschermer", **fields}


def _parent(world):
    return person_add(actor=world.professional, case=world.case, role="ouder", full_name="Ouder Testman")


def _gi_on_consent(world, **consent):
    fields = {
        "consent_given_by": "ouder_met_gezag",
        "consent_person": _parent(world),
        "consent_given_on": timezone.localdate() - timedelta(days=1),
        "consent_scope": "Gegevens over de veiligheid thuis, met de GI, voor het plan.",
        **consent,
    }
    return participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_professional,
        role="jeugdbeschermer",
        basis_kind=BasisKind.TOESTEMMING,
        purpose="Uitvoering van het veiligheidsplan.",
        **fields,
    )


def _nothing_added(world) -> bool:
    return not Participant.objects.filter(case=world.case, professional=world.gi_professional).exists()


# --- adding a participant asks for the basis and the purpose ---


def test_a_participant_added_on_the_page_on_a_statutory_basis_records_it_and_its_purpose(world, as_professional):
    response = as_professional.post(_add_url(world), _gi(world, **basis_post("gi-kinderbeschermingsmaatregel")))
    assert response.status_code == 302
    participant = Participant.objects.get(case=world.case, professional=world.gi_professional)
    assert participant.basis_kind == BasisKind.WETTELIJK
    assert participant.legal_basis.code == "gi-kinderbeschermingsmaatregel"
    assert participant.purpose == "Gezamenlijke veiligheidsbeoordeling."
    event = TimelineEvent.objects.filter(case=world.case, kind="participant_added").latest("id")
    assert event.data["basis_kind"] == "wettelijk"
    body = as_professional.get(f"/zaken/{world.case.pk}/grondslagen/").content.decode()
    assert "Uitvoering van een kinderbeschermingsmaatregel" in body


def test_the_form_offers_the_three_bases_and_the_active_statutory_list(world, as_professional):
    LegalBasis.objects.create(code="oud", title="Een vervallen grondslag", active=False)
    body = as_professional.get(_add_url(world)).content.decode()
    for label in ("toestemming", "wettelijke grondslag", "conflict van plichten", "Wmo 2015 art. 5.2.6", "Doel"):
        assert label in body
    assert "Een vervallen grondslag" not in body
    assert "vóór invoering grondslag" not in body  # the marker of old data is never a choice


def test_a_participant_without_a_basis_or_purpose_is_refused_on_the_page_and_nothing_is_saved(world, as_professional):
    response = as_professional.post(_add_url(world), _gi(world))
    assert response.status_code == 400
    body = response.content.decode()
    assert str(BASIS_REQUIRED) in body and str(PURPOSE_REQUIRED) in body
    assert _nothing_added(world)
    assert not CaseUserObjectPermission.objects.filter(user=world.gi_professional).exists()


def test_a_participant_without_a_basis_is_a_400_with_field_errors_in_the_api(world, as_professional):
    response = as_professional.post(_api_url(world), _gi(world), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"basis_kind": [str(BASIS_REQUIRED)], "purpose": [str(PURPOSE_REQUIRED)]}
    statutory_without_choice = as_professional.post(
        _api_url(world), _gi(world, basis_kind="wettelijk", purpose="Plan."), content_type="application/json"
    )
    assert statutory_without_choice.status_code == 400
    assert statutory_without_choice.json() == {"legal_basis": [str(LEGAL_BASIS_REQUIRED)]}
    assert _nothing_added(world)


def test_the_api_adds_a_participant_on_a_statutory_basis_and_shows_it(world, as_professional):
    response = as_professional.post(_api_url(world), _gi(world, **basis_post()), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["basis_kind"] == "wettelijk" and body["purpose"] == "Gezamenlijke veiligheidsbeoordeling."
    assert body["legal_basis"] == LegalBasis.objects.get(code="jeugdwet-7-3-11-lid-4").pk
    listed = as_professional.get(_api_url(world)).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {row["basis_kind"] for row in rows} == {"eigen_taak", "wettelijk"}  # the opener, VT and the GI


def test_a_basis_switched_off_by_the_administrator_is_refused(world):
    legal_basis = LegalBasis.objects.get(code="bw-1-238")
    legal_basis.active = False
    legal_basis.save()
    with pytest.raises(ValidationError) as refused:
        participant_add(
            actor=world.professional,
            case=world.case,
            organisation=world.gi,
            professional=world.gi_professional,
            role="betrokken",
            basis_kind=BasisKind.WETTELIJK,
            legal_basis=legal_basis,
            purpose="Onderzoek.",
        )
    assert refused.value.message_dict == {"legal_basis": [str(LEGAL_BASIS_INACTIVE)]}
    assert _nothing_added(world)


# --- conflict van plichten ---


def test_a_conflict_of_duties_without_an_argument_is_refused_on_the_page_and_in_the_api(world, as_professional):
    fields = _gi(world, basis_kind="conflict_van_plichten", purpose="Acute zorgen delen.", conflict_argument="  ")
    page = as_professional.post(_add_url(world), fields)
    assert page.status_code == 400 and str(ARGUMENT_REQUIRED) in page.content.decode()
    api = as_professional.post(_api_url(world), fields, content_type="application/json")
    assert api.status_code == 400 and api.json() == {"conflict_argument": [str(ARGUMENT_REQUIRED)]}
    assert _nothing_added(world)


def test_a_conflict_of_duties_with_its_argument_is_recorded_in_the_file(world, as_professional):
    argument = "Moeder weigert toestemming; zonder overleg met de GI blijft het kind in acuut gevaar."
    fields = _gi(world, basis_kind="conflict_van_plichten", purpose="Acute zorgen delen.", conflict_argument=argument)
    assert as_professional.post(_add_url(world), fields).status_code == 302
    participant = Participant.objects.get(case=world.case, professional=world.gi_professional)
    assert (participant.basis_kind, participant.conflict_argument) == ("conflict_van_plichten", argument)
    assert participant.history.first().conflict_argument == argument  # in the change history of the file
    assert argument in as_professional.get(f"/zaken/{world.case.pk}/grondslagen/").content.decode()


# --- consent ---


def test_consent_without_whose_or_when_is_refused_with_a_message_per_field(world, as_professional):
    fields = _gi(world, basis_kind="toestemming", purpose="Plan.", consent_scope="Veiligheid thuis.")
    api = as_professional.post(_api_url(world), fields, content_type="application/json")
    assert api.status_code == 400
    assert api.json() == {
        "consent_given_by": [str(CONSENT_GIVER_REQUIRED)],
        "consent_given_on": [str(CONSENT_DATE_REQUIRED)],
    }
    page = as_professional.post(_add_url(world), fields)
    assert page.status_code == 400
    assert str(CONSENT_GIVER_REQUIRED) in page.content.decode() and str(CONSENT_DATE_REQUIRED) in page.content.decode()
    assert _nothing_added(world) and not Consent.objects.filter(case=world.case).exists()


def test_consent_of_a_parent_on_the_case_is_recorded_and_backs_the_participation(world, as_professional):
    parent = _parent(world)
    fields = _gi(
        world,
        basis_kind="toestemming",
        purpose="Plan.",
        consent_given_by="ouder_met_gezag",
        consent_person=parent.pk,
        consent_given_on=(timezone.localdate() - timedelta(days=2)).isoformat(),
        consent_scope="Gegevens over de veiligheid thuis.",
    )
    assert as_professional.post(_add_url(world), fields).status_code == 302
    participant = Participant.objects.get(case=world.case, professional=world.gi_professional)
    assert participant.consent.person == parent and participant.consent.given_by == "ouder_met_gezag"
    assert participant.consent.recorded_by == world.professional


def test_a_child_under_16_does_not_consent_on_their_own(world):
    with pytest.raises(ValidationError) as refused:
        _gi_on_consent(world, consent_given_by="jeugdige_16_plus", consent_person=world.child)
    assert refused.value.message_dict == {"consent_person": [str(CONSENT_CHILD_TOO_YOUNG)]}
    assert _nothing_added(world) and not Consent.objects.filter(case=world.case).exists()


def test_a_consent_of_another_case_cannot_be_used_through_the_api(world, as_professional):
    other = Consent.objects.create(
        case=factories_case(world),
        given_by="ouder_met_gezag",
        given_on=date(2026, 1, 2),
        scope="x",
        recorded_by=world.professional,
    )
    fields = _gi(world, basis_kind="toestemming", purpose="Plan.", consent=other.pk)
    response = as_professional.post(_api_url(world), fields, content_type="application/json")
    assert response.status_code == 400 and "consent" in response.json()
    assert _nothing_added(world)


def factories_case(world):
    from tests.cases.conftest import open_case

    return open_case(world.stranger, world.other_team, family_name="gezin Anders")


# --- withdrawing consent ---


@pytest.fixture
def on_consent(world):
    """The GI takes part on a parent's consent and answers for an open deadline of the case; a GI colleague
    takes part on a statutory basis (the next in line)."""
    participation = _gi_on_consent(world)
    world.gi_colleague = member(world.team, world.gi)
    participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_colleague,
        role="betrokken",
        **basis("gi-kinderbeschermingsmaatregel"),
    )
    deadline = Deadline.objects.filter(case=world.case, state=DeadlineState.OPEN).first()
    assert deadline is not None  # the case's own deadlines (melding, joint assessment)
    Deadline.objects.filter(pk=deadline.pk).update(
        responsible_user=world.gi_professional, responsible_organisation=world.gi
    )
    world.deadline = deadline
    return participation


def test_withdrawn_consent_ends_the_participation_its_access_and_moves_its_deadlines(
    world, on_consent, client, login_verified
):
    login_verified(client, world.gi_professional)
    assert client.get(f"/zaken/{world.case.pk}/").status_code == 200

    login_verified(client, world.professional)
    url = f"/zaken/{world.case.pk}/toestemmingen/{on_consent.consent_id}/intrekken/"
    page = client.get(url)
    assert page.status_code == 200 and world.gi_professional.get_full_name() in page.content.decode()
    assert client.post(url, {"confirm": "on"}).status_code == 302

    # At once: the participation ended, the grant gone, the next request of the participant is a 404.
    on_consent.refresh_from_db()
    assert on_consent.ended_at is not None
    assert not CaseUserObjectPermission.objects.filter(user=world.gi_professional, content_object=world.case).exists()
    login_verified(client, world.gi_professional)
    assert client.get(f"/zaken/{world.case.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{world.case.pk}/").status_code == 404
    # The access log says why.
    reason = access_log_rows().filter(case_id=world.case.pk, detail__startswith="toestemming ingetrokken").get()
    assert (reason.user_id, reason.action, reason.outcome) == (world.professional.pk, "change", "allowed")
    assert str(world.gi_professional.pk) in reason.detail
    # Their open deadline names the next in line: the GI colleague still on the case.
    world.deadline.refresh_from_db()
    assert world.deadline.responsible_user == world.gi_colleague
    assert Consent.objects.get(pk=on_consent.consent_id).withdrawn_at is not None
    assert TimelineEvent.objects.filter(case=world.case, kind="consent_withdrawn").count() == 1


def test_a_withdrawn_consent_cannot_be_withdrawn_again_or_carry_a_new_participation(world, on_consent):
    consent = on_consent.consent
    consent_withdraw(actor=world.professional, consent=consent)
    with pytest.raises(ValidationError) as again:
        consent_withdraw(actor=world.professional, consent=Consent.objects.get(pk=consent.pk))
    assert "al ingetrokken" in " ".join(again.value.messages)
    with pytest.raises(ValidationError) as reused:
        participant_add(
            actor=world.professional,
            case=world.case,
            organisation=world.gi,
            professional=world.gi_professional,
            role="jeugdbeschermer",
            basis_kind=BasisKind.TOESTEMMING,
            purpose="Plan.",
            consent=Consent.objects.get(pk=consent.pk),
        )
    assert reused.value.message_dict == {"consent": [str(CONSENT_WITHDRAWN)]}


def test_consent_is_withdrawn_through_the_api_too(world, on_consent, as_professional):
    url = f"/api/v1/cases/{world.case.pk}/consents/{on_consent.consent_id}/withdraw/"
    response = as_professional.post(url, content_type="application/json")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [on_consent.pk] and response.json()[0]["ended_at"]
    consents = as_professional.get(f"/api/v1/cases/{world.case.pk}/consents/").json()
    assert consents[0]["withdrawn_at"]
    assert as_professional.post(url, content_type="application/json").status_code == 400


def test_nobody_outside_the_case_withdraws_a_consent(world, on_consent, client, login_verified):
    login_verified(client, world.stranger)
    url = f"/api/v1/cases/{world.case.pk}/consents/{on_consent.consent_id}/withdraw/"
    assert client.post(url, content_type="application/json").status_code == 404
    assert Consent.objects.get(pk=on_consent.consent_id).withdrawn_at is None


# --- a basis with an end date opens its review ---


def test_a_basis_with_an_end_date_opens_a_review_deadline_at_that_date(world):
    ends_on = timezone.localdate() + timedelta(days=60)
    participation = participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_professional,
        role="jeugdbeschermer",
        basis_ends_on=ends_on,
        **basis(),
    )
    review = Deadline.objects.get(case=world.case, rule__code="grondslag-herbeoordelen")
    assert review.subject == f"participant:{participation.pk}" and review.state == DeadlineState.OPEN
    assert review.due_at.astimezone(AMSTERDAM).date() >= ends_on  # the end of that day (or the next working day)
    assert review.due_at.astimezone(AMSTERDAM).date() - ends_on < timedelta(days=5)
    assert (review.responsible_organisation, review.responsible_user) == (world.gi, world.gi_professional)

    participant_end(actor=world.professional, participant=participation)
    review.refresh_from_db()
    assert review.state == DeadlineState.MET  # ended before the basis ran out: nothing left to review


def test_a_basis_without_an_end_date_opens_no_review(world):
    participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_professional,
        role="jeugdbeschermer",
        **basis(),
    )
    assert not Deadline.objects.filter(case=world.case, rule__code="grondslag-herbeoordelen").exists()


def test_an_end_date_in_the_past_is_refused(world, as_professional):
    fields = _gi(world, **basis_post(), basis_ends_on=(timezone.localdate() - timedelta(days=1)).isoformat())
    response = as_professional.post(_api_url(world), fields, content_type="application/json")
    assert response.status_code == 400 and "basis_ends_on" in response.json()
    assert _nothing_added(world)


# --- the statutory list is kept by the functional administrator ---


@pytest.fixture
def region_admin(world):
    return factories.MembershipFactory(organisation=world.cvc, team=None, role="functional_admin").user


def test_a_region_administrator_keeps_the_statutory_list_and_it_reaches_the_form(
    world, region_admin, client, login_verified
):
    login_verified(client, region_admin)
    assert client.get("/beheer/cases/legalbasis/").status_code == 200
    response = client.post(
        "/beheer/cases/legalbasis/add/",
        {
            "code": "wgbo-7-457",
            "title": "BW art. 7:457 lid 2 (gegevens aan een mede-hulpverlener)",
            "article": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    login_verified(client, world.professional)
    assert "BW art. 7:457 lid 2" in client.get(_add_url(world)).content.decode()


def test_a_team_administrator_reads_the_list_but_does_not_change_it(world, client, login_verified):
    login_verified(client, world.functional_admin)
    assert client.get("/beheer/cases/legalbasis/").status_code == 200
    response = client.post("/beheer/cases/legalbasis/add/", {"code": "x", "title": "X", "active": "on"})
    assert response.status_code == 403
    assert not LegalBasis.objects.filter(code="x").exists()


def test_the_administrator_reads_no_case_content_through_the_list(
    world, on_consent, region_admin, client, login_verified
):
    login_verified(client, region_admin)
    legal_basis = LegalBasis.objects.get(code="gi-kinderbeschermingsmaatregel")
    body = client.get(f"/beheer/cases/legalbasis/{legal_basis.pk}/change/").content.decode()
    body += client.get("/beheer/cases/legalbasis/").content.decode()
    for content in ("gezin Testman", "Kim Testman", "Ouder Testman", world.gi_colleague.get_full_name()):
        assert content not in body
    for model in ("consent", "participant", "case", "person"):
        assert client.get(f"/beheer/cases/{model}/").status_code == 404
    assert client.get(f"/zaken/{world.case.pk}/grondslagen/").status_code == 404


# --- who looked at this file, on what basis ---


def test_the_access_report_shows_each_readers_basis(world, on_consent, client, login_verified):
    for reader in (world.vt_professional, world.gi_professional, world.coordinator):
        login_verified(client, reader)
        assert client.get(f"/zaken/{world.case.pk}/").status_code == 200
    login_verified(client, world.privacy_officer)
    body = client.get(f"/inzage/zaken/{world.case.pk}/").content.decode()
    assert "wettelijke grondslag: Jeugdwet art. 7.3.11 lid 4" in body  # VT, on the world's statutory basis
    assert "toestemming (ouder met gezag)" in body  # the GI, on the parent's consent
    assert "coördinator van het team" in body
    assert "eigen taak (bij het openen van de casus)" in body  # the opener
    rows = list(csv.reader(io.StringIO(client.get(f"/inzage/zaken/{world.case.pk}/csv/").content.decode())))
    assert rows[0][-1] == "grondslag"
    by_user = {(r[1], r[-1]) for r in rows[1:] if r[5] == "case"}
    assert (world.gi_professional.username, "toestemming (ouder met gezag)") in by_user
    assert (world.coordinator.username, "coördinator van het team") in by_user


def test_the_report_shows_the_basis_at_the_time_of_reading(world, on_consent, client, login_verified):
    login_verified(client, world.gi_professional)
    client.get(f"/zaken/{world.case.pk}/")
    consent_withdraw(actor=world.professional, consent=on_consent.consent)
    participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_professional,
        role="jeugdbeschermer",
        **basis("gi-kinderbeschermingsmaatregel"),
    )
    client.get(f"/zaken/{world.case.pk}/")
    login_verified(client, world.privacy_officer)
    rows = list(csv.reader(io.StringIO(client.get(f"/inzage/zaken/{world.case.pk}/csv/").content.decode())))
    gi_reads = [r[-1] for r in rows[1:] if r[1] == world.gi_professional.username and r[5] == "case"]
    assert gi_reads == [
        "toestemming (ouder met gezag)",
        "wettelijke grondslag: Uitvoering van een kinderbeschermingsmaatregel (GI; Jeugdwet art. 3.4, BW art. 1:255)",
    ]


# --- old data and query budgets ---


def test_the_bases_page_costs_the_same_queries_with_more_participations(world, as_professional):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        as_professional.get(f"/zaken/{world.case.pk}/grondslagen/")
        with CaptureQueriesContext(connection) as queries:
            assert as_professional.get(f"/zaken/{world.case.pk}/grondslagen/").status_code == 200
        return len(queries)

    few = count()
    for _ in range(5):
        _gi_on_consent(world)
        participant_end(
            actor=world.professional,
            participant=Participant.objects.active().get(case=world.case, professional=world.gi_professional),
        )
    assert count() == few


def test_not_recorded_is_only_for_old_data_and_imports(world, as_professional):
    fields = _gi(world, basis_kind="niet_vastgelegd", purpose="Plan.")
    response = as_professional.post(_api_url(world), fields, content_type="application/json")
    assert response.status_code == 400 and "basis_kind" in response.json()
    with pytest.raises(ValidationError) as refused:
        participant_add(
            actor=world.professional,
            case=world.case,
            organisation=world.gi,
            professional=world.gi_professional,
            role="betrokken",
            basis_kind=BasisKind.NIET_VASTGELEGD,
            purpose="",
        )
    assert refused.value.message_dict == {"basis_kind": [str(UNRECORDED_NOT_ALLOWED)]}
    # The exchange import (format v1 has no basis) records the marker, as the migration did for old rows.
    imported = participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_professional,
        role="betrokken",
        basis_kind=BasisKind.NIET_VASTGELEGD,
        purpose="",
        unrecorded_basis_allowed=True,
    )
    assert imported.get_basis_kind_display() == "niet vastgelegd (vóór invoering grondslag)"


def test_the_access_report_costs_the_same_queries_with_more_readers(world, on_consent, client, login_verified):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def report_queries() -> int:
        login_verified(client, world.privacy_officer)
        client.get(f"/inzage/zaken/{world.case.pk}/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/inzage/zaken/{world.case.pk}/").status_code == 200
        return len(queries)

    few = report_queries()
    for _ in range(3):
        for reader in (world.vt_professional, world.gi_professional, world.gi_colleague, world.coordinator):
            login_verified(client, reader)
            client.get(f"/zaken/{world.case.pk}/")
    assert report_queries() == few
