"""Deadline rules: every default rule opens the right deadline from its event and closes it as
met or missed; team rules override region defaults; bad rules are refused with a clear message."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.assessments.models import Veiligheidsvoorwaarde
from cases.interventions.models import Intervention
from cases.models import EventKind, Intake
from cases.timeline import timeline_record
from partners.models import OrganisationKind
from tests.world import at
from workflows.deadlines.calendar import end_of_day
from workflows.deadlines.models import Deadline, DeadlineRule, DeadlineState
from workflows.deadlines.services import deadlines_recompute


def _deadline(case, code):
    return Deadline.objects.get(case=case, rule__code=code)


def _org(user, kind):
    return (
        user.memberships.get().organisation
        if kind is None
        else user.memberships.filter(organisation__kind=kind).get().organisation
    )


def test_a_melding_opens_the_vt_veiligheidsbeoordeling_of_5_working_days_skipping_hemelvaart_and_its_friday(region):
    case = region.open_case(intake=Intake.MELDING_VT, reported_on=date(2026, 5, 13))
    deadline = _deadline(case, "vt-veiligheidsbeoordeling")
    assert deadline.due_at == end_of_day(date(2026, 5, 22))
    assert deadline.statutory and deadline.state == DeadlineState.OPEN
    assert deadline.responsible_organisation.kind == OrganisationKind.VEILIG_THUIS


def test_the_vt_veiligheidsbeoordeling_closes_only_on_a_contribution_of_veilig_thuis(region):
    case = region.open_case(intake=Intake.MELDING_VT, reported_on=date(2026, 5, 13))
    timeline_record(
        case=case,
        kind=EventKind.CONTRIBUTION_ADDED,
        organisation=_org(region.cvc_user, None),
        occurred_at=at(2026, 5, 19, 9),
    )
    assert _deadline(case, "vt-veiligheidsbeoordeling").state == DeadlineState.OPEN
    timeline_record(
        case=case,
        kind=EventKind.CONTRIBUTION_ADDED,
        organisation=_org(region.vt_user, None),
        occurred_at=at(2026, 5, 20, 9),
    )
    deadline = _deadline(case, "vt-veiligheidsbeoordeling")
    assert deadline.state == DeadlineState.MET
    assert deadline.closed_at == at(2026, 5, 20, 9)


def test_the_vt_onderzoek_of_10_weeks_ending_on_tweede_pinksterdag_runs_on_and_closes_missed_when_late(region):
    case = region.open_case()
    timeline_record(
        case=case,
        kind=EventKind.ONDERZOEK_STARTED,
        organisation=_org(region.vt_user, None),
        occurred_at=at(2026, 3, 16, 11),
    )
    deadline = _deadline(case, "vt-onderzoek")
    assert deadline.due_at == end_of_day(date(2026, 5, 26))
    # The Raad finishing its own onderzoek does not close Veilig Thuis' term.
    timeline_record(
        case=case,
        kind=EventKind.ONDERZOEK_COMPLETED,
        organisation=_org(region.rvdk_user, None),
        occurred_at=at(2026, 5, 20, 9),
    )
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.OPEN
    timeline_record(
        case=case,
        kind=EventKind.ONDERZOEK_COMPLETED,
        organisation=_org(region.vt_user, None),
        occurred_at=at(2026, 5, 27, 9),
    )
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MISSED and deadline.closed_at == at(2026, 5, 27, 9)


def test_the_raad_starting_its_onderzoek_does_not_open_the_vt_term(region):
    case = region.open_case()
    timeline_record(
        case=case,
        kind=EventKind.ONDERZOEK_STARTED,
        organisation=_org(region.rvdk_user, None),
        occurred_at=at(2026, 3, 16, 11),
    )
    assert not Deadline.objects.filter(case=case, rule__code="vt-onderzoek").exists()


def test_a_verzoek_opens_the_rvdk_norm_of_10_calendar_days_closed_by_the_raad_starting_its_onderzoek(region):
    case = region.open_case(intake=Intake.VERZOEK_TOT_ONDERZOEK, reported_on=date(2026, 5, 13))
    deadline = _deadline(case, "rvdk-onderzoek-gestart")
    # A norm, not statutory, but the partners work on working days: Saturday 23 May runs on past
    # Pinksteren to Tuesday 26 May (Atw art. 1 only; art. 2 is for statutory terms).
    assert deadline.due_at == end_of_day(date(2026, 5, 26))
    timeline_record(
        case=case,
        kind=EventKind.ONDERZOEK_STARTED,
        organisation=_org(region.rvdk_user, None),
        occurred_at=at(2026, 5, 22, 15),
    )
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET


def test_opening_a_case_starts_the_joint_assessment_of_10_working_days_for_the_vast_gezicht(region):
    case = region.open_case(opened_at=at(2026, 5, 13, 10))
    deadline = _deadline(case, "gezamenlijke-beoordeling")
    assert deadline.due_at == end_of_day(date(2026, 6, 1))
    assert deadline.responsible_user == region.cvc_user
    timeline_record(
        case=case,
        kind=EventKind.JUDGEMENT_RECORDED,
        occurred_at=at(2026, 6, 2, 9),
        data={"assessment_id": 1, "judgement_id": 1},
    )
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MISSED


def test_an_agreed_condition_is_due_on_its_check_date_for_its_owner_and_closes_when_checked(region):
    case = region.open_case()
    condition = Veiligheidsvoorwaarde.objects.create(
        case=case,
        description="Geen alcohol in huis",
        owner_organisation=_org(region.vt_user, None),
        owner=region.vt_user,
        check_date=date(2026, 6, 10),
    )
    other = Veiligheidsvoorwaarde.objects.create(
        case=case,
        description="Dagelijks naar school",
        owner_organisation=_org(region.cvc_user, None),
        owner=region.cvc_user,
        check_date=date(2026, 6, 12),
    )
    for c in (condition, other):
        timeline_record(case=case, kind=EventKind.CONDITION_AGREED, data={"condition_id": c.pk})
    deadline = Deadline.objects.get(case=case, subject=f"condition:{condition.pk}")
    assert deadline.due_at == end_of_day(date(2026, 6, 10)) and deadline.responsible_user == region.vt_user
    timeline_record(
        case=case,
        kind=EventKind.CONDITION_CHECKED,
        occurred_at=at(2026, 6, 9, 12),
        data={"condition_id": condition.pk, "status": "met"},
    )
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    assert Deadline.objects.get(subject=f"condition:{other.pk}").state == DeadlineState.OPEN


def test_an_agreed_intervention_is_due_on_its_due_date_and_closes_missed_when_it_ends_late(region):
    case = region.open_case()
    intervention = Intervention.objects.create(
        case=case,
        kind="veiligheidsplan",
        responsible_organisation=_org(region.cvc_user, None),
        responsible_professional=region.cvc_user,
        start_date=date(2026, 5, 14),
        due_date=date(2026, 7, 1),
    )
    timeline_record(case=case, kind=EventKind.INTERVENTION_AGREED, data={"intervention_id": intervention.pk})
    deadline = Deadline.objects.get(case=case, subject=f"intervention:{intervention.pk}")
    assert deadline.due_at == end_of_day(date(2026, 7, 1)) and deadline.responsible_user == region.cvc_user
    timeline_record(
        case=case,
        kind=EventKind.INTERVENTION_ENDED,
        occurred_at=at(2026, 7, 2, 0, 5),
        data={"intervention_id": intervention.pk, "status": "afgerond"},
    )
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MISSED


def test_inzet_afgesproken_starts_the_trajectory_review_of_13_weeks_at_most_26(region):
    case = region.open_case()
    timeline_record(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        occurred_at=at(2026, 3, 2, 10),
        data={"from": "aangemeld", "to": "monitoring"},
    )
    assert not Deadline.objects.filter(case=case, rule__code="trajectevaluatie").exists()
    timeline_record(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        occurred_at=at(2026, 3, 2, 10),
        data={"from": "gezamenlijke_analyse", "to": "inzet_afgesproken"},
    )
    deadline = _deadline(case, "trajectevaluatie")
    assert deadline.due_at == end_of_day(date(2026, 6, 1))
    assert deadline.latest_due_at == end_of_day(date(2026, 8, 31))
    timeline_record(case=case, kind=EventKind.DISCUSSED_IN_MEETING, occurred_at=at(2026, 5, 28, 14))
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET


def test_a_destruction_request_gets_three_months_running_on_past_5_mei(region):
    case = region.open_case()
    timeline_record(case=case, kind=EventKind.DESTRUCTION_REQUESTED, occurred_at=at(2026, 2, 5, 10))
    # 5 May 2026 is a feestdag under the Atw (every year): runs on to Wednesday 6 May.
    assert _deadline(case, "vernietigingsverzoek").due_at == end_of_day(date(2026, 5, 6))


def test_a_repeated_start_event_does_not_open_a_second_deadline(region):
    case = region.open_case()
    vt = _org(region.vt_user, None)
    timeline_record(case=case, kind=EventKind.ONDERZOEK_STARTED, organisation=vt, occurred_at=at(2026, 3, 16, 11))
    timeline_record(case=case, kind=EventKind.ONDERZOEK_STARTED, organisation=vt, occurred_at=at(2026, 3, 17, 11))
    assert Deadline.objects.filter(case=case, rule__code="vt-onderzoek").count() == 1


def test_a_team_rule_overrides_the_region_default_with_the_same_code(region):
    default = DeadlineRule.objects.get(team=None, code="gezamenlijke-beoordeling")
    DeadlineRule.objects.create(
        **{
            **{
                f.name: getattr(default, f.name)
                for f in DeadlineRule._meta.concrete_fields
                if f.name not in ("id", "team")
            },
            "team": region.team,
            "term_value": 3,
        }
    )
    case = region.open_case(opened_at=at(2026, 5, 13, 10))
    deadline = _deadline(case, "gezamenlijke-beoordeling")
    assert deadline.rule.team == region.team
    assert deadline.due_at == end_of_day(date(2026, 5, 20))


def test_changing_a_rule_does_not_move_running_deadlines_until_the_admin_recomputes(region):
    case = region.open_case(opened_at=at(2026, 5, 13, 10))
    rule = DeadlineRule.objects.get(team=None, code="gezamenlijke-beoordeling")
    rule.term_value = 5
    rule.save()
    deadline = _deadline(case, "gezamenlijke-beoordeling")
    assert deadline.due_at == end_of_day(date(2026, 6, 1)) and deadline.term_value == 10
    assert deadlines_recompute(rule=rule, now=at(2026, 5, 13, 11)) == 1
    deadline.refresh_from_db()
    assert deadline.due_at == end_of_day(date(2026, 5, 22)) and deadline.term_value == 5


def _rule(**overrides):
    values = {
        "code": "test",
        "name": "Test",
        "start_event": EventKind.CASE_OPENED,
        "close_event": "",
        "term_value": 5,
        "term_unit": "working_days",
        "responsible": "vast_gezicht",
    }
    return DeadlineRule(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"term_value": -3}, "term_value", "De termijn mag niet negatief zijn."),
        ({"term_unit": "fortnights"}, "term_unit", "Onbekende eenheid: fortnights."),
        ({"reminder_offsets": "2w"}, "reminder_offsets", "Een herinnering valt vóór de start van de termijn: 2w."),
        ({"reminder_offsets": "twee dagen"}, "reminder_offsets", "Onbekende herinnering 'twee dagen'"),
        ({"max_term_value": 2}, "max_term_value", "De maximale termijn is korter dan de termijn."),
    ],
)
def test_a_bad_rule_is_refused_with_a_message_on_the_wrong_field(db, overrides, field, message):
    rule = _rule(**overrides)
    with pytest.raises(ValidationError) as excinfo:
        rule.full_clean()
    assert any(message in m for m in excinfo.value.message_dict[field])
    assert not DeadlineRule.objects.filter(code="test").exists()


def test_the_admin_refuses_a_negative_term_and_saves_nothing(db, client, login_verified):
    from tests import factories

    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    login_verified(client, admin_user)
    before = DeadlineRule.objects.count()
    response = client.post(
        "/beheer/workflows/deadlinerule/add/",
        {
            "code": "negatief",
            "name": "Negatief",
            "start_event": "case_opened",
            "close_event": "",
            "term_value": "-1",
            "term_unit": "working_days",
            "responsible": "vast_gezicht",
            "reminder_offsets": "",
            "escalation_interval_hours": "24",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "De termijn mag niet negatief zijn." in response.content.decode()
    assert DeadlineRule.objects.count() == before
