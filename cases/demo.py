"""Fictional demo cases for `manage.py seed_demo --cases N`.

Every name is invented and every BSN is generated (valid by the 11-proof, belonging to no one we
know of). Fast on purpose: rows go in with bulk_create in batches, without the per-row services,
without history rows (nobody edited them) and without access-log rows (nobody read them). Still only
what the services would accept (the round trip through export and import proves it): each case
reaches its status along the legal path of workflows.lifecycle's transition table, every move with
its reason, after the evidence its guards ask for (a contribution, a joint judgement, an agreed
intervention), and the events case_open writes (intake, opening, vast gezicht assigned).
Idempotent: demo cases are keyed on `external_reference` ("DEMO-000001") with a fixed source
organisation, so a second run only adds what is missing.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from cases.assessments.models import (
    Assessment,
    Classification,
    JointJudgement,
    JointJudgementVersion,
    PartnerContribution,
    PartnerContributionVersion,
)
from cases.interventions.models import Intervention, InterventionKind
from cases.legal_bases.defaults import legal_bases_ensure
from cases.models import (
    CLOSED_STATUSES,
    BasisKind,
    Case,
    CaseStatus,
    CaseUserObjectPermission,
    EventKind,
    Intake,
    LegalBasis,
    Participant,
    ParticipantRole,
    Person,
    PersonRole,
    TimelineEvent,
)
from cases.selectors import _view_permission_id
from cases.services import INTAKE_EVENTS
from partners.demo import REGIONAL_ORGANISATIONS, TEAMS
from partners.models import Membership, Organisation, OrganisationKind, Role, SafetyTeam

DEFAULT_DEMO_CASES = 30
BATCH = 5000
SOURCE_ORGANISATION = "Veilig Thuis West-Brabant"

FAMILY_NAMES = (
    "Van Aalst",
    "Bosveld",
    "De Clercq",
    "Dirksen",
    "Everaars",
    "Franssen",
    "Gijzen",
    "Hoefnagels",
    "IJzerman",
    "Jorissen",
    "Kuijpers-Vos",
    "Lambrechts",
    "Mertens",
    "Nuijten",
    "Oomen",
    "Peeters",
    "Quist",
    "Rombouts",
    "Schellekens",
    "Timmermans",
    "Van Unen",
    "Verhoeven",
    "Wouters",
    "Zegers",
)
CHILD_NAMES = (
    "Ayla",
    "Bram",
    "Cato",
    "Daan",
    "Emma",
    "Finn",
    "Guus",
    "Hanna",
    "Ilse",
    "Jens",
    "Kiki",
    "Luuk",
    "Mila",
    "Noah",
    "Olivia",
    "Pim",
    "Roos",
    "Sem",
    "Tess",
    "Vince",
    "Yara",
    "Zoë",
)
ADULT_NAMES = (
    "Anouk",
    "Bas",
    "Chantal",
    "Dennis",
    "Esther",
    "Frank",
    "Gerda",
    "Hans",
    "Ingrid",
    "Joost",
    "Karin",
    "Leon",
    "Marieke",
    "Nico",
    "Petra",
    "Rob",
    "Sandra",
    "Theo",
    "Wendy",
    "Yusuf",
)
OTHER_ROLES = (
    ParticipantRole.ONDERZOEKER,
    ParticipantRole.JEUGDBESCHERMER,
    ParticipantRole.BETROKKEN,
    ParticipantRole.DESKUNDIGE,
)


def demo_bsn(rng: random.Random) -> str:
    """A 9-digit number that passes the BSN 11-proof."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _team_pools(team: SafetyTeam) -> dict:
    """The team's municipalities and its professionals per organisation kind (demo and bench users),
    as (user id, organisation id, organisation kind, summary of the participation)."""
    members = (
        Membership.objects.active()
        .filter(team=team, role=Role.PROFESSIONAL)
        .select_related("organisation", "user")
        .order_by("id")
    )
    by_kind: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for membership in members:
        organisation = membership.organisation
        by_kind[organisation.kind].append(
            (membership.user_id, organisation.pk, organisation.kind, f"{membership.user} ({organisation})")
        )
    return {
        "team": team,
        "municipalities": list(team.municipalities.order_by("name").values_list("id", flat=True)),
        "cvc": by_kind.get(OrganisationKind.CVC, []),
        "others": [pair for kind, pairs in by_kind.items() if kind != OrganisationKind.CVC for pair in pairs],
    }


