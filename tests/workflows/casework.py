"""Building blocks for the workflow tests: a team with its partners and a case they work on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from cases.assessments.models import JointJudgement
from cases.assessments.services import assessment_start, contribution_add, judgement_record
from cases.models import Case
from cases.services import case_open, participant_add
from partners.models import Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, SafetyTeamFactory, UserFactory


@dataclass
class Region:
    team: object
    cvc: Organisation
    vt: Organisation
    gi: Organisation
    cvc_user: object
    vt_user: object
    gi_user: object
    coordinator: object


def make_region() -> Region:
    """A team with CVC, Veilig Thuis and a GI, one professional each and a coordinator (of the CVC)."""
    team = SafetyTeamFactory()
    cvc = OrganisationFactory(kind="cvc")
    vt = OrganisationFactory(kind="veilig_thuis")
    gi = OrganisationFactory(kind="gi")
    users = {}
    for name, organisation in (("cvc", cvc), ("vt", vt), ("gi", gi)):
        users[name] = MembershipFactory(team=team, organisation=organisation, user=UserFactory()).user
    coordinator = MembershipFactory(team=team, organisation=cvc, role=Role.COORDINATOR).user
    return Region(team, cvc, vt, gi, users["cvc"], users["vt"], users["gi"], coordinator)


def open_case(region: Region, *, family_name: str = "Gezin Jansen", with_partners: bool = True) -> Case:
    """A case opened by the CVC professional; VT (and the GI) take part when `with_partners`."""
    case = case_open(
        actor=region.cvc_user, team=region.team, municipality=region.team.municipalities.first(),
        family_name=family_name, intake="melding_vt", reported_on=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    if with_partners:
        participant_add(actor=region.cvc_user, case=case, organisation=region.vt, professional=region.vt_user,
                        role="onderzoeker")  # fmt: skip
        participant_add(actor=region.cvc_user, case=case, organisation=region.gi, professional=region.gi_user,
                        role="jeugdbeschermer")  # fmt: skip
    return case


def judge(region: Region, case: Case, *, score: int = 4, classification: str = "structureel") -> JointJudgement:
    """One complete assessment round: a contribution of the CVC and the joint judgement."""
    assessment = assessment_start(actor=region.cvc_user, case=case)
    contribution_add(actor=region.cvc_user, assessment=assessment, safety_score=score, classification=classification)
    return judgement_record(actor=region.cvc_user, assessment=assessment, classification=classification,
                            joint_score=score, rationale="Zorgen over veiligheid thuis.")  # fmt: skip


def set_status(case: Case, status: str) -> Case:
    """Test setup only: put a case in a status without walking the whole path."""
    case.status = status
    case.save(update_fields=["status"])
    return case


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)
