"""'Who looked at this file': the privacy officer reads the access log of one case, never its content."""

from __future__ import annotations

import csv
import io

import pytest

from cases.access_log.services import access_log_rows


@pytest.fixture
def looked_at(world, client, login_verified):
    """The VT professional reads the case once; then the privacy officer logs in."""
    login_verified(client, world.vt_professional)
    client.get(f"/zaken/{world.case.pk}/")
    client.logout()
    login_verified(client, world.privacy_officer)
    return client


def test_the_privacy_officer_sees_who_read_and_changed_the_case_without_its_content(world, looked_at):
    body = looked_at.get(f"/inzage/zaken/{world.case.pk}/").content.decode()
    assert world.vt_professional.username in body and world.professional.username in body
    assert "inzien" in body and "aanmaken" in body
    assert world.case.reference in body
    for content in ("gezin Testman", "Kim Testman", "Eerste gesprek", "*****2333"):
        assert content not in body


def test_the_csv_lists_the_same_reads_and_the_export_is_logged(world, looked_at):
    response = looked_at.get(f"/inzage/zaken/{world.case.pk}/csv/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["tijdstip", "gebruiker", "organisatie", "rol", "handeling", "onderdeel", "grondslag"]
    assert [
        world.vt_professional.username,
        "Veilig Thuis A",
        "participant:onderzoeker",
        "inzien",
        "case",
        "wettelijke grondslag: Jeugdwet art. 7.3.11 lid 4",
    ] in [r[1:] for r in rows[1:]]
    export = access_log_rows().filter(user_id=world.privacy_officer.pk).order_by("-id").first()
    assert (export.action, export.outcome, export.case_id, export.role) == (
        "export",
        "allowed",
        world.case.pk,
        "privacy_officer",
    )


def test_the_lookup_by_reference_leads_to_the_report(world, looked_at):
    response = looked_at.get("/inzage/", {"reference": world.case.reference})
    assert response.status_code == 302 and response["Location"] == f"/inzage/zaken/{world.case.pk}/"
    unknown = looked_at.get("/inzage/", {"reference": "VT-0000-999999"})
    assert unknown.status_code == 404 and "Zaaknummer" in unknown.content.decode()


def test_the_privacy_officer_still_cannot_open_the_case_itself(world, looked_at):
    assert looked_at.get(f"/zaken/{world.case.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["other_privacy_officer", "professional", "coordinator", "functional_admin"])
def test_nobody_but_the_teams_privacy_officer_gets_the_report_and_the_attempt_is_logged(
    world, client, login_verified, who
):
    user = getattr(world, who)
    login_verified(client, user)
    assert client.get(f"/inzage/zaken/{world.case.pk}/").status_code == 404
    assert client.get(f"/inzage/zaken/{world.case.pk}/csv/").status_code == 404
    denied = access_log_rows().filter(user_id=user.pk, outcome="denied", case_id=world.case.pk)
    assert denied.count() == 2


FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(1)", "\t=1+1", "\r=1+1"]


def test_organisation_names_that_look_like_formulas_are_inert_in_the_csv(world, client, login_verified):
    login_verified(client, world.vt_professional)
    for name in FORMULAS:
        world.vt.name = name
        world.vt.save(update_fields=["name"])
        assert client.get(f"/zaken/{world.case.pk}/").status_code == 200
    client.logout()
    login_verified(client, world.privacy_officer)
    text = client.get(f"/inzage/zaken/{world.case.pk}/csv/").content.decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    organisations = [row[2] for row in rows[1:] if row[1] == world.vt_professional.username]
    assert organisations == ["'" + name for name in FORMULAS]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_the_privacy_officer_finds_a_case_by_a_family_members_name_or_bsn_and_the_term_is_not_logged(world, looked_at):
    from cases.services import person_change
    from tests.factories import fictional_bsn

    bsn = fictional_bsn(77)
    person_change(actor=world.professional, person=world.child, expected_version=world.child.version, bsn=bsn)
    name_part = world.child.full_name.split()[0]
    for term in (name_part, bsn):
        body = looked_at.get("/inzage/", {"q": term}).content.decode()
        assert f'href="/inzage/zaken/{world.case.pk}/"' in body and world.case.reference in body
    details = list(
        access_log_rows().filter(user_id=world.privacy_officer.pk, action="search").values_list("detail", flat=True)
    )
    assert len(details) == 2
    assert all(name_part not in d and bsn not in d for d in details)
    assert details[0] == f"access_report:search;len={len(name_part)}" and details[1].startswith(
        "access_report:search;bsn="
    )


def test_a_search_finds_nothing_outside_the_privacy_officers_teams(world, client, login_verified):
    login_verified(client, world.other_privacy_officer)
    body = client.get("/inzage/", {"q": world.child.full_name}).content.decode()
    assert world.case.reference not in body
