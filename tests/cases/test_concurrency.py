"""Two editors, one stale: the second is refused with 409 and what changed; the first one's change stays.
Five identical posts at once: one record, never a server error (the others get 409 or the first's result)."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from cases.assessments.models import Assessment, Dissent, JointJudgement, PartnerContribution, Veiligheidsvoorwaarde
from cases.assessments.services import (
    CONDITION_ALREADY_AGREED,
    CONTRIBUTION_ALREADY_RECORDED,
    DISSENT_ALREADY_RECORDED,
    JUDGEMENT_ALREADY_RECORDED,
    ROUND_ALREADY_OPEN,
    assessment_start,
    judgement_record,
)
from cases.exceptions import AlreadyRecorded
from cases.idempotency import SUBMISSION_KEY_REUSED, create_once
from cases.interventions.models import Intervention
from cases.interventions.services import INTERVENTION_ALREADY_AGREED
from cases.models import Case, EventKind, Note, Participant, Person
from cases.services import (
    CASE_ALREADY_OPENED,
    NOTE_ALREADY_ADDED,
    PARTICIPANT_ALREADY_ACTIVE,
    PERSON_ALREADY_ADDED,
    note_add,
    participant_end,
    person_add,
)
from tests.cases.conftest import open_case
from tests.concurrency import N, clients_of, post_simultaneously
from tests.world import basis_post


def _post_edit(client, person, version, **changes):
    data = {
        "role": "jeugdige",
        "full_name": "Kim Testman",
        "date_of_birth": "2016-04-01",
        "bsn": "",
        "version": version,
    }
    data.update(changes)
    return client.post(f"/personen/{person.pk}/wijzigen/", data)


def test_a_stale_web_edit_gets_409_naming_the_change_and_the_first_edit_survives(world, client, login_verified):
    from django.test import Client

    first, second = Client(), client
    login_verified(first, world.professional)
    login_verified(second, world.vt_professional)
    loaded_version = world.child.version

    assert _post_edit(first, world.child, loaded_version, full_name="Kim de Vries").status_code == 302
    response = _post_edit(second, world.child, loaded_version, date_of_birth="2016-05-01")

    assert response.status_code == 409
    body = response.content.decode()
    assert "Iemand anders heeft dit intussen gewijzigd" in body and "gewijzigd (Naam)" in body
    # The form is the record as it is now, at its new version; the second editor's input stands beside it.
    assert 'value="Kim de Vries"' in body and 'value="2016-04-01"' in body and 'name="version" value="2"' in body
    assert "<td>1 mei 2016</td>" in body
    world.child.refresh_from_db()
    assert (world.child.full_name, str(world.child.date_of_birth), world.child.version) == (
        "Kim de Vries",
        "2016-04-01",
        2,
    )


def test_a_stale_api_update_gets_409_with_the_changed_fields_and_nothing_is_lost(world, client, login_verified):
    login_verified(client, world.professional)
    url = f"/api/v1/cases/{world.case.pk}/persons/{world.child.pk}/"
    version = client.get(url).json()["version"]

    ok = client.patch(url, {"full_name": "Kim de Vries", "version": version}, content_type="application/json")
    stale = client.patch(url, {"role": "netwerk", "version": version}, content_type="application/json")

    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    assert stale.status_code == 409
    body = stale.json()
    assert body["changed_fields"] == ["full_name"]
    assert "Iemand anders heeft dit intussen gewijzigd" in body["detail"]
    assert "(full_name)" in body["detail"]  # the message names the change, not "(-)"
    assert body["current"]["full_name"] == "Kim de Vries" and "bsn" not in body["current"]
    person = Person.objects.get(pk=world.child.pk)
    assert (person.full_name, person.role, person.version) == ("Kim de Vries", "jeugdige", version + 1)


def test_an_api_update_without_a_version_is_refused(world, client, login_verified):
    login_verified(client, world.professional)
    url = f"/api/v1/cases/{world.case.pk}/persons/{world.child.pk}/"
    response = client.patch(url, {"full_name": "Zonder versie"}, content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()
    assert Person.objects.get(pk=world.child.pk).full_name == "Kim Testman"


# --- Five simultaneous identical posts (a double click, a retry, two colleagues at once): one record,
# never a server error. What exists once answers 409 with the existing record; the same form sent
# again (its one-time key) leads where the first sending did.

race = pytest.mark.django_db(transaction=True)
FORM_KEY = "3f0c4a52-5a2e-4d43-9d1c-6f1b2a7e9c11"
OTHER_FORM_KEY = "0b6d1e0e-8a51-4d7b-9a36-2f7f0d1c5e42"


def _judged(world):
    """A completed round of the world's case: its joint judgement."""
    assessment = assessment_start(actor=world.professional, case=world.case)
    return judgement_record(
        actor=world.professional,
        assessment=assessment,
        classification="structureel",
        joint_score=4,
        rationale="Zorgen over de veiligheid thuis.",
    )


