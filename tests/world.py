"""The one test world: a team with its partners (CVC, Veilig Thuis, the Raad, a GI), a professional of
each, a coordinator, and an outsider in another team; plus the building blocks tests share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from cases.assessments.models import JointJudgement
from cases.assessments.services import assessment_start, contribution_add, judgement_record
from cases.legal_bases.defaults import legal_bases_ensure
from cases.models import BasisKind, Case, Intake, LegalBasis
from cases.services import case_open, participant_add
from partners.models import Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, SafetyTeamFactory, UserFactory
from workflows.deadlines.calendar import AMSTERDAM


def at(*args) -> datetime:
    """An aware Amsterdam moment: at(2026, 5, 13, 10)."""
    return datetime(*args, tzinfo=AMSTERDAM)


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@dataclass
class Region:
    team: object
    cvc: Organisation
    vt: Organisation
    rvdk: Organisation
    gi: Organisation
    cvc_user: object
    vt_user: object
    rvdk_user: object
    gi_user: object
    coordinator: object  # of the CVC
    outsider: object  # a CVC professional of another team

    def open_case(
        self,
        *,
        intake=Intake.SIGNAAL_LOKAAL_TEAM,
        reported_on=date(2026, 5, 13),
        opened_at=None,
        actor=None,
        vast_gezicht=None,
    ) -> Case:
        """A case of this team at a fixed moment (the deadline tests count from it); no partners yet."""
        actor = actor or self.cvc_user
        return case_open(
            actor=actor,
            team=self.team,
            municipality=self.team.municipalities.first(),
            family_name="Gezin Testfamilie",
            intake=intake,
            reported_on=reported_on,
            vast_gezicht=vast_gezicht or actor,
            opened_at=opened_at or at(2026, 5, 13, 10),
        )


DEFAULT_TEST_BASIS = "jeugdwet-7-3-11-lid-4"


def basis(code: str = DEFAULT_TEST_BASIS, *, purpose: str = "Gezamenlijke veiligheidsbeoordeling.") -> dict:
    """What `participant_add` needs besides who: a statutory basis of the region's list and a purpose.
    The web form and the API take the same names (with the basis's id)."""
    legal_basis = LegalBasis.objects.filter(code=code).first()
    if legal_basis is None:  # a test that empties the database (transactional) loses the migration's rows
        legal_bases_ensure()
        legal_basis = LegalBasis.objects.get(code=code)
    return {"basis_kind": BasisKind.WETTELIJK, "legal_basis": legal_basis, "purpose": purpose}


def basis_post(code: str = DEFAULT_TEST_BASIS) -> dict:
    """`basis` as form or JSON fields."""
    values = basis(code)
    return {**values, "legal_basis": values["legal_basis"].pk}


# Members since long before any fixed moment a test uses: a reminder swept "in July 2026" still
# reaches them, whatever today's date is when the tests run.
MEMBERS_SINCE = date(2020, 1, 1)


def make_region() -> Region:
    team = SafetyTeamFactory()
    organisations = {kind: OrganisationFactory(kind=kind) for kind in ("cvc", "veilig_thuis", "rvdk", "gi")}
    users = {
        kind: MembershipFactory(team=team, organisation=organisation, user=UserFactory(), start_date=MEMBERS_SINCE).user
        for kind, organisation in organisations.items()
    }
    coordinator = MembershipFactory(
        team=team, organisation=organisations["cvc"], role=Role.COORDINATOR, start_date=MEMBERS_SINCE
    ).user
    outsider = MembershipFactory(organisation=OrganisationFactory(kind="cvc"), start_date=MEMBERS_SINCE).user
    return Region(
        team=team,
        cvc=organisations["cvc"],
        vt=organisations["veilig_thuis"],
        rvdk=organisations["rvdk"],
        gi=organisations["gi"],
        cvc_user=users["cvc"],
        vt_user=users["veilig_thuis"],
        rvdk_user=users["rvdk"],
        gi_user=users["gi"],
        coordinator=coordinator,
        outsider=outsider,
    )


def open_case(region: Region, *, family_name: str = "Gezin Jansen", with_partners: bool = True) -> Case:
    """A case opened yesterday by the CVC professional; VT and the GI take part when `with_partners`."""
    case = case_open(
        actor=region.cvc_user,
        team=region.team,
        municipality=region.team.municipalities.first(),
        family_name=family_name,
        intake="melding_vt",
        reported_on=timezone.localdate() - timedelta(days=1),
    )
    if with_partners:
        participant_add(
            actor=region.cvc_user,
            case=case,
            organisation=region.vt,
            professional=region.vt_user,
            role="onderzoeker",
            **basis("wmo-2015-4-1-1"),
        )
        participant_add(
            actor=region.cvc_user,
            case=case,
            organisation=region.gi,
            professional=region.gi_user,
            role="jeugdbeschermer",
            **basis("gi-kinderbeschermingsmaatregel"),
        )
    return case


def judge(region: Region, case: Case, *, score: int = 4, classification: str = "structureel") -> JointJudgement:
    """One complete assessment round: a contribution of the CVC and the joint judgement."""
    assessment = assessment_start(actor=region.cvc_user, case=case)
    contribution_add(actor=region.cvc_user, assessment=assessment, safety_score=score, classification=classification)
    return judgement_record(
        actor=region.cvc_user,
        assessment=assessment,
        classification=classification,
        joint_score=score,
        rationale="Zorgen over veiligheid thuis.",
    )


def set_status(case: Case, status: str) -> Case:
    """Test setup only: put a case in a status without walking the whole path."""
    case.status = status
    case.save(update_fields=["status"])
    return case