# Moves are a week apart; the oldest evidence a move needs lies three days before it.
STEP = timedelta(days=7)
MIN_AGE_DAYS = 60


def _build(index: int, pools: dict, source_id: int, now: datetime) -> dict:
    """One case with its persons, participants and its path through the lifecycle as plain rows;
    deterministic per index."""
    rng = random.Random(index)  # noqa: S311 - demo data, not security
    statuses = CaseStatus.values
    status = statuses[index % len(statuses)]
    path = _lifecycle_path(status)
    opened_at = now - timedelta(days=rng.randint(MIN_AGE_DAYS, 900), minutes=rng.randint(0, 1440))
    cvc_user, cvc_org, cvc_kind, cvc_summary = rng.choice(pools["cvc"])
    family = rng.choice(FAMILY_NAMES)
    closed_at = opened_at + STEP * len(path) if status in CLOSED_STATUSES else None
    case = {
        "reference": f"VT-DEMO-{index:06d}",
        "family_name": f"gezin {family}",
        "team_id": pools["team"].pk,
        "municipality_id": rng.choice(pools["municipalities"]),
        "status": status,
        # The crisis path only for open cases: a case on it cannot close (workflows.lifecycle no_crisis).
        "crisis": closed_at is None and rng.random() < 0.05,
        "vast_gezicht_id": cvc_user,
        "intake": rng.choice(Intake.values),
        "reported_on": (opened_at - timedelta(days=1)).date(),
        "opened_at": opened_at,
        "closed_at": closed_at,
        "external_reference": f"DEMO-{index:06d}",
        "source_organisation_id": source_id,
        "created_by_id": cvc_user,
    }
    persons = [
        {
            "role": PersonRole.OUDER,
            "full_name": f"{rng.choice(ADULT_NAMES)} {family}",
            "date_of_birth": (now - timedelta(days=rng.randint(25 * 365, 50 * 365))).date(),
            "bsn": demo_bsn(rng),
        }
        for _ in range(rng.randint(1, 2))
    ] + [
        {
            "role": PersonRole.JEUGDIGE,
            "full_name": f"{rng.choice(CHILD_NAMES)} {family}",
            "date_of_birth": (now - timedelta(days=rng.randint(100, 17 * 365))).date(),
            "bsn": demo_bsn(rng) if rng.random() < 0.8 else "",
        }
        for _ in range(rng.randint(1, 3))
    ]
    # As case_open: the opener, being the vast gezicht, is the first participant.
    participants = [(cvc_user, cvc_org, cvc_kind, cvc_summary, ParticipantRole.VAST_GEZICHT)]
    others = pools["others"]
    for user_id, org_id, kind, summary in rng.sample(others, k=min(len(others), rng.randint(1, 2))):
        if user_id != cvc_user:
            participants.append((user_id, org_id, kind, summary, rng.choice(OTHER_ROLES)))
    return {
        "case": case,
        "persons": persons,
        "participants": participants,
        "path": path,
        "actor": (cvc_user, cvc_org, cvc_kind),
        "score": rng.randint(2, 8),
    }


# What the demo writes before a move so that each of the move's guards (workflows.lifecycle) agrees;
# a guard the seeder does not know stops the seed rather than writing a move the services refuse.
EVIDENCE = {
    "has_contribution": "contribution",
    "has_joint_judgement": "judgement",
    "has_agreed_intervention": "intervention",
    # Met by construction: no crisis on a closing path, nothing left open when closing.
    "no_crisis": None,
    "nothing_open_or_overridden": None,
}
DEMO_REASON = "Demo: naar {status}"
# Partners join on a statutory basis of the region's list; the vast gezicht opens from the local team's own task.
DEMO_LEGAL_BASIS = "jeugdwet-7-3-11-lid-4"
DEMO_PURPOSE = "Gezamenlijke veiligheidsbeoordeling en afstemming van de inzet."
DEMO_RATIONALE = "Demo: gezamenlijk beoordeeld."

