from datetime import date

import pytest
from django.http import Http404

from cases.access_log import access_log_rows as rows
from cases.access_log import access_log_verify
from cases.selectors import case_for, cases_visible_to
from cases.services import case_open, note_add, participant_add, participant_end
from tests.factories import MembershipFactory, OrganisationFactory


def test_smoke(make_member, team):
    prof = make_member(team)
    case = case_open(
        actor=prof,
        team=team,
        municipality=team.municipalities.first(),
        family_name="Gezin Test",
        intake="melding_vt",
        reported_on=date(2026, 11, 1),
    )
    assert case_for(prof, case.pk) == case
    vt = OrganisationFactory(kind="veilig_thuis")
    team.organisations.add(vt)
    other = MembershipFactory(team=team, organisation=vt).user
    with pytest.raises(Http404):
        case_for(other, case.pk)
    p = participant_add(actor=prof, case=case, organisation=vt, professional=other, role="onderzoeker")
    assert case_for(other, case.pk) == case
    participant_end(actor=prof, participant=p)
    with pytest.raises(Http404):
        case_for(other, case.pk)
    note_add(actor=prof, case=case, text="hallo")
    assert list(cases_visible_to(prof)) == [case]
    assert rows().filter(case_id=case.pk).count() >= 4
    assert access_log_verify() is None