def assert_recorded_once_on_the_web(responses, *, message: str, existing_url: str) -> None:
    """One post stored it (302); the others got the form back with 409, the message and the link."""
    assert sorted(r.status_code for r in responses) == [302] + [409] * (N - 1)
    for refused in (r for r in responses if r.status_code == 409):
        body = refused.content.decode()
        assert escape(str(message)) in body
        assert f'href="{existing_url}"' in body


def assert_sent_once_on_the_web(clients, responses, *, url: str, message: str) -> None:
    """Every post led to the same page; all but one say the form had been sent already."""
    assert [(r.status_code, r.url) for r in responses] == [(302, url)] * N
    pages = [client.get(url).content.decode() for client in clients]
    assert sum(escape(str(message)) in page for page in pages) == N - 1


def assert_recorded_once_by_the_api(responses, *, message: str) -> dict:
    """One call stored it (201); the others got 409 with the message and that record as `existing`."""
    assert sorted(r.status_code for r in responses) == [201] + [409] * (N - 1)
    created = next(r.json() for r in responses if r.status_code == 201)
    for refused in (r.json() for r in responses if r.status_code == 409):
        assert refused == {"detail": str(message), "existing": created}
    return created


@race
def test_five_simultaneous_web_judgements_of_a_round_record_one(world):
    assessment = assessment_start(actor=world.professional, case=world.case)
    url = reverse("judgement-record", kwargs={"case_id": world.case.pk, "assessment_id": assessment.pk})
    data = {"classification": "structureel", "joint_score": 4, "rationale": "Zorgen over de veiligheid thuis."}

    responses = post_simultaneously(clients_of(world.professional), url, data)

    assert_recorded_once_on_the_web(
        responses,
        message=JUDGEMENT_ALREADY_RECORDED,
        existing_url=reverse("assessment-detail", kwargs={"case_id": world.case.pk, "assessment_id": assessment.pk}),
    )
    assert JointJudgement.objects.filter(assessment=assessment).count() == 1
    assert world.case.timeline.filter(kind=EventKind.JUDGEMENT_RECORDED).count() == 1


@race
def test_five_simultaneous_api_judgements_of_a_round_record_one(world):
    assessment = assessment_start(actor=world.professional, case=world.case)
    url = f"/api/v1/cases/{world.case.pk}/assessments/{assessment.pk}/judgement/"
    data = {"classification": "geen", "joint_score": 8, "rationale": "Veilig genoeg."}

    responses = post_simultaneously(clients_of(world.professional), url, data, content_type="application/json")

    created = assert_recorded_once_by_the_api(responses, message=JUDGEMENT_ALREADY_RECORDED)
    assert list(JointJudgement.objects.values_list("pk", flat=True)) == [created["id"]]


