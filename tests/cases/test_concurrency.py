"""Two editors, one stale: the second is refused with 409 and what changed; the first one's change stays."""

from __future__ import annotations

from cases.models import Person


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
