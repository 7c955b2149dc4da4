"""A team with its partners, and a case whose whole history is entered live through the services
(with the moments it happened), for the exchange tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.apps import apps
from django.utils import timezone

from cases.assessments.services import assessment_start, condition_agree, condition_check, contribution_add
from cases.interventions.services import intervention_complete, intervention_start
from cases.investigations.services import destruction_request_register, onderzoek_end, onderzoek_start
from cases.models import Case
from cases.safety_plans.services import Commitment, plan_agreement_record, plan_version_record
from cases.services import case_change, case_open, participant_add, participant_end, person_add
from partners.models import OrganisationKind, Role
from tests import factories
from tests.world import basis
from workflows.deadlines.calendar import AMSTERDAM
from workflows.deadlines.rules import load_defaults
from workflows.lifecycle.services import case_transition
from workflows.meetings.services import (
    agenda_add,
    attendance_record,
    meeting_intervention,
    meeting_judgement,
    meeting_schedule,
    minutes_record,
)


@dataclass
class World:
    team: object
    municipality: object
    cvc: object
    vt: object
    gi: object
    cvc_user: object
    vt_user: object
    gi_user: object
    coordinator: object
    admin: object
    outsider: object


def make_world(name: str = "Veiligheidsteam Uitwisseling") -> World:
    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))
    municipality = factories.MunicipalityFactory(name=f"Gemeente {name}", code=f"GM9{abs(hash(name)) % 1000:03d}")
    team = factories.SafetyTeamFactory(name=name, municipalities=[municipality])
    cvc = factories.OrganisationFactory(name=f"CVC {name}", kind=OrganisationKind.CVC)
    vt = factories.OrganisationFactory(name=f"Veilig Thuis {name}", kind=OrganisationKind.VEILIG_THUIS)
    gi = factories.OrganisationFactory(name=f"GI {name}", kind=OrganisationKind.GI)

    def member(org, role=Role.PROFESSIONAL, team=team):
        return factories.MembershipFactory(team=team, organisation=org, role=role).user

    cvc_user, vt_user, gi_user = member(cvc), member(vt), member(gi)
    coordinator = member(cvc, Role.COORDINATOR)
    admin = factories.MembershipFactory(team=None, organisation=cvc, role=Role.FUNCTIONAL_ADMIN).user
    outsider = member(factories.OrganisationFactory(), team=factories.SafetyTeamFactory())
    return World(team, municipality, cvc, vt, gi, cvc_user, vt_user, gi_user, coordinator, admin, outsider)


def base_moment(days_ago: int = 150) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(10, 0), tzinfo=AMSTERDAM)


def build_live_case(w: World, *, base: datetime | None = None, family_name: str = "Gezin Uitwisseling") -> Case:
    """A case walked from melding to afgeschaald, every step through its service at its own moment."""
    t = base or base_moment()
    h, d = timedelta(hours=1), timedelta(days=1)
    case = case_open(
        actor=w.cvc_user,
        team=w.team,
        municipality=w.municipality,
        family_name=family_name,
        intake="melding_vt",
        reported_on=t.date(),
        opened_at=t,
        vast_gezicht=w.cvc_user,
    )
    person_add(
        actor=w.cvc_user,
        case=case,
        role="jeugdige",
        full_name="Kees Uitwisseling",
        date_of_birth=(t - 3000 * d).date(),
        bsn="111222333",
        occurred_at=t,
    )
    parent = person_add(actor=w.cvc_user, case=case, role="ouder", full_name="Anna Uitwisseling", occurred_at=t)
    participant_add(
        actor=w.cvc_user,
        case=case,
        organisation=w.vt,
        professional=w.vt_user,
        role="onderzoeker",
        occurred_at=t + h,
        **basis(),
    )
    gi_participation = participant_add(
        actor=w.cvc_user,
        case=case,
        organisation=w.gi,
        professional=w.gi_user,
        role="jeugdbeschermer",
        occurred_at=t + 2 * h,
        **basis(),
    )

    def move(to, at, actor=w.cvc_user):
        case_transition(
            actor=actor, case=case, to=to, reason=f"Naar {to}", expected_version=case.version, occurred_at=at
        )

    move("veiligheidsbeoordeling", t + d)
    # Veilig Thuis' onderzoek, registered by date (the event lies at the end of those days).
    onderzoek_start(actor=w.vt_user, case=case, kind="vt", started_on=(t + 2 * d).date())
    assessment = assessment_start(actor=w.cvc_user, case=case, occurred_at=t + d + h)
    contribution_add(
        actor=w.vt_user,
        assessment=assessment,
        safety_score=3,
        classification="structureel",
        worries="Zorgen over de thuissituatie.",
        risk_level="middel",
        occurred_at=t + 2 * d,
    )
    contribution_add(
        actor=w.cvc_user,
        assessment=assessment,
        safety_score=5,
        classification="structureel",
        strengths="Grootmoeder helpt.",
        occurred_at=t + 3 * d,
    )
    move("gezamenlijke_analyse", t + 4 * d)
    meeting = meeting_schedule(
        actor=w.coordinator, team=w.team, scheduled_at=t + 6 * d, chair=w.coordinator, location="Stadskantoor"
    )
    item = agenda_add(actor=w.coordinator, meeting=meeting, case=case)
    attendance_record(actor=w.coordinator, meeting=meeting, user=w.cvc_user, organisation=w.cvc)
    attendance_record(actor=w.coordinator, meeting=meeting, user=w.vt_user, organisation=w.vt)
    judgement = meeting_judgement(
        actor=w.coordinator,
        item=item,
        occurred_at=t + 6 * d + h,
        classification="structureel",
        joint_score=4,
        rationale="Samen beoordeeld.",
        parents_view="Wij willen hulp.",
        parents_present=True,
        dissents=[(w.gi, "De GI schat het onveiliger in.")],
    )
    condition = condition_agree(
        actor=w.cvc_user,
        judgement=judgement,
        description="Vader slaapt elders.",
        owner_organisation=w.cvc,
        owner=w.cvc_user,
        check_date=(t + 20 * d).date(),
        occurred_at=t + 6 * d + 2 * h,
    )
    intervention = meeting_intervention(
        actor=w.coordinator,
        item=item,
        occurred_at=t + 6 * d + 3 * h,
        kind="veiligheidsplan",
        responsible_organisation=w.cvc,
        responsible_professional=w.cvc_user,
        start_date=(t + 7 * d).date(),
        due_date=(t + 30 * d).date(),
        description="Netwerkberaad",
    )
    minutes_record(actor=w.coordinator, item=item, minutes="Besproken.", expected_version=None)
    move("inzet_afgesproken", t + 7 * d)
    # The family's veiligheidsplan: agreed on paper by the mother and by the CVC, evaluated and revised.
    first_plan = plan_version_record(
        actor=w.cvc_user,
        case=case,
        expected_version=0,
        danger_statements=["We zijn bang dat Kees thuis weer geslagen wordt."],
        safety_goals=[{"text": "Kees is thuis veilig.", "scale": 4}],
        commitments=[Commitment(parent, "Moeder belt grootmoeder als het thuis misgaat.")],
        warning_signs=[{"sign": "Vader drinkt", "action": "Moeder belt grootmoeder"}],
        monitoring="Het vaste gezicht belt elke week.",
        evaluation_on=(t + 21 * d).date(),
        occurred_at=t + 7 * d + 2 * h,
    )
    plan_agreement_record(
        actor=w.cvc_user,
        version=first_plan,
        person=parent,
        agreed_on=(t + 7 * d).date(),
        way="paper",
        occurred_at=t + 7 * d + 3 * h,
    )
    plan_agreement_record(
        actor=w.cvc_user,
        version=first_plan,
        organisation=w.cvc,
        agreed_on=(t + 7 * d).date(),
        way="meeting",
        occurred_at=t + 7 * d + 4 * h,
    )
    plan_version_record(
        actor=w.cvc_user,
        case=case,
        expected_version=1,
        danger_statements=["We zijn bang dat Kees thuis weer geslagen wordt."],
        safety_goals=[{"text": "Kees is thuis veilig.", "scale": 6}],
        commitments=[Commitment(parent, "Moeder belt grootmoeder als het thuis misgaat.")],
        monitoring="Het vaste gezicht belt elke twee weken.",
        evaluation_on=(t + 45 * d).date(),
        conditions=[condition],
        interventions=[intervention],
        reason="Geëvalueerd: het gaat beter.",
        occurred_at=t + 21 * d,
    )
    # A handover of the vast gezicht, and back.
    case_change(actor=w.coordinator, case=case, expected_version=None, vast_gezicht=w.gi_user, occurred_at=t + 9 * d)
    case_change(actor=w.coordinator, case=case, expected_version=None, vast_gezicht=w.cvc_user, occurred_at=t + 12 * d)
    onderzoek_end(actor=w.vt_user, case=case, kind="vt", ended_on=(t + 20 * d).date())
    intervention_start(actor=w.cvc_user, intervention=intervention, expected_version=None, occurred_at=t + 8 * d)
    # Checked five days late: the condition's deadline is missed.
    condition_check(actor=w.cvc_user, condition=condition, met=True, expected_version=None, occurred_at=t + 25 * d)
    intervention_complete(
        actor=w.cvc_user, intervention=intervention, result="Plan staat.", expected_version=None, occurred_at=t + 28 * d
    )
    move("monitoring", t + 29 * d)
    review = meeting_schedule(actor=w.coordinator, team=w.team, scheduled_at=t + 40 * d, chair=w.coordinator)
    review_item = agenda_add(actor=w.coordinator, meeting=review, case=case)
    minutes_record(
        actor=w.coordinator,
        item=review_item,
        minutes="Evaluatie: gaat goed.",
        expected_version=None,
        occurred_at=t + 40 * d,
    )
    move("afgeschaald", t + 50 * d)
    participant_end(actor=w.cvc_user, participant=gi_participation, occurred_at=t + 51 * d)
    # After the case was handed back, the mother asks for the file to be destroyed.
    destruction_request_register(actor=w.cvc_user, case=case, requested_on=(t + 52 * d).date(), requested_by=parent)
    return case


def normalised(document: dict) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1)


def minimal_document(w: World, reference: str, *, opened_days_ago: int = 30, **overrides) -> dict:
    """A small valid document: a case with one child, opened by the CVC professional."""
    opened = base_moment(opened_days_ago)
    doc = {
        "format": "veiligheidsteam/case-v1",
        "external_reference": reference,
        "source_organisation": w.cvc.name,
        "team": w.team.name,
        "municipality": w.municipality.code,
        "family_name": f"Gezin {reference}",
        "intake": "signaal_lokaal_team",
        "reported_on": opened.date().isoformat(),
        "opened_at": opened.isoformat(),
        "opened_by": w.cvc_user.username,
        "vast_gezicht": w.cvc_user.username,
        "persons": [
            {
                "key": "k1",
                "role": "jeugdige",
                "full_name": "Kind Test",
                "date_of_birth": "2019-04-01",
                "bsn": "111222333",
            }
        ],
        "participants": [
            {
                "organisation": w.cvc.name,
                "professional": w.cvc_user.username,
                "role": "vast_gezicht",
                "since": opened.isoformat(),
                "until": None,
            },
            {
                "organisation": w.vt.name,
                "professional": w.vt_user.username,
                "role": "onderzoeker",
                "since": (opened + timedelta(hours=1)).isoformat(),
                "until": None,
            },
        ],
        "status_history": [
            {
                "type": "transition",
                "at": (opened + timedelta(days=1)).isoformat(),
                "by": w.cvc_user.username,
                "to": "veiligheidsbeoordeling",
                "reason": "Beoordeling gestart",
            },
        ],
    }
    doc.update(overrides)
    return doc
