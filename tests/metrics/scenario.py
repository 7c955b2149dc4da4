"""A small hand-built region for the metrics tests: every date known, every metric countable by hand.

Names, BSNs and texts are distinctive so that the export tests can prove none of them leaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from cases.documents.models import ChildMeasure
from cases.interventions.models import Intervention
from cases.models import Case, CaseStatus, EventKind, Note, Participant, Person, PersonRole
from cases.timeline import timeline_record
from partners.models import OrganisationKind, Role
from tests import factories

AMS = ZoneInfo("Europe/Amsterdam")
SECRET_STRINGS = [
    "Zebediah Quaxworth",
    "Ottoline Vrijzinnig-Plompert",
    "Kwispeltje Quaxworth",
    "Gezin Quaxworth",
    "Geheime notitie over de kelder aan de Distelweg 17",
    "Samenvatting met Distelweg 17 en telefoon 0612345678",
    "111222333",
    "123456782",
    "Distelweg 17",
]
BIRTH_DATES = [date(2020, 6, 1), date(2024, 12, 1), date(1990, 3, 14)]


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 12, 0, tzinfo=AMS)


@dataclass
class Scenario:
    team: object
    municipality: object
    evaluator: object
    orgs: dict
    users: dict
    cases: dict = field(default_factory=dict)


def build() -> Scenario:
    municipality = factories.MunicipalityFactory(name="Bergen op Zoom", code="GM0748")
    team = factories.SafetyTeamFactory(name="=HYPERLINK(team)", municipalities=[municipality])
    orgs = {
        "cvc": factories.OrganisationFactory(kind=OrganisationKind.CVC),
        "vt": factories.OrganisationFactory(kind=OrganisationKind.VEILIG_THUIS),
        "gi": factories.OrganisationFactory(kind=OrganisationKind.GI),
    }
    users = {}
    for name, org in (("p1", "cvc"), ("p2", "cvc"), ("p3", "vt"), ("p4", "gi")):
        users[name] = factories.MembershipFactory(team=team, organisation=orgs[org], role=Role.PROFESSIONAL).user
    evaluator = factories.MembershipFactory(team=team, organisation=orgs["cvc"], role=Role.EVALUATOR).user
    s = Scenario(team=team, municipality=municipality, evaluator=evaluator, orgs=orgs, users=users)

    def case(ref: str, opened: datetime, status: str) -> Case:
        c = Case.objects.create(
            reference=ref,
            family_name="Gezin Quaxworth",
            team=team,
            municipality=municipality,
            status=status,
            intake="melding_vt",
            reported_on=opened.date(),
            opened_at=opened,
            created_by=users["p1"],
        )
        s.cases[ref] = c
        return c

    def event(c: Case, kind: str, when: datetime, **data) -> None:
        timeline_record(case=c, kind=kind, occurred_at=when, data=data, summary=SECRET_STRINGS[5])

    def participate(c: Case, user: str, org: str, when: datetime) -> None:
        Participant.objects.create(
            case=c,
            organisation=orgs[org],
            professional=users[user],
            role="betrokken",
            basis_kind="niet_vastgelegd",
            started_at=when,
        )

    def intervention(c: Case, kind: str, agreed: datetime, episode: int = 1) -> Intervention:
        return Intervention.objects.create(
            case=c,
            episode=episode,
            kind=kind,
            responsible_organisation=orgs["cvc"],
            responsible_professional=users["p1"],
            start_date=agreed.date(),
            due_date=date(2026, 1, 1),
            agreed_at=agreed,
            description=SECRET_STRINGS[4],
        )

    def child_measure(c: Case, child: Person, kind: str, starts: date, planned_end: date | None = None):
        return ChildMeasure.objects.create(
            case=c,
            child=child,
            measure=kind,
            decided_on=starts - timedelta(days=1),
            starts_on=starts,
            planned_end=planned_end,
            organisation=orgs["gi"],
            recorded_by=users["p4"],
            recorded_at=at(starts.year, starts.month, starts.day),
        )

    # Case A: opened 10 Jan 2025, closed 11 Mar 2025 (60 days); one handover; scores 3 -> 7.
    a = case("VT-A", at(2025, 1, 10), CaseStatus.AFGESLOTEN)
    child1 = Person.objects.create(
        case=a, role=PersonRole.JEUGDIGE, full_name=SECRET_STRINGS[0], bsn="111222333", date_of_birth=BIRTH_DATES[0]
    )
    child2 = Person.objects.create(
        case=a, role=PersonRole.JEUGDIGE, full_name=SECRET_STRINGS[2], date_of_birth=BIRTH_DATES[1]
    )
    Person.objects.create(
        case=a, role=PersonRole.OUDER, full_name=SECRET_STRINGS[1], bsn="123456782", date_of_birth=BIRTH_DATES[2]
    )
    Note.objects.create(case=a, author=users["p1"], organisation=orgs["cvc"], text=SECRET_STRINGS[4])
    participate(a, "p1", "cvc", at(2025, 1, 10))
    participate(a, "p2", "cvc", at(2025, 2, 15))
    participate(a, "p3", "vt", at(2025, 1, 12))
    event(a, EventKind.CASE_OPENED, at(2025, 1, 10))
    event(a, EventKind.VAST_GEZICHT_ASSIGNED, at(2025, 1, 10), user_id=users["p1"].pk)
    event(a, EventKind.CONTRIBUTION_ADDED, at(2025, 1, 18), score=4, organisation_kind="veilig_thuis")
    event(
        a,
        EventKind.JUDGEMENT_RECORDED,
        at(2025, 1, 20),
        assessment_id=1,
        judgement_id=1,
        joint_score=3,
        classification="structureel",
    )
    ots = intervention(a, "ots", at(2025, 1, 25))
    intervention(a, "veiligheidsplan", at(2025, 1, 25))
    event(a, EventKind.INTERVENTION_AGREED, at(2025, 1, 25), intervention_id=ots.pk)
    event(a, EventKind.INTERVENTION_STARTED, at(2025, 2, 1), intervention_id=ots.pk, status="lopend")
    event(a, EventKind.VAST_GEZICHT_ASSIGNED, at(2025, 2, 15), user_id=users["p2"].pk)
    event(
        a,
        EventKind.JUDGEMENT_RECORDED,
        at(2025, 3, 1),
        assessment_id=2,
        judgement_id=2,
        joint_score=7,
        classification="geen",
    )
    event(a, EventKind.STATUS_CHANGED, at(2025, 3, 11), **{"from": "monitoring", "to": "afgesloten"})

    # Case B: opened 15 Jan 2025, judged after 4 days, agreed after 30; the same vast gezicht twice.
    b = case("VT-B", at(2025, 1, 15), CaseStatus.MONITORING)
    participate(b, "p1", "cvc", at(2025, 1, 15))
    event(b, EventKind.CASE_OPENED, at(2025, 1, 15))
    event(b, EventKind.VAST_GEZICHT_ASSIGNED, at(2025, 1, 15), user_id=users["p1"].pk)
    event(
        b,
        EventKind.JUDGEMENT_RECORDED,
        at(2025, 1, 19),
        assessment_id=3,
        judgement_id=3,
        joint_score=5,
        classification="structureel",
    )
    vrijwillig = intervention(b, "vrijwillig_lokaal_team", at(2025, 2, 14))
    event(b, EventKind.INTERVENTION_AGREED, at(2025, 2, 14), intervention_id=vrijwillig.pk)
    event(b, EventKind.VAST_GEZICHT_ASSIGNED, at(2025, 2, 20), user_id=users["p1"].pk)

    # Case C: opened 5 Feb, afgeschaald 25 Feb (20 days), reopened 1 Jun 2025 (episode 2).
    c = case("VT-C", at(2025, 2, 5), CaseStatus.VEILIGHEIDSBEOORDELING)
    participate(c, "p3", "vt", at(2025, 2, 5))
    participate(c, "p2", "cvc", at(2025, 2, 6))
    participate(c, "p4", "gi", at(2025, 6, 2))
    event(c, EventKind.CASE_OPENED, at(2025, 2, 5))
    event(
        c,
        EventKind.JUDGEMENT_RECORDED,
        at(2025, 2, 7),
        assessment_id=4,
        judgement_id=4,
        joint_score=2,
        classification="acute",
    )
    event(
        c,
        EventKind.JUDGEMENT_RECORDED,
        at(2025, 2, 20),
        assessment_id=5,
        judgement_id=5,
        joint_score=4,
        classification="structureel",
    )
    event(c, EventKind.STATUS_CHANGED, at(2025, 2, 25), **{"from": "monitoring", "to": "afgeschaald"})
    c.episode = 2
    c.save(update_fields=["episode"])
    event(c, EventKind.CASE_REOPENED, at(2025, 6, 1), episode=2)
    event(c, EventKind.VAST_GEZICHT_ASSIGNED, at(2025, 6, 1), user_id=users["p3"].pk)
    uhp = intervention(c, "machtiging_uithuisplaatsing", at(2025, 6, 5), episode=2)
    # The judge's measures per child: an OTS for both of A's children from 25 January (for a year), and a
    # machtiging uithuisplaatsing for the first from 5 June, without an end date (case A is closed by then).
    for child in (child1, child2):
        child_measure(a, child, "ots", date(2025, 1, 25), planned_end=date(2026, 1, 25))
    child_measure(a, child1, "machtiging_uithuisplaatsing", date(2025, 6, 5))
    event(c, EventKind.INTERVENTION_AGREED, at(2025, 6, 5), intervention_id=uhp.pk)
    event(
        c,
        EventKind.JUDGEMENT_RECORDED,
        at(2025, 6, 11),
        assessment_id=6,
        judgement_id=6,
        joint_score=6,
        classification="structureel",
    )

    # Case D: opened in December 2024 (outside the range), closed 5 Jan 2025, never reopened.
    d = case("VT-D", at(2024, 12, 20), CaseStatus.AFGESLOTEN)
    event(d, EventKind.CASE_OPENED, at(2024, 12, 20))
    event(d, EventKind.STATUS_CHANGED, at(2025, 1, 5), **{"from": "aangemeld", "to": "afgesloten"})
    return s


def build_more(s: Scenario, *, cases: int) -> None:
    """More cases of the same shape, to show that query counts do not grow with the data."""
    for n in range(cases):
        c = Case.objects.create(
            reference=f"VT-X{n}",
            family_name="Gezin X",
            team=s.team,
            municipality=s.municipality,
            status=CaseStatus.MONITORING,
            intake="melding_vt",
            reported_on=date(2025, 3, 1),
            opened_at=at(2025, 3, 1 + n % 20),
            created_by=s.users["p1"],
        )
        timeline_record(case=c, kind=EventKind.CASE_OPENED, occurred_at=at(2025, 3, 1 + n % 20))
        timeline_record(
            case=c, kind=EventKind.JUDGEMENT_RECORDED, occurred_at=at(2025, 3, 25), data={"joint_score": n % 10}
        )
        Participant.objects.create(
            case=c,
            organisation=s.orgs["vt"],
            professional=s.users["p3"],
            role="betrokken",
            basis_kind="niet_vastgelegd",
        )


def extract_event_count(year: int) -> int:
    """Events of the episodes that started (opened or reopened) in `year`: what a whole-year event extract
    holds when no month has a hidden cell (k = 1)."""
    from django.db.models import Exists, OuterRef

    from cases.models import TimelineEvent

    started = TimelineEvent.objects.filter(
        case_id=OuterRef("case_id"),
        episode=OuterRef("episode"),
        kind__in=[EventKind.CASE_OPENED, EventKind.CASE_REOPENED],
        occurred_at__year=year,
    )
    return TimelineEvent.objects.filter(Exists(started)).count()