@race
def test_five_simultaneous_contributions_of_one_organisation_record_one(world):
    assessment = assessment_start(actor=world.professional, case=world.case)
    web = reverse("contribution-add", kwargs={"case_id": world.case.pk, "assessment_id": assessment.pk})
    api = f"/api/v1/cases/{world.case.pk}/assessments/{assessment.pk}/contributions/"
    data = {"safety_score": 4, "classification": "structureel"}

    on_the_web = post_simultaneously(clients_of(world.professional), web, data)
    by_the_api = post_simultaneously(clients_of(world.vt_professional), api, data, content_type="application/json")

    assert_recorded_once_on_the_web(
        on_the_web,
        message=CONTRIBUTION_ALREADY_RECORDED,
        existing_url=reverse("assessment-detail", kwargs={"case_id": world.case.pk, "assessment_id": assessment.pk}),
    )
    assert_recorded_once_by_the_api(by_the_api, message=CONTRIBUTION_ALREADY_RECORDED)
    organisations = PartnerContribution.objects.filter(assessment=assessment).values_list("organisation", flat=True)
    assert sorted(organisations) == sorted([world.cvc.pk, world.vt.pk])


@race
def test_five_simultaneous_dissents_of_one_organisation_record_one(world):
    judgement = _judged(world)
    url = reverse("dissent-add", kwargs={"case_id": world.case.pk, "judgement_id": judgement.pk})
    data = {"reason": "Wij zien acute zorgen.", "version": judgement.version}
    responses = post_simultaneously(clients_of(world.vt_professional), url, data)

    assert_recorded_once_on_the_web(
        responses,
        message=DISSENT_ALREADY_RECORDED % {"organisation": world.vt},
        existing_url=reverse(
            "assessment-detail", kwargs={"case_id": world.case.pk, "assessment_id": judgement.assessment_id}
        ),
    )
    assert Dissent.objects.filter(judgement=judgement).count() == 1


