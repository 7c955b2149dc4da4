"""Fictional demo cases for `manage.py seed_demo --cases N`.

Every name is invented and every BSN is generated (valid by the 11-proof, belonging to no one we
know of). Fast on purpose: rows go in with bulk_create in batches, without the per-row services,
without history rows (nobody edited them) and without access-log rows (nobody read them).
Idempotent: demo cases are keyed on `external_reference` ("DEMO-000001") with a fixed source
organisation, so a second run only adds what is missing.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

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
# The basis the demo's partners share on (cases.legal_bases.defaults), and what for.
DEMO_LEGAL_BASIS = "jeugdwet-7-3-11-lid-4"
DEMO_PURPOSE = "Gezamenlijke veiligheidsbeoordeling en afstemming van de inzet."
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
    """The team's municipalities and its professionals per organisation kind (demo and bench users)."""
    members = (
        Membership.objects.active()
        .filter(team=team, role=Role.PROFESSIONAL)
        .select_related("organisation")
        .order_by("id")
    )
    by_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for membership in members:
        by_kind[membership.organisation.kind].append((membership.user_id, membership.organisation_id))
    return {
        "team": team,
        "municipalities": list(team.municipalities.order_by("name").values_list("id", flat=True)),
        "cvc": by_kind.get(OrganisationKind.CVC, []),
        "others": [pair for kind, pairs in by_kind.items() if kind != OrganisationKind.CVC for pair in pairs],
    }


def _build(index: int, pools: dict, source_id: int, now: datetime) -> dict:
    """One case with its persons and participants as plain rows; deterministic per index."""
    rng = random.Random(index)  # noqa: S311 - demo data, not security
    statuses = CaseStatus.values
    status = statuses[index % len(statuses)]
    opened_at = now - timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440))
    cvc_user, cvc_org = rng.choice(pools["cvc"])
    family = rng.choice(FAMILY_NAMES)
    case = {
        "reference": f"VT-DEMO-{index:06d}",
        "family_name": f"gezin {family}",
        "team_id": pools["team"].pk,
        "municipality_id": rng.choice(pools["municipalities"]),
        "status": status,
        "crisis": rng.random() < 0.05,
        "vast_gezicht_id": cvc_user,
        "intake": rng.choice(Intake.values),
        "reported_on": (opened_at - timedelta(days=1)).date(),
        "opened_at": opened_at,
        "closed_at": opened_at + timedelta(days=rng.randint(30, 300)) if status in CLOSED_STATUSES else None,
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
    participants = [(cvc_user, cvc_org, ParticipantRole.VAST_GEZICHT)]
    others = pools["others"]
    for user_id, org_id in rng.sample(others, k=min(len(others), rng.randint(1, 2))):
        if user_id != cvc_user:
            participants.append((user_id, org_id, rng.choice(OTHER_ROLES)))
    return {"case": case, "persons": persons, "participants": participants, "actor": (cvc_user, cvc_org)}


def _dependents(case_id: int, item: dict, permission_id: int, legal_basis_id: int) -> tuple[list, list, list, list]:
    case, (actor, actor_org) = item["case"], item["actor"]
    persons = [{**person, "case_id": case_id} for person in item["persons"]]
    participants, grants, seen = [], [], set()
    events = [
        {
            "case_id": case_id,
            "kind": EventKind.CASE_OPENED,
            "occurred_at": case["opened_at"],
            "actor_id": actor,
            "organisation_id": actor_org,
            "data": {"intake": case["intake"]},
        }
    ]
    for offset, (user_id, org_id, role) in enumerate(item["participants"]):
        started = case["opened_at"] + timedelta(hours=offset)
        participants.append(
            {
                "case_id": case_id,
                "organisation_id": org_id,
                "professional_id": user_id,
                "role": role,
                "started_at": started,
                # The vast gezicht opens the case from the local team's own task; partners join on a statutory basis.
                **(
                    {"basis_kind": BasisKind.EIGEN_TAAK}
                    if offset == 0
                    else {"basis_kind": BasisKind.WETTELIJK, "legal_basis_id": legal_basis_id, "purpose": DEMO_PURPOSE}
                ),
            }
        )
        events.append(
            {
                "case_id": case_id,
                "kind": EventKind.PARTICIPANT_ADDED,
                "occurred_at": started,
                "actor_id": actor,
                "organisation_id": org_id,
                "data": {"role": role},
            }
        )
        if user_id not in seen:
            seen.add(user_id)
            grants.append({"user_id": user_id, "permission_id": permission_id, "content_object_id": case_id})
    if case["status"] != CaseStatus.AANGEMELD:
        events.append(
            {
                "case_id": case_id,
                "kind": EventKind.STATUS_CHANGED,
                "actor_id": actor,
                "occurred_at": case["opened_at"] + timedelta(days=7),
                "organisation_id": actor_org,
                "data": {"from": CaseStatus.AANGEMELD, "to": case["status"]},
            }
        )
    return persons, participants, grants, events


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


def _case_ids(count: int) -> list[int]:
    """Reserve ids from the case table's sequence so dependents can be written in the same pass."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Case._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _insert(batch: list[dict], permission_id: int, legal_basis_id: int) -> tuple[dict[str, int], list[int]]:
    if connection.vendor == "postgresql":
        rows = [{"id": case_id, **item["case"]} for case_id, item in zip(_case_ids(len(batch)), batch, strict=True)]
        _write(Case, rows)
        case_ids = [row["id"] for row in rows]
    else:
        case_ids = [case.pk for case in Case.objects.bulk_create([Case(**item["case"]) for item in batch])]
    persons, participants, grants, events = [], [], [], []
    for case_id, item in zip(case_ids, batch, strict=True):
        for target, rows in zip(
            (persons, participants, grants, events),
            _dependents(case_id, item, permission_id, legal_basis_id),
            strict=True,
        ):
            target.extend(rows)
    _write(Person, persons)
    _write(Participant, participants)
    _write(CaseUserObjectPermission, grants)
    _write(TimelineEvent, events)
    return {
        "cases_created": len(case_ids),
        "persons_created": len(persons),
        "participants_created": len(participants),
        "timeline_events_created": len(events),
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
