"""'Who looked at my file' in plain words: per day and organisation, role and purpose without internal
codes, reads and changes counted, the privacy officer's own checks and searches left out."""

from __future__ import annotations

import pytest

from cases.access_log.plain import plain_access_summary
from cases.selectors import case_for
from cases.services import note_add, person_add
from tests.world import open_case

pytestmark = pytest.mark.django_db(databases="__all__")


def test_reads_and_changes_are_summarised_per_day_and_organisation_in_plain_words(region):
    case = open_case(region)
    for _ in range(3):
        case_for(region.vt_user, case.pk)  # three page views by Veilig Thuis
    person_add(actor=region.cvc_user, case=case, role="jeugdige", full_name="Sam Samenvatting")
    note_add(actor=region.cvc_user, case=case, text="Gesprek gehad")
    summary = {day.organisation: day for day in plain_access_summary(case.pk)}
    vt = summary[region.vt.name]
    assert vt.reads == 3 and vt.changes == 0
    assert vt.roles == ["onderzoeker"] and vt.purposes == ["het dossier bekijken"]
    words = " ".join(" ".join(day.roles + day.purposes) for day in summary.values())
    for code in ("participant:", "vast_gezicht", "person:add", "note:add"):
        assert code not in words


def test_the_privacy_officers_report_shows_the_summary(region, client, login_verified):
    from partners.models import Role
    from tests.factories import MembershipFactory

    case = open_case(region)
    case_for(region.vt_user, case.pk)
    officer = MembershipFactory(team=region.team, organisation=region.cvc, role=Role.PRIVACY_OFFICER).user
    login_verified(client, officer)
    body = client.get(f"/inzage/zaken/{case.pk}/").content.decode()
    assert "Samengevat per dag en organisatie" in body and "het dossier bekijken" in body