@race
def test_five_simultaneous_round_starts_open_one_round(world):
    web = reverse("assessment-start", kwargs={"case_id": world.case.pk})

    responses = post_simultaneously(clients_of(world.professional), web, {})

    (only,) = Assessment.objects.filter(case=world.case)
    page = reverse("assessment-detail", kwargs={"case_id": world.case.pk, "assessment_id": only.pk})
    assert [(r.status_code, r.url) for r in responses] == [(302, page)] * N
    # The API answers a start while that round is open with 409 and the round.
    api = f"/api/v1/cases/{world.case.pk}/assessments/"
    refused = clients_of(world.vt_professional, 1)[0].post(api, {}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["detail"] == str(ROUND_ALREADY_OPEN) and refused.json()["existing"]["id"] == only.pk
    assert Assessment.objects.filter(case=world.case).count() == 1


@race
def test_five_simultaneous_additions_of_a_participant_add_one(world):
    web = reverse("participant-add", kwargs={"case_id": world.case.pk})
    api = f"/api/v1/cases/{world.case.pk}/participants/"
    gi = {
        "organisation": world.gi.pk,
        "professional": world.gi_professional.pk,
        "role": "jeugdbeschermer",
        **basis_post(),
    }
    coordinator = {
        "organisation": world.cvc.pk,
        "professional": world.coordinator.pk,
        "role": "betrokken",
        **basis_post(),
    }

    on_the_web = post_simultaneously(clients_of(world.professional), web, gi)
    by_the_api = post_simultaneously(clients_of(world.professional), api, coordinator, content_type="application/json")

    assert_recorded_once_on_the_web(
        on_the_web, message=PARTICIPANT_ALREADY_ACTIVE, existing_url=reverse("case-detail", args=[world.case.pk])
    )
    assert_recorded_once_by_the_api(by_the_api, message=PARTICIPANT_ALREADY_ACTIVE)
    active = Participant.objects.active().filter(case=world.case)
    assert active.filter(professional=world.gi_professional).count() == 1
    assert active.filter(professional=world.coordinator).count() == 1


@race
def test_a_case_opening_form_sent_five_times_at_once_opens_one_case(world):
    url = reverse("case-open")
    data = {
        "team": world.team.pk,
        "municipality": world.municipality.pk,
        "family_name": "gezin Dubbelklik",
        "intake": "melding_vt",
        "reported_on": "2026-01-05",
        "submission_key": FORM_KEY,
    }
    clients = clients_of(world.professional)

    responses = post_simultaneously(clients, url, data)

    (case,) = Case.objects.filter(family_name="gezin Dubbelklik")
    assert_sent_once_on_the_web(
        clients, responses, url=reverse("case-detail", args=[case.pk]), message=CASE_ALREADY_OPENED
    )
    assert case.timeline.filter(kind=EventKind.CASE_OPENED).count() == 1


@race
def test_a_case_opening_api_call_sent_five_times_with_its_key_opens_one_case(world):
    data = {
        "team": world.team.pk,
        "municipality": world.municipality.pk,
        "family_name": "gezin Herhaald",
        "intake": "gi",
        "reported_on": "2026-01-05",
    }

    responses = post_simultaneously(
        clients_of(world.professional),
        "/api/v1/cases/",
        data,
        content_type="application/json",
        headers={"Idempotency-Key": FORM_KEY},
    )

    created = assert_recorded_once_by_the_api(responses, message=CASE_ALREADY_OPENED)
    assert list(Case.objects.filter(family_name="gezin Herhaald").values_list("pk", flat=True)) == [created["id"]]


@race
def test_person_and_note_forms_sent_five_times_at_once_add_one_each(world):
    case_page = reverse("case-detail", args=[world.case.pk])
    person = {"role": "ouder", "full_name": "Sam Testman", "submission_key": FORM_KEY}
    note = {"text": "Huisbezoek gedaan.", "submission_key": OTHER_FORM_KEY}
    person_clients, note_clients = clients_of(world.professional), clients_of(world.professional)

    persons = post_simultaneously(person_clients, reverse("person-add", args=[world.case.pk]), person)
    notes = post_simultaneously(note_clients, reverse("note-add", args=[world.case.pk]), note)

    assert_sent_once_on_the_web(person_clients, persons, url=case_page, message=PERSON_ALREADY_ADDED)
    assert_sent_once_on_the_web(note_clients, notes, url=case_page, message=NOTE_ALREADY_ADDED)
    assert Person.objects.filter(case=world.case, full_name="Sam Testman").count() == 1
    assert Note.objects.filter(case=world.case, text="Huisbezoek gedaan.").count() == 1


@race
def test_person_and_note_api_calls_sent_five_times_with_their_key_add_one_each(world):
    base = f"/api/v1/cases/{world.case.pk}"
    json = {"content_type": "application/json", "headers": {"Idempotency-Key": FORM_KEY}}
    other_key = {"content_type": "application/json", "headers": {"Idempotency-Key": OTHER_FORM_KEY}}

    persons = post_simultaneously(
        clients_of(world.professional), f"{base}/persons/", {"role": "ouder", "full_name": "Sam Testman"}, **json
    )
    notes = post_simultaneously(clients_of(world.professional), f"{base}/notes/", {"text": "Gebeld."}, **other_key)

    assert_recorded_once_by_the_api(persons, message=PERSON_ALREADY_ADDED)
    assert_recorded_once_by_the_api(notes, message=NOTE_ALREADY_ADDED)
    assert Person.objects.filter(case=world.case, full_name="Sam Testman").count() == 1
    assert Note.objects.filter(case=world.case, text="Gebeld.").count() == 1


@race
def test_intervention_and_condition_forms_sent_five_times_at_once_agree_one_each(world):
    judgement = _judged(world)
    intervention = {
        "kind": "vt_onderzoek",
        "responsible_organisation": world.vt.pk,
        "responsible_professional": world.vt_professional.pk,
        "start_date": "2026-02-01",
        "due_date": "2026-04-01",
        "submission_key": FORM_KEY,
    }
    condition = {
        "description": "Vader slaapt elders.",
        "owner_organisation": world.vt.pk,
        "owner": world.vt_professional.pk,
        "check_date": "2099-01-01",
        "submission_key": OTHER_FORM_KEY,
    }
    list_page = reverse("intervention-list", args=[world.case.pk])
    round_page = reverse("assessment-detail", args=[world.case.pk, judgement.assessment_id])
    intervention_clients, condition_clients = clients_of(world.professional), clients_of(world.professional)

    interventions = post_simultaneously(intervention_clients, list_page, intervention)
    conditions = post_simultaneously(
        condition_clients, reverse("condition-add", args=[world.case.pk, judgement.pk]), condition
    )

    assert_sent_once_on_the_web(intervention_clients, interventions, url=list_page, message=INTERVENTION_ALREADY_AGREED)
    assert_sent_once_on_the_web(condition_clients, conditions, url=round_page, message=CONDITION_ALREADY_AGREED)
    assert Intervention.objects.filter(case=world.case).count() == 1
    assert Veiligheidsvoorwaarde.objects.filter(case=world.case).count() == 1


@race
def test_intervention_and_condition_api_calls_sent_five_times_with_their_key_agree_one_each(world):
    judgement = _judged(world)
    base = f"/api/v1/cases/{world.case.pk}"
    intervention = {
        "kind": "overig",
        "responsible_organisation": world.vt.pk,
        "responsible_professional": world.vt_professional.pk,
        "start_date": "2026-02-01",
        "due_date": "2026-04-01",
    }
    condition = {
        "judgement": judgement.pk,
        "description": "Moeder belt dagelijks.",
        "owner_organisation": world.vt.pk,
        "owner": world.vt_professional.pk,
        "check_date": "2099-01-01",
    }
    json = {"content_type": "application/json", "headers": {"Idempotency-Key": FORM_KEY}}

    interventions = post_simultaneously(clients_of(world.professional), f"{base}/interventions/", intervention, **json)
    conditions = post_simultaneously(clients_of(world.vt_professional), f"{base}/conditions/", condition, **json)

    assert_recorded_once_by_the_api(interventions, message=INTERVENTION_ALREADY_AGREED)
    assert_recorded_once_by_the_api(conditions, message=CONDITION_ALREADY_AGREED)
    assert Intervention.objects.filter(case=world.case).count() == 1
    assert Veiligheidsvoorwaarde.objects.filter(case=world.case).count() == 1


# --- The pieces behind it, one by one (no threads needed).


def test_a_duplicate_that_races_past_the_lock_is_answered_with_the_first_row(world):
    first = Participant.objects.get(case=world.case, professional=world.vt_professional)
    twin = Participant(
        case=world.case,
        organisation=world.vt,
        professional=world.vt_professional,
        role="betrokken",
        basis_kind="niet_vastgelegd",
    )

    with pytest.raises(AlreadyRecorded) as refused:
        create_once(twin, existing=lambda: first, message=PARTICIPANT_ALREADY_ACTIVE, field="professional")

    assert refused.value.existing == first
    assert refused.value.message_dict == {"professional": [str(PARTICIPANT_ALREADY_ACTIVE)]}
    # The savepoint kept the transaction usable.
    assert Participant.objects.active().filter(professional=world.vt_professional).count() == 1


def test_a_form_key_used_for_something_else_is_refused_and_nothing_is_stored(world):
    key = uuid.UUID(FORM_KEY)
    note_add(actor=world.professional, case=world.case, text="Eerste.", submission_key=key)
    persons = Person.objects.count()

    with pytest.raises(ValidationError) as refused:
        person_add(actor=world.professional, case=world.case, role="ouder", full_name="Sam", submission_key=key)

    assert not isinstance(refused.value, AlreadyRecorded)
    assert refused.value.messages == [str(SUBMISSION_KEY_REUSED)]
    assert Person.objects.count() == persons
    # Another user's identical key is theirs alone.
    other = note_add(actor=world.vt_professional, case=world.case, text="Eerste.", submission_key=key)
    assert other.author == world.vt_professional


def test_a_form_key_never_shows_a_case_its_opener_may_no_longer_see(world):
    key = uuid.UUID(FORM_KEY)
    case = open_case(world.professional, world.team, family_name="gezin Vertrokken", submission_key=key)
    participant_end(actor=world.professional, participant=case.participants.get(professional=world.professional))

    with pytest.raises(ValidationError) as refused:
        open_case(world.professional, world.team, family_name="gezin Vertrokken", submission_key=key)

    assert not isinstance(refused.value, AlreadyRecorded)
    assert Case.objects.filter(family_name="gezin Vertrokken").count() == 1


def test_a_form_sent_again_after_it_was_refused_is_stored_once_corrected(world, client, login_verified):
    login_verified(client, world.professional)
    url = reverse("person-add", args=[world.case.pk])
    refused = client.post(url, {"role": "ouder", "full_name": " ", "submission_key": FORM_KEY})
    stored = client.post(url, {"role": "ouder", "full_name": "Sam Testman", "submission_key": FORM_KEY})

    assert refused.status_code == 400 and stored.status_code == 302
    assert f'value="{FORM_KEY}"' in refused.content.decode()  # the form keeps its key while it is corrected
    assert Person.objects.filter(full_name="Sam Testman").count() == 1


def test_each_empty_create_form_carries_a_new_key(world, client, login_verified):
    login_verified(client, world.professional)
    pages = [client.get(reverse("person-add", args=[world.case.pk])).content.decode() for _ in range(2)]
    keys = [page.split('name="submission_key" value="', 1)[1][:36] for page in pages]
    assert keys[0] != keys[1] and all(uuid.UUID(key) for key in keys)


def test_one_dissent_per_organisation_also_within_one_judgement(world):
    assessment = assessment_start(actor=world.professional, case=world.case)
    twice = [(world.vt, "Te licht."), (world.vt, "Nog steeds te licht.")]

    with pytest.raises(ValidationError) as refused:
        judgement_record(
            actor=world.professional,
            assessment=assessment,
            classification="geen",
            joint_score=8,
            rationale="Veilig genoeg.",
            dissents=twice,
        )

    assert list(refused.value.message_dict) == ["dissents"]
    assert not JointJudgement.objects.filter(assessment=assessment).exists()


def test_an_idempotency_key_that_is_no_uuid_is_a_400(world, client, login_verified):
    login_verified(client, world.professional)
    response = client.post(
        f"/api/v1/cases/{world.case.pk}/notes/",
        {"text": "Gebeld."},
        content_type="application/json",
        headers={"Idempotency-Key": "klik-1"},
    )
    assert response.status_code == 400 and list(response.json()) == ["Idempotency-Key"]
    assert not Note.objects.filter(text="Gebeld.").exists()


def test_the_schema_documents_409_with_the_existing_record_on_every_create_that_happens_once(
    world, client, login_verified
):
    login_verified(client, world.professional)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    case = "/api/v1/cases/{case_id}"
    with_key = [
        ("/api/v1/cases/", True),
        (f"{case}/persons/", True),
        (f"{case}/notes/", True),
        (f"{case}/interventions/", True),
        (f"{case}/conditions/", True),
        (f"{case}/participants/", False),
        (f"{case}/assessments/", False),
        (f"{case}/assessments/{{assessment_id}}/contributions/", False),
        (f"{case}/assessments/{{assessment_id}}/judgement/", False),
    ]
    for path, takes_a_key in with_key:
        post = paths[path]["post"]
        assert {"201", "400", "409"} <= set(post["responses"]), path
        assert post["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/AlreadyRecorded")
        headers = [p["name"] for p in post.get("parameters", []) if p["in"] == "header"]
        assert (headers == ["Idempotency-Key"]) == takes_a_key, path
