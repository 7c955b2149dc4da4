import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.assessments.services import condition_agree, condition_check
from cases.exceptions import ConcurrentEditError
from cases.interventions.services import intervention_agree, intervention_complete, intervention_start
from cases.models import Case, CaseStatus, EventKind, TimelineEvent
from cases.versioning import VERSION_REQUIRED
from tests.html_forms import form_data
from tests.world import in_days, judge, make_region, open_case, set_status
from workflows.lifecycle.services import (
    TRANSITIONS,
    case_flag_crisis,
    case_reopen,
    case_resolve_crisis,
    case_transition,
)

S = CaseStatus


def _move(region, case, to, *, actor=None, **kwargs):
    return case_transition(
        actor=actor or region.cvc_user,
        case=case,
        to=to,
        reason="Besproken in het team",
        expected_version=case.version,
        **kwargs,
    )


def _agree(region, case, **kwargs):
    values = dict(
        kind="veiligheidsplan",
        responsible_organisation=region.cvc,
        responsible_professional=region.cvc_user,
        start_date=in_days(0),
        due_date=in_days(30),
    )
    values.update(kwargs)
    return intervention_agree(actor=region.cvc_user, case=case, **values)


def _unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.status, fresh.version, fresh.timeline.filter(kind=EventKind.STATUS_CHANGED).count()


def test_transition_table_knows_only_the_designed_path():
    assert (S.AANGEMELD, S.VEILIGHEIDSBEOORDELING) in TRANSITIONS
    assert (S.AANGEMELD, S.MONITORING) not in TRANSITIONS
    assert all(frm not in (S.AFGESLOTEN, S.AFGESCHAALD) for frm, _ in TRANSITIONS)


def test_case_walks_the_path_and_every_step_records_who_why_and_from_to(region):
    case = open_case(region)
    _move(region, case, S.VEILIGHEIDSBEOORDELING)
    judge(region, case)
    _move(region, case, S.GEZAMENLIJKE_ANALYSE)
    intervention = _agree(region, case)
    _move(region, case, S.INZET_AFGESPROKEN)
    _move(region, case, S.MONITORING)
    intervention_start(actor=region.cvc_user, intervention=intervention, expected_version=intervention.version)
    intervention_complete(
        actor=region.cvc_user, intervention=intervention, result="Plan werkt", expected_version=intervention.version
    )
    _move(region, case, S.AFGESCHAALD)

    case.refresh_from_db()
    assert case.status == S.AFGESCHAALD and case.closed_at is not None
    events = list(case.timeline.filter(kind=EventKind.STATUS_CHANGED).order_by("id"))
    assert [(e.data["from"], e.data["to"]) for e in events] == [
        ("aangemeld", "veiligheidsbeoordeling"),
        ("veiligheidsbeoordeling", "gezamenlijke_analyse"),
        ("gezamenlijke_analyse", "inzet_afgesproken"),
        ("inzet_afgesproken", "monitoring"),
        ("monitoring", "afgeschaald"),
    ]
    assert all(e.actor == region.cvc_user and e.summary == "Besproken in het team" for e in events)
    assert all(e.organisation == region.cvc for e in events)
    assert case.version == 6


def test_no_move_to_inzet_afgesproken_without_a_completed_joint_judgement(region):
    case = open_case(region)
    set_status(case, S.GEZAMENLIJKE_ANALYSE)
    before = _unchanged(case)
    with pytest.raises(ValidationError) as refusal:
        _move(region, case, S.INZET_AFGESPROKEN)
    assert "gezamenlijk oordeel" in str(refusal.value)
    assert _unchanged(case) == before


def test_a_judgement_of_an_earlier_episode_does_not_count(region):
    case = open_case(region)
    judge(region, case)
    set_status(case, S.AFGESLOTEN)
    case_reopen(actor=region.cvc_user, case=case, reason="Nieuwe melding", expected_version=case.version)
    set_status(case, S.GEZAMENLIJKE_ANALYSE)
    with pytest.raises(ValidationError, match="gezamenlijk oordeel"):
        _move(region, case, S.INZET_AFGESPROKEN)


