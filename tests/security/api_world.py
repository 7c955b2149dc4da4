"""A case with something behind every API route, and the API's write endpoints with a valid body each:
what the input-bound tests send their bad input to."""

from __future__ import annotations

from dataclasses import dataclass

from cases.assessments.models import Assessment, JointJudgement, Veiligheidsvoorwaarde
from cases.assessments.services import assessment_start, condition_agree
from cases.interventions.models import Intervention
from cases.interventions.services import intervention_agree
from cases.models import Case, Person
from cases.services import person_add
from tests.world import Region, basis_post, in_days, judge, make_region, open_case


@dataclass
class ApiWorld:
    region: Region
    case: Case
    judgement: JointJudgement
    person: Person
    condition: Veiligheidsvoorwaarde
    intervention: Intervention
    open_round: Assessment


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str
    body: dict  # a valid body
    date_fields: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.url}"


def make_api_world() -> ApiWorld:
    region = make_region()
    case = open_case(region)
    judgement = judge(region, case)
    person = person_add(actor=region.cvc_user, case=case, role="jeugdige", full_name="Kim Testman")
    condition = condition_agree(
        actor=region.cvc_user,
        judgement=judgement,
        description="Toezicht thuis",
        owner_organisation=region.cvc,
        owner=region.cvc_user,
        check_date=in_days(14),
    )
    intervention = intervention_agree(
        actor=region.cvc_user,
        case=case,
        kind="vrijwillig_lokaal_team",
        description="Hulp thuis",
        responsible_organisation=region.cvc,
        responsible_professional=region.cvc_user,
        start_date=in_days(0),
        due_date=in_days(30),
    )
    open_round = assessment_start(actor=region.cvc_user, case=case)
    return ApiWorld(region, case, judgement, person, condition, intervention, open_round)


def write_endpoints(w: ApiWorld) -> list[Endpoint]:
    """Every POST/PUT/PATCH of /api/v1/ outside metrics, with a body it accepts."""
    region, case = w.region, w.case
    c = f"/api/v1/cases/{case.pk}/"
    return [
        Endpoint(
            "post",
            "/api/v1/cases/",
            {
                "team": region.team.pk,
                "municipality": region.team.municipalities.first().pk,
                "family_name": "Gezin Api",
                "intake": "melding_vt",
                "reported_on": in_days(-3).isoformat(),
            },
            ("reported_on",),
        ),
        Endpoint(
            "post",
            f"{c}persons/",
            {"role": "ouder", "full_name": "Jo Testman", "date_of_birth": "1990-04-01", "bsn": "123456782"},
            ("date_of_birth",),
        ),
        Endpoint(
            "put",
            f"{c}persons/{w.person.pk}/",
            {"version": 1, "role": "jeugdige", "full_name": "Kim Testman", "date_of_birth": "2016-04-01"},
            ("date_of_birth",),
        ),
        Endpoint(
            "patch", f"{c}persons/{w.person.pk}/", {"version": 1, "date_of_birth": "2016-04-01"}, ("date_of_birth",)
        ),
        Endpoint(
            "post",
            f"{c}participants/",
            {"organisation": region.gi.pk, "professional": region.gi_user.pk, "role": "betrokken", **basis_post()},
        ),
        Endpoint("post", f"{c}notes/", {"text": "Gesprek gevoerd."}),
        Endpoint("post", f"{c}assessments/", {}),
        Endpoint(
            "post",
            f"{c}assessments/{w.open_round.pk}/contributions/",
            {"safety_score": 5, "classification": "structureel"},
        ),
        Endpoint(
            "post",
            f"{c}assessments/{w.open_round.pk}/judgement/",
            {"joint_score": 5, "classification": "structureel", "rationale": "Zorgen"},
        ),
        Endpoint(
            "post",
            f"{c}conditions/",
            {
                "judgement": w.judgement.pk,
                "description": "Dagelijks contact",
                "owner_organisation": region.cvc.pk,
                "owner": region.cvc_user.pk,
                "check_date": in_days(20).isoformat(),
            },
            ("check_date",),
        ),
        Endpoint("post", f"{c}conditions/{w.condition.pk}/check/", {"met": True, "version": 1}),
        Endpoint(
            "post",
            f"{c}interventions/",
            {
                "kind": "veiligheidsplan",
                "description": "Plan",
                "responsible_organisation": region.cvc.pk,
                "responsible_professional": region.cvc_user.pk,
                "start_date": in_days(1).isoformat(),
                "due_date": in_days(40).isoformat(),
                "agreed_by": [region.cvc.pk],
            },
            ("start_date", "due_date"),
        ),
        Endpoint("post", f"{c}interventions/{w.intervention.pk}/status/", {"action": "start", "version": 1}),
        Endpoint("post", f"{c}transitions/", {"step": "to:monitoring", "reason": "Afspraken lopen", "version": 1}),
        Endpoint("post", "/api/v1/notifications/read/", {"ids": [1, 2]}),
        Endpoint(
            "post",
            f"{c}judgements/{w.judgement.pk}/amendments/",
            {"version": 1, "reason": "Telfout", "joint_score": 3},
        ),
        Endpoint("post", f"{c}judgements/{w.judgement.pk}/agreements/", {"version": 1}),
        Endpoint("post", f"{c}judgements/{w.judgement.pk}/dissents/", {"version": 1, "reason": "Te licht"}),
        Endpoint(
            "post",
            f"{c}contributions/{w.judgement.assessment.contributions.get().pk}/corrections/",
            {"version": 1, "reason": "Verkeerde score", "safety_score": 3},
        ),
    ]


def list_endpoints(w: ApiWorld) -> dict[str, tuple[str, ...]]:
    """Every list of /api/v1/ outside metrics -> its query parameters."""
    c = f"/api/v1/cases/{w.case.pk}/"
    lists: dict[str, tuple[str, ...]] = {
        "/api/v1/cases/": ("status", "municipality", "q", "page"),
        "/api/v1/deadlines/": ("case", "state", "due_from", "due_to", "page"),
        "/api/v1/notifications/": ("page",),
        "/api/v1/meetings/": ("page",),
    }
    for suffix in ("persons/", "participants/", "notes/", "timeline/", "assessments/", "conditions/", "interventions/"):
        lists[c + suffix] = ("page",)
    return lists