_lifecycle_paths: list[Callable[[str], tuple[tuple[str, str, tuple[str, ...]], ...]]] = []


def register_lifecycle_path(path_to: Callable[[str], tuple[tuple[str, str, tuple[str, ...]], ...]]) -> None:
    """workflows.lifecycle gives the legal path to a status (cases cannot import workflows)."""
    _lifecycle_paths[:] = [path_to]


def _lifecycle_path(status: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    if not _lifecycle_paths:
        raise RuntimeError("workflows.lifecycle has not registered the lifecycle path (app not ready)")
    path = _lifecycle_paths[0](status)
    unknown = {guard for _frm, _to, guards in path for guard in guards} - EVIDENCE.keys()
    if unknown:
        raise RuntimeError(f"the demo seeder does not know how to satisfy {sorted(unknown)}")
    return path


@dataclass
class _Rows:
    persons: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    grants: list = field(default_factory=list)
    events: list = field(default_factory=list)
    assessments: list = field(default_factory=list)
    contributions: list = field(default_factory=list)
    judgements: list = field(default_factory=list)
    # Version 1 of each, as the services write it beside the row (cases.assessments).
    contribution_versions: list = field(default_factory=list)
    judgement_versions: list = field(default_factory=list)
    interventions: list = field(default_factory=list)
    agreed_by: list = field(default_factory=list)


def _dependents(
    case_id: int, item: dict, permission_id: int, ids: dict[str, Iterator[int]], rows: _Rows, legal_basis_id: int
) -> None:
    """The rows the services would have written for this case, in the order they would."""
    case, (actor, actor_org, actor_kind) = item["case"], item["actor"]
    opened_at = case["opened_at"]

    def event(kind: str, at: datetime, *, organisation_id=actor_org, summary: str = "", data: dict | None = None):
        rows.events.append(
            {
                "case_id": case_id,
                "kind": kind,
                "occurred_at": at,
                "actor_id": actor,
                "organisation_id": organisation_id,
                "summary": summary,
                "data": data or {},
            }
        )

    rows.persons += [{**person, "case_id": case_id} for person in item["persons"]]
    intake_event = INTAKE_EVENTS.get(case["intake"])
    if intake_event is not None:
        reported_at = timezone.make_aware(datetime.combine(case["reported_on"], datetime.min.time()))
        event(intake_event, min(reported_at, opened_at))
    event(EventKind.CASE_OPENED, opened_at, data={"intake": case["intake"]})
    event(EventKind.VAST_GEZICHT_ASSIGNED, opened_at, data={"user_id": case["vast_gezicht_id"]})
    seen = set()
    for offset, (user_id, org_id, org_kind, summary, role) in enumerate(item["participants"]):
        started = opened_at + timedelta(hours=offset)
        participant_id = next(ids["participant"])
        rows.participants.append(
            {
                "id": participant_id,
                "case_id": case_id,
                "organisation_id": org_id,
                "professional_id": user_id,
                "role": role,
                "started_at": started,
                **(
                    {"basis_kind": BasisKind.EIGEN_TAAK}
                    if offset == 0
                    else {"basis_kind": BasisKind.WETTELIJK, "legal_basis_id": legal_basis_id, "purpose": DEMO_PURPOSE}
                ),
            }
        )
        if offset:  # the opener joins with case_open, without an event of its own
            event(
                EventKind.PARTICIPANT_ADDED,
                started,
                organisation_id=org_id,
                summary=summary,
                data={"participant_id": participant_id, "organisation_kind": org_kind, "role": role},
            )
        if user_id not in seen:
            seen.add(user_id)
            rows.grants.append({"user_id": user_id, "permission_id": permission_id, "content_object_id": case_id})
    assessment_id = None  # the round in progress (one at a time: a joint judgement completes it)
    for number, (frm, to, guards) in enumerate(item["path"], start=1):
        at = opened_at + STEP * number
        needed = {EVIDENCE[guard] for guard in guards}
        if assessment_id is None and needed & {"contribution", "judgement"}:
            assessment_id = _assessment(case_id, actor, at - timedelta(days=3), ids, rows)
        if "contribution" in needed:
            contribution_id = next(ids["contribution"])
            content = {"safety_score": item["score"], "classification": Classification.STRUCTUREEL}
            rows.contributions.append(
                {
                    "id": contribution_id,
                    "assessment_id": assessment_id,
                    "organisation_id": actor_org,
                    "author_id": actor,
                    "recorded_at": at - timedelta(days=2),
                    **content,
                }
            )
            rows.contribution_versions.append(
                {
                    "contribution_id": contribution_id,
                    "number": 1,
                    "recorded_by_id": actor,
                    "recorded_at": at - timedelta(days=2),
                    **content,
                }
            )
            event(
                EventKind.CONTRIBUTION_ADDED,
                at - timedelta(days=2),
                data={
                    "assessment_id": assessment_id,
                    "contribution_id": contribution_id,
                    "score": item["score"],
                    "classification": Classification.STRUCTUREEL,
                    "organisation_kind": actor_kind,
                },
            )
        if "judgement" in needed:
            judgement_id = next(ids["judgement"])
            content = {
                "classification": Classification.STRUCTUREEL,
                "joint_score": item["score"],
                "rationale": DEMO_RATIONALE,
            }
            rows.judgements.append(
                {
                    "id": judgement_id,
                    "assessment_id": assessment_id,
                    "recorded_by_id": actor,
                    "recorded_at": at - timedelta(days=1),
                    **content,
                }
            )
            rows.judgement_versions.append(
                {
                    "judgement_id": judgement_id,
                    "number": 1,
                    "recorded_by_id": actor,
                    "recorded_at": at - timedelta(days=1),
                    **content,
                }
            )
            event(
                EventKind.JUDGEMENT_RECORDED,
                at - timedelta(days=1),
                data={
                    "assessment_id": assessment_id,
                    "judgement_id": judgement_id,
                    "joint_score": item["score"],
                    "classification": Classification.STRUCTUREEL,
                },
            )
            assessment_id = None
        if "intervention" in needed:
            intervention_id = next(ids["intervention"])
            start = timezone.localdate(at)
            rows.interventions.append(
                {
                    "id": intervention_id,
                    "case_id": case_id,
                    "kind": InterventionKind.VEILIGHEIDSPLAN,
                    "responsible_organisation_id": actor_org,
                    "responsible_professional_id": actor,
                    "start_date": start,
                    "due_date": start + timedelta(days=60),
                    "agreed_at": at - timedelta(hours=12),
                }
            )
            rows.agreed_by.append({"intervention_id": intervention_id, "organisation_id": actor_org})
            event(
                EventKind.INTERVENTION_AGREED,
                at - timedelta(hours=12),
                data={
                    "intervention_id": intervention_id,
                    "kind": InterventionKind.VEILIGHEIDSPLAN,
                    "organisation_kind": actor_kind,
                },
            )
        reason = DEMO_REASON.format(status=CaseStatus(to).label)
        event(EventKind.STATUS_CHANGED, at, summary=reason, data={"from": frm, "to": to})
    if case["crisis"]:
        at = opened_at + STEP * (len(item["path"]) + 1)
        event(EventKind.CRISIS_FLAGGED, at, summary="Demo: acute onveiligheid", data={"status": case["status"]})


def _assessment(case_id: int, actor: int, at: datetime, ids: dict[str, Iterator[int]], rows: _Rows) -> int:
    assessment_id = next(ids["assessment"])
    rows.assessments.append({"id": assessment_id, "case_id": case_id, "created_by_id": actor, "started_at": at})
    return assessment_id


def _write(model, rows: list[dict]) -> None:
    """Insert plain rows: COPY on PostgreSQL (the fast path for 100k cases), bulk_create elsewhere.
    Fields a row leaves out get their model default, so columns added later do not break the seed."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in rows[0]]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = {**defaults, **row}
            copy.write_row(
                [json.dumps(values[f.attname]) if f.attname in json_fields else values[f.attname] for f in fields]
            )


def _reserve_ids(model, count: int) -> list[int]:
    """Reserve ids so dependents can be written in the same pass: from the table's sequence on
    PostgreSQL, after the highest id elsewhere (SQLite: one writer, in this transaction)."""
    if not count:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
    highest = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return list(range(highest + 1, highest + 1 + count))


def _insert(batch: list[dict], permission_id: int, legal_basis_id: int) -> tuple[dict[str, int], list[int]]:
    case_ids = _reserve_ids(Case, len(batch))
    _write(Case, [{"id": case_id, **item["case"]} for case_id, item in zip(case_ids, batch, strict=True)])
    needs: defaultdict[str, int] = defaultdict(int)
    for item in batch:
        needs["participant"] += len(item["participants"])
        for _frm, _to, guards in item["path"]:
            for evidence in {name for guard in guards if (name := EVIDENCE[guard])}:
                needs[evidence] += 1
                if evidence in ("contribution", "judgement"):
                    needs["assessment"] += 1  # at most one per move; unused ids are gaps
    models = {
        "participant": Participant,
        "assessment": Assessment,
        "contribution": PartnerContribution,
        "judgement": JointJudgement,
        "intervention": Intervention,
    }
    ids = {name: iter(_reserve_ids(model, needs[name])) for name, model in models.items()}
    rows = _Rows()
    for case_id, item in zip(case_ids, batch, strict=True):
        _dependents(case_id, item, permission_id, ids, rows, legal_basis_id)
    _write(Person, rows.persons)
    _write(Participant, rows.participants)
    _write(CaseUserObjectPermission, rows.grants)
    _write(Assessment, rows.assessments)
    _write(PartnerContribution, rows.contributions)
    _write(JointJudgement, rows.judgements)
    _write(PartnerContributionVersion, rows.contribution_versions)
    _write(JointJudgementVersion, rows.judgement_versions)
    _write(Intervention, rows.interventions)
    _write(Intervention.agreed_by.through, rows.agreed_by)
    _write(TimelineEvent, rows.events)
    return {
        "cases_created": len(case_ids),
        "persons_created": len(rows.persons),
        "participants_created": len(rows.participants),
        "timeline_events_created": len(rows.events),
    }, case_ids


def seed_cases(
    *, count: int = DEFAULT_DEMO_CASES, on_batch: Callable[[list[int]], None] | None = None
) -> dict[str, int]:
    """Make sure demo cases DEMO-000001..count exist; returns how many exist and how many were added.
    `on_batch` gets the ids of each batch of new cases, in the batch's transaction."""
    source, _ = Organisation.objects.get_or_create(
        name=SOURCE_ORGANISATION, defaults={"kind": REGIONAL_ORGANISATIONS[SOURCE_ORGANISATION]}
    )
    pools = [_team_pools(team) for team in SafetyTeam.objects.filter(name__in=[t.name for t in TEAMS]).order_by("pk")]
    pools = [pool for pool in pools if pool["cvc"] and pool["municipalities"]]
    totals: dict[str, int] = defaultdict(int)
    demo_cases = Case.objects.filter(source_organisation=source, external_reference__startswith="DEMO-")
    if pools and count > 0:
        existing = set(demo_cases.values_list("external_reference", flat=True))
        missing = [i for i in range(1, count + 1) if f"DEMO-{i:06d}" not in existing]
        now = timezone.now()
        permission_id = _view_permission_id()
        legal_bases_ensure()
        legal_basis_id = LegalBasis.objects.get(code=DEMO_LEGAL_BASIS).pk
        for start in range(0, len(missing), BATCH):
            batch = [_build(i, pools[i % len(pools)], source.pk, now) for i in missing[start : start + BATCH]]
            with transaction.atomic():
                counts, case_ids = _insert(batch, permission_id, legal_basis_id)
                for name, value in counts.items():
                    totals[name] += value
                if on_batch is not None:
                    on_batch(case_ids)
    totals["demo_cases"] = demo_cases.count()
    return dict(totals)