def test_a_transition_from_the_wrong_state_is_refused_with_a_clear_message(region):
    case = open_case(region)
    before = _unchanged(case)
    with pytest.raises(ValidationError) as refusal:
        _move(region, case, S.MONITORING)
    assert refusal.value.message_dict["to"] == ["Van 'aangemeld' kan de casus niet naar 'monitoring'."]
    assert _unchanged(case) == before


def test_a_transition_needs_a_reason(region):
    case = open_case(region)
    with pytest.raises(ValidationError) as refusal:
        case_transition(
            actor=region.cvc_user, case=case, to=S.VEILIGHEIDSBEOORDELING, reason="  ", expected_version=case.version
        )
    assert "reason" in refusal.value.message_dict


def test_a_stale_version_is_refused_and_nothing_changes(region):
    case = open_case(region)
    stale = Case.objects.get(pk=case.pk)
    _move(region, case, S.VEILIGHEIDSBEOORDELING)
    with pytest.raises(ConcurrentEditError) as raised:
        case_transition(
            actor=region.vt_user, case=stale, to=S.VEILIGHEIDSBEOORDELING, reason="x", expected_version=stale.version
        )
    assert Case.objects.get(pk=case.pk).version == case.version
    assert raised.value.changed_fields["status"] == (S.AANGEMELD, S.VEILIGHEIDSBEOORDELING)


def test_no_closure_while_interventions_are_open(region):
    case = open_case(region)
    judge(region, case)
    _agree(region, case)
    set_status(case, S.MONITORING)
    before = _unchanged(case)
    for target in (S.AFGESLOTEN, S.AFGESCHAALD):
        with pytest.raises(ValidationError, match="1 openstaande inzet"):
            _move(region, case, target)
    assert _unchanged(case) == before


def test_no_closure_while_a_veiligheidsvoorwaarde_is_open_or_not_met(region):
    case = open_case(region)
    judgement = judge(region, case)
    condition = condition_agree(
        actor=region.cvc_user,
        judgement=judgement,
        description="Vader niet thuis",
        owner_organisation=region.vt,
        owner=region.vt_user,
        check_date=in_days(7),
    )
    set_status(case, S.MONITORING)
    with pytest.raises(ValidationError, match="1 niet-nagekomen"):
        _move(region, case, S.AFGESLOTEN)
    condition_check(actor=region.vt_user, condition=condition, met=False, expected_version=condition.version)
    with pytest.raises(ValidationError, match="1 niet-nagekomen"):
        _move(region, case, S.AFGESLOTEN)
    assert Case.objects.get(pk=case.pk).status == S.MONITORING


def test_a_professional_cannot_close_with_open_items_even_with_a_reason(region):
    case = open_case(region)
    judge(region, case)
    _agree(region, case)
    set_status(case, S.MONITORING)
    with pytest.raises(ValidationError, match="Alleen een coördinator"):
        _move(region, case, S.AFGESLOTEN, override_reason="Gezin verhuisd")
    assert Case.objects.get(pk=case.pk).status == S.MONITORING


def test_a_coordinator_may_close_with_open_items_by_recording_why(region):
    case = open_case(region)
    judge(region, case)
    _agree(region, case)
    set_status(case, S.MONITORING)
    _move(region, case, S.AFGESLOTEN, actor=region.coordinator, override_reason="Gezin verhuisd naar het buitenland")
    event = case.timeline.filter(kind=EventKind.STATUS_CHANGED).get()
    assert event.data == {"from": "monitoring", "to": "afgesloten", "override": True}
    assert "Gezin verhuisd naar het buitenland" in event.summary
    assert event.actor == region.coordinator
    assert Case.objects.get(pk=case.pk).status == S.AFGESLOTEN


