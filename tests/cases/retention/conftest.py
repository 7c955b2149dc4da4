"""A closed case full of planted fictional values, long past its retention date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connections
from django.db.models import F
from django.utils import timezone

from cases.assessments.amendments import contribution_correct, judgement_amend
from cases.assessments.models import PartnerContribution
from cases.interventions.services import intervention_agree
from cases.models import Case, Note, Participant, TimelineEvent
from cases.reporters.services import reporter_record
from cases.requests.services import family_request_decide, family_request_register
from cases.services import note_add, person_add
from partners.models import Role
from tests.factories import MembershipFactory, fictional_bsn
from tests.world import judge, open_case, set_status
from workflows.meetings.models import AgendaItem, Meeting

# Invented values that must not survive destruction anywhere in the database.
FAMILY = "Gezin Vlinderstraat-Quasimodo"
PARENT = "Anoushka Zeeverkenner"
CHILD = "Boaz Wolkenkrabber"
BSN = fictional_bsn(41)
NOTE = "Notitie over de kapotte trampoline bij oma Zilverpootje"
RATIONALE = "Onderbouwing met de naam Zilverpootje erin"
MELDER = "Melder Tuinkabouter-Kwast"
MINUTES = "Besproken: de heg van de Meidoornhaags"
PLANTED = (FAMILY, PARENT, CHILD, BSN, "Zilverpootje", "Tuinkabouter", "Kwartelkoning", "Meidoornhaag")

YEARS_AGO = timedelta(days=365 * 21)


@dataclass
class Retained:
    case: Case
    privacy_officer: object
    second_coordinator: object


def shift_into_the_past(case: Case) -> None:
    """Test setup: the case was worked on and closed 21 years ago (every moment moved back)."""
    TimelineEvent.objects.filter(case=case).update(occurred_at=F("occurred_at") - YEARS_AGO)
    Participant.objects.filter(case=case)._raw_update(started_at=F("started_at") - YEARS_AGO, ended_at=None)
    Note.objects.filter(case=case)._raw_update(created_at=F("created_at") - YEARS_AGO)
    Case.objects.filter(pk=case.pk)._raw_update(
        opened_at=F("opened_at") - YEARS_AGO, closed_at=timezone.now() - YEARS_AGO, status="afgesloten"
    )


@pytest.fixture
def retained(region) -> Retained:
    case = open_case(region, family_name=FAMILY)
    parent = person_add(
        actor=region.cvc_user, case=case, role="ouder", full_name=PARENT, bsn=BSN, date_of_birth=date(1980, 3, 1)
    )
    person_add(actor=region.cvc_user, case=case, role="jeugdige", full_name=CHILD, date_of_birth=date(2001, 6, 1))
    note_add(actor=region.cvc_user, case=case, text=NOTE)
    judgement = judge(region, case)
    # Amended and corrected through the services, so the texts sit in the versions too (never changed
    # but by the destruction's tombstone).
    judgement_amend(
        actor=region.cvc_user,
        judgement=judgement,
        expected_version=judgement.version,
        reason="Aanvulling over Zilverpootje",
        rationale=RATIONALE,
        parents_view="Ouders noemen Zilverpootje",
    )
    contribution = PartnerContribution.objects.get(assessment=judgement.assessment)
    contribution_correct(
        actor=region.cvc_user,
        contribution=contribution,
        expected_version=contribution.version,
        reason="Correctie over Zilverpootje",
        worries="Zorgen over Zilverpootje",
    )
    reporter_record(
        actor=region.vt_user, case=case, full_name=MELDER, relation="buurman", kind="prive", phone="0612345678"
    )
    intervention_agree(
        actor=region.cvc_user,
        case=case,
        kind="veiligheidsplan",
        responsible_organisation=region.cvc,
        responsible_professional=region.cvc_user,
        start_date=timezone.localdate(),
        due_date=timezone.localdate() + timedelta(days=30),
        description="Netwerkberaad met buurvrouw Kwartelkoning",
    )
    request = family_request_register(
        actor=region.cvc_user,
        case=case,
        kind="inzage",
        person=parent,
        requester_name=PARENT,
        relation="ouder",
        identity_check="document",
        received_on=timezone.localdate(),
        text="Ik wil lezen wat Zilverpootje heeft gezegd",
    )
    family_request_decide(
        actor=region.cvc_user,
        request=request,
        decision="toegewezen",
        decision_reason="Inzage gegeven in het bijzijn van Zilverpootje",
        expected_version=request.version,
    )
    # Minutes of a team meeting about the case, frozen with a snapshot (workflows erases its own copies).
    meeting = Meeting.objects.create(
        team=region.team, scheduled_at=timezone.now(), chair=region.coordinator, created_by=region.coordinator
    )
    AgendaItem.objects.create(meeting=meeting, case=case, minutes=MINUTES, snapshot={"family": FAMILY})
    set_status(case, "afgesloten")
    shift_into_the_past(case)
    privacy_officer = MembershipFactory(team=region.team, organisation=region.cvc, role=Role.PRIVACY_OFFICER).user
    second = MembershipFactory(team=region.team, organisation=region.cvc, role=Role.COORDINATOR).user
    return Retained(case=Case.objects.get(pk=case.pk), privacy_officer=privacy_officer, second_coordinator=second)


def text_columns(alias: str = "default") -> list[tuple[str, str]]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = current_schema()
                 AND data_type IN ('character varying', 'text', 'jsonb', 'json', 'character')"""
        )
        return list(cursor.fetchall())


def tables_holding(value: str, alias: str = "default") -> list[str]:
    """Every table.column of the whole database (as this connection sees it) whose text holds `value`."""
    found = []
    with connections[alias].cursor() as cursor:
        for table, column in text_columns(alias):
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE %s',  # noqa: S608 - names from the catalog
                [f"%{value}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found
