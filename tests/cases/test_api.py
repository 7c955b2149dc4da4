"""/api/v1/cases/ and its nested resources: the same one door and the same rules as the web pages."""

from __future__ import annotations

import pytest

from cases.access_log.services import access_log_rows
from cases.models import Case, CaseUserObjectPermission, Note, Participant, Person
from tests.cases.conftest import OTHER_VALID_BSN, VALID_BSN, open_case
from tests.factories import OrganisationFactory
from tests.world import basis_post


@pytest.fixture
def api(world, client, login_verified):
    login_verified(client, world.professional)
    return client


def test_the_case_list_holds_only_visible_cases_and_filters(world, api, client):
    body = api.get("/api/v1/cases/").json()
    assert [c["id"] for c in body["results"]] == [world.case.pk]
    assert api.get("/api/v1/cases/", {"status": "afgesloten"}).json()["count"] == 0
    assert api.get("/api/v1/cases/", {"q": "Kim"}).json()["count"] == 1


def test_a_stranger_gets_404_on_every_nested_resource(world, client, login_verified):
    login_verified(client, world.stranger)
    for suffix in ("", "persons/", "participants/", "notes/", "timeline/", f"persons/{world.child.pk}/"):
        assert client.get(f"/api/v1/cases/{world.case.pk}/{suffix}").status_code == 404, suffix
    assert client.post(f"/api/v1/cases/{world.case.pk}/notes/", {"text": "x"}).status_code == 404


def test_a_method_a_case_route_lacks_is_405_before_the_case_is_read_or_logged(world, api):
    before = access_log_rows().count()
    for suffix in ("persons/", "notes/", "timeline/"):
        assert api.delete(f"/api/v1/cases/{world.case.pk}/{suffix}").status_code == 405, suffix
    assert access_log_rows().count() == before
    assert api.get(f"/api/v1/cases/{world.case.pk}/notes/").status_code == 200
    assert access_log_rows().count() == before + 1


def test_a_person_asked_for_under_another_case_is_404_and_logged_as_denied_only(world, api):
    mine = open_case(world.professional, world.team, family_name="gezin Ander")
    before = access_log_rows().count()
    assert api.get(f"/api/v1/cases/{mine.pk}/persons/{world.child.pk}/").status_code == 404
    rows = list(access_log_rows().order_by("id")[before:].values_list("case_id", "outcome"))
    assert rows == [(mine.pk, "denied")]  # nothing "allowed" about the child's own case
    assert api.get(f"/api/v1/cases/{world.case.pk}/persons/{world.child.pk}/").status_code == 200


def test_persons_come_out_with_a_masked_bsn_only(world, api):
    [person] = api.get(f"/api/v1/cases/{world.case.pk}/persons/").json()["results"]
    assert person["masked_bsn"] == "*****2333" and "bsn" not in person
    assert VALID_BSN not in str(person)


def test_creating_a_case_a_person_a_participant_and_a_note(world, api):
    created = api.post(
        "/api/v1/cases/",
        {
            "team": world.team.pk,
            "municipality": world.municipality.pk,
            "family_name": "gezin Api",
            "intake": "melding_vt",
            "reported_on": "2026-01-02",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    person = api.post(
        f"/api/v1/cases/{case_id}/persons/",
        {"role": "ouder", "full_name": "Jo Api", "bsn": OTHER_VALID_BSN},
        content_type="application/json",
    )
    assert person.status_code == 201 and person.json()["masked_bsn"] == "*****6782"
    participant = api.post(
        f"/api/v1/cases/{case_id}/participants/",
        {
            "organisation": world.gi.pk,
            "professional": world.gi_professional.pk,
            "role": "jeugdbeschermer",
            **basis_post(),
        },
        content_type="application/json",
    )
    assert participant.status_code == 201, participant.content
    note = api.post(f"/api/v1/cases/{case_id}/notes/", {"text": "Via de API."}, content_type="application/json")
    assert note.status_code == 201
    kinds = [e["kind"] for e in api.get(f"/api/v1/cases/{case_id}/timeline/").json()["results"]]
    assert kinds[-3:] == ["person_added", "participant_added", "note_added"]


def test_ending_a_participant_through_the_api_revokes_access(world, api):
    url = f"/api/v1/cases/{world.case.pk}/participants/{world.vt_participant.pk}/"
    response = api.delete(url)
    assert response.status_code == 200 and response.json()["ended_at"]
    assert not CaseUserObjectPermission.objects.filter(user=world.vt_professional, content_object=world.case).exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"bsn": "123456789"}, "bsn", "elfproef"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "toekomst"),
        ({"role": "buurman"}, "role", "geldige keuze"),
    ],
)
def test_bad_person_input_is_a_400_naming_the_field_and_nothing_is_saved(world, api, payload, field, message):
    before = Person.objects.count()
    data = {"role": "ouder", "full_name": "Jo Fout", **payload}
    response = api.post(f"/api/v1/cases/{world.case.pk}/persons/", data, content_type="application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert Person.objects.count() == before


def test_a_participant_from_outside_the_team_is_a_400(world, api):
    outside = OrganisationFactory(name="Elders", kind="other")
    before = Participant.objects.count()
    response = api.post(
        f"/api/v1/cases/{world.case.pk}/participants/",
        {
            "organisation": outside.pk,
            "professional": world.gi_professional.pk,
            "role": "deskundige",
            **basis_post(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "hoort niet bij het veiligheidsteam" in " ".join(response.json()["organisation"])
    assert Participant.objects.count() == before


def test_an_unknown_participant_role_and_an_empty_note_are_400(world, api):
    role = api.post(
        f"/api/v1/cases/{world.case.pk}/participants/",
        {
            "organisation": world.gi.pk,
            "professional": world.gi_professional.pk,
            "role": "baas",
            **basis_post(),
        },
        content_type="application/json",
    )
    note = api.post(f"/api/v1/cases/{world.case.pk}/notes/", {"text": "  "}, content_type="application/json")
    assert role.status_code == 400 and "role" in role.json()
    assert note.status_code == 400 and "text" in note.json()
    assert Note.objects.filter(case=world.case).count() == 1


def test_a_case_in_another_team_cannot_be_opened(world, api):
    before = Case.objects.count()
    response = api.post(
        "/api/v1/cases/",
        {
            "team": world.other_team.pk,
            "municipality": world.other_team.municipalities.first().pk,
            "family_name": "gezin X",
            "intake": "gi",
            "reported_on": "2026-01-02",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "team" in response.json()
    assert Case.objects.count() == before


def test_the_openapi_schema_describes_the_case_routes(world, api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{case_id}/",
        "/api/v1/cases/{case_id}/persons/{person_id}/",
        "/api/v1/cases/{case_id}/participants/",
        "/api/v1/cases/{case_id}/notes/",
        "/api/v1/cases/{case_id}/timeline/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/v1/cases/{case_id}/persons/{person_id}/"]["patch"]["responses"]
    assert paths["/api/v1/cases/{case_id}/"]["get"]["parameters"][0]["schema"]["type"] == "integer"


def test_the_case_list_refuses_an_unknown_status_with_a_dutch_message(client, login_verified):
    from tests.factories import MembershipFactory

    login_verified(client, MembershipFactory().user)
    response = client.get("/api/v1/cases/", {"status": "onbekend"})
    assert response.status_code == 400
    assert "status" in response.json()
    assert "geldige keuze" in response.json()["status"][0]