@pytest.mark.parametrize("status", [s for s in S.values if s not in ("afgesloten", "afgeschaald")])
def test_acute_unsafety_can_be_flagged_from_every_open_state(region, status):
    case = set_status(open_case(region), status)
    case_flag_crisis(actor=region.vt_user, case=case, reason="Kind met letsel op school", expected_version=case.version)
    case.refresh_from_db()
    assert case.crisis is True and case.status == status
    event = case.timeline.get(kind=EventKind.CRISIS_FLAGGED)
    assert event.actor == region.vt_user and event.organisation == region.vt
    assert event.summary == "Kind met letsel op school"


def test_a_closed_case_cannot_be_flagged_as_crisis(region):
    case = set_status(open_case(region), S.AFGESLOTEN)
    with pytest.raises(ValidationError, match="Heropen"):
        case_flag_crisis(actor=region.vt_user, case=case, reason="x", expected_version=case.version)


def test_the_crisis_path_allows_a_crisis_intervention_first_and_blocks_closure_until_resolved(region):
    case = open_case(region)
    with pytest.raises(ValidationError):
        _agree(region, case, kind="crisisinterventie")
    case_flag_crisis(actor=region.vt_user, case=case, reason="Acuut", expected_version=case.version)
    crisis = _agree(
        region,
        case,
        kind="crisisinterventie",
        responsible_organisation=region.vt,
        responsible_professional=region.vt_user,
    )
    with pytest.raises(ValidationError, match="gezamenlijk oordeel"):
        _agree(region, case, kind="ots")
    intervention_start(actor=region.vt_user, intervention=crisis, expected_version=crisis.version)
    intervention_complete(
        actor=region.vt_user, intervention=crisis, result="Kind veilig bij oma", expected_version=crisis.version
    )
    with pytest.raises(ValidationError, match="crisispad"):
        _move(region, case, S.AFGESLOTEN)
    case_resolve_crisis(actor=region.vt_user, case=case, reason="Veilig", expected_version=case.version)
    _move(region, case, S.AFGESLOTEN)
    assert Case.objects.get(pk=case.pk).status == S.AFGESLOTEN


def test_reopening_a_closed_case_starts_a_new_episode_as_a_re_report(region):
    case = set_status(open_case(region), S.AFGESLOTEN)
    last_before = case.timeline.order_by("-id").values_list("id", flat=True).first()
    case_reopen(actor=region.cvc_user, case=case, reason="Nieuwe melding van school", expected_version=case.version)
    case.refresh_from_db()
    assert (case.status, case.episode, case.closed_at) == (S.AANGEMELD, 2, None)
    # One entry for the one step: the new episode, the move and the reason together.
    [reopened] = case.timeline.filter(id__gt=last_before)
    assert reopened.kind == EventKind.CASE_REOPENED and reopened.episode == 2
    assert reopened.data == {"episode": 2, "from": "afgesloten", "to": "aangemeld"}
    assert reopened.summary == "Nieuwe melding van school"


def test_an_open_case_cannot_be_reopened(region):
    case = open_case(region)
    with pytest.raises(ValidationError, match="Alleen een gesloten casus"):
        case_reopen(actor=region.cvc_user, case=case, reason="x", expected_version=case.version)
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.CASE_REOPENED).count() == 0


def test_the_status_page_refuses_a_guarded_step_with_its_reason_and_saves_nothing(region, login_verified, client):
    case = set_status(open_case(region), S.GEZAMENLIJKE_ANALYSE)
    login_verified(client, region.cvc_user)
    url = reverse("case-status", kwargs={"case_id": case.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"step": "to:inzet_afgesproken", "reason": "Besproken", "version": case.version})
    assert response.status_code == 400
    assert "Eerst moet het gezamenlijk oordeel van deze episode zijn vastgelegd." in response.content.decode()
    assert _unchanged(case)[0] == S.GEZAMENLIJKE_ANALYSE


def test_the_status_page_flags_a_crisis_and_answers_409_on_a_stale_version(region, login_verified, client):
    case = open_case(region)
    login_verified(client, region.vt_user)
    url = reverse("case-status", kwargs={"case_id": case.pk})
    assert client.post(url, {"step": "crisis", "reason": "Acuut", "version": case.version}).status_code == 302
    assert Case.objects.get(pk=case.pk).crisis is True
    assert client.post(url, {"step": "resolve_crisis", "reason": "x", "version": case.version}).status_code == 409


def test_a_stale_status_step_shows_the_colleagues_crisis_beside_ones_step_and_takes_it_only_when_sent_again(
    region, login_verified, client
):
    from django.test import Client

    case = open_case(region)
    url = reverse("case-status", kwargs={"case_id": case.pk})
    colleague = Client()
    login_verified(colleague, region.vt_user)
    login_verified(client, region.cvc_user)
    loaded = form_data(client.get(url).content.decode())
    flagged = {**form_data(colleague.get(url).content.decode()), "step": "crisis", "reason": "Acuut"}
    assert colleague.post(url, flagged).status_code == 302

    stale = client.post(url, {**loaded, "step": "to:veiligheidsbeoordeling", "reason": "Start"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "gewijzigd (Acute onveiligheid)" in body
    assert re.search(
        r"Acute onveiligheid <span class=\"tag\">gewijzigd door een collega</span></th>\s*"
        r"<td>ja</td>\s*<td>—</td>",
        body,
    )
    assert re.search(r"Stap</th>\s*<td>—</td>\s*<td>Naar veiligheidsbeoordeling</td>", body)
    assert re.search(r"Reden</th>\s*<td>—</td>\s*<td>Start</td>", body)
    reshown = form_data(body)
    assert (reshown["reason"], reshown["version"]) == ("", "2")
    assert 'value="resolve_crisis"' in body  # the steps are those of the case as it is now

    as_shown = client.post(url, reshown)
    assert as_shown.status_code == 400
    assert _unchanged(case)[:2] == (S.AANGEMELD, 2) and Case.objects.get(pk=case.pk).crisis
    again = {**reshown, "step": "to:veiligheidsbeoordeling", "reason": "Start"}
    assert client.post(url, again).status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.crisis, fresh.version) == (S.VEILIGHEIDSBEOORDELING, True, 3)


@pytest.mark.parametrize("version", [None, "", "1.5.0"])
def test_a_status_step_without_a_usable_version_is_refused_and_nothing_changes(region, login_verified, client, version):
    case = open_case(region)
    login_verified(client, region.vt_user)
    url = reverse("case-status", kwargs={"case_id": case.pk})
    data = {"step": "crisis", "reason": "Acuut"}
    response = client.post(url, data if version is None else {**data, "version": version})
    assert response.status_code == 400 and str(VERSION_REQUIRED) in response.content.decode()
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.crisis, fresh.version) == (False, case.version)


def test_the_api_takes_the_same_steps_and_refuses_a_stale_one_with_409(region, login_verified, client):
    case = open_case(region)
    login_verified(client, region.vt_user)
    url = f"/api/v1/cases/{case.pk}/transitions/"
    moved = client.post(url, {"step": "to:veiligheidsbeoordeling", "reason": "Start", "version": case.version})
    assert moved.status_code == 200, moved.content
    flagged = client.post(url, {"step": "crisis", "reason": "Acuut", "version": case.version + 1})
    assert flagged.status_code == 200, flagged.content
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.crisis, fresh.version) == (S.VEILIGHEIDSBEOORDELING, True, case.version + 2)
    stale = client.post(url, {"step": "resolve_crisis", "reason": "x", "version": case.version})
    assert stale.status_code == 409
    assert Case.objects.get(pk=case.pk).crisis is True


def test_the_status_page_of_a_foreign_case_answers_404(region, login_verified, client):
    case = open_case(region)
    login_verified(client, make_region().coordinator)
    assert client.get(reverse("case-status", kwargs={"case_id": case.pk})).status_code == 404
