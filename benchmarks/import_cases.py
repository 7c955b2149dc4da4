#!/usr/bin/env python
"""Import of 10k cases with history in the exchange format (case-v1): cases per second.

Uses the bench database of DATABASE_URL (migrated if needed) and its own team "Benchteam import"
(created once). Every run imports fresh external references, so each run creates 10k cases; the
history of each is replayed through the live services (guards, timeline, deadlines, access log).
Figures: validation only (parse + schema + semantic checks), the whole import, and a second import
of the same file (idempotent: all unchanged). `BENCH_IMPORT_CASES` changes the count.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report, setup_django  # noqa: E402

COUNT = int(os.environ.get("BENCH_IMPORT_CASES", "10000"))
TEAM = "Benchteam import"


def seed_world():
    from django.apps import apps
    from django.core.management import call_command

    from partners.models import Membership, Municipality, Organisation, Role, SafetyTeam, User
    from workflows.deadlines.rules import load_defaults

    call_command("migrate", verbosity=0)
    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))
    municipality, _ = Municipality.objects.get_or_create(code="GM9990", defaults={"name": "Benchgemeente import"})
    team, created = SafetyTeam.objects.get_or_create(name=TEAM)
    orgs = {}
    for kind, name in (("cvc", "Bench CVC"), ("veilig_thuis", "Bench Veilig Thuis"), ("gi", "Bench GI")):
        orgs[kind], _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    users = {}
    for key, kind, role in (
        ("cvc", "cvc", Role.PROFESSIONAL),
        ("vt", "veilig_thuis", Role.PROFESSIONAL),
        ("gi", "gi", Role.PROFESSIONAL),
        ("coord", "cvc", Role.COORDINATOR),
    ):
        users[key], _ = User.objects.get_or_create(username=f"bench-import-{key}")
        Membership.objects.get_or_create(
            user=users[key], organisation=orgs[kind], team=team, role=role, defaults={"start_date": date(2020, 1, 1)}
        )
    if created:
        team.municipalities.set([municipality])
        team.organisations.set(orgs.values())
    return municipality, orgs, users


def document(n: int, run: str, municipality, orgs, users, base: datetime) -> dict:
    """A case with two persons, three participants, an assessment round with two contributions and
    a joint judgement, an agreed and started intervention and four status transitions."""
    t = base - timedelta(days=n % 200)
    h, d = timedelta(hours=1), timedelta(days=1)

    def at(delta):
        return (t + delta).isoformat()

    cvc, vt, gi = users["cvc"].username, users["vt"].username, users["gi"].username
    return {
        "format": "veiligheidsteam/case-v1",
        "external_reference": f"BENCH-{run}-{n:06d}",
        "source_organisation": orgs["veilig_thuis"].name,
        "team": TEAM,
        "municipality": municipality.code,
        "family_name": f"Gezin Bench {n}",
        "intake": "melding_vt",
        "reported_on": t.date().isoformat(),
        "opened_at": at(timedelta()),
        "opened_by": cvc,
        "vast_gezicht": cvc,
        "persons": [
            {
                "key": "c",
                "role": "jeugdige",
                "full_name": f"Kind {n}",
                "date_of_birth": "2018-05-01",
                "bsn": "111222333",
            },
            {"key": "o", "role": "ouder", "full_name": f"Ouder {n}", "bsn": ""},
        ],
        "participants": [
            {"organisation": orgs["cvc"].name, "professional": cvc, "role": "vast_gezicht", "since": at(timedelta())},
            {"organisation": orgs["veilig_thuis"].name, "professional": vt, "role": "onderzoeker", "since": at(h)},
            {"organisation": orgs["gi"].name, "professional": gi, "role": "jeugdbeschermer", "since": at(2 * h)},
        ],
        "status_history": [
            {"type": "transition", "at": at(d), "by": cvc, "to": "veiligheidsbeoordeling", "reason": "start"},
            {"type": "transition", "at": at(3 * d), "by": cvc, "to": "gezamenlijke_analyse", "reason": "analyse"},
            {"type": "transition", "at": at(5 * d), "by": cvc, "to": "inzet_afgesproken", "reason": "inzet"},
            {"type": "transition", "at": at(7 * d), "by": cvc, "to": "monitoring", "reason": "monitoring"},
        ],
        "assessments": [
            {
                "started_at": at(d + h),
                "by": cvc,
                "contributions": [
                    {
                        "at": at(2 * d),
                        "by": vt,
                        "organisation": orgs["veilig_thuis"].name,
                        "safety_score": 4,
                        "classification": "structureel",
                    },
                    {
                        "at": at(2 * d + h),
                        "by": cvc,
                        "organisation": orgs["cvc"].name,
                        "safety_score": 5,
                        "classification": "structureel",
                    },
                ],
                "judgement": {
                    "at": at(4 * d),
                    "by": cvc,
                    "classification": "structureel",
                    "joint_score": 4,
                    "rationale": "Samen beoordeeld.",
                },
            }
        ],
        "interventions": [
            {
                "kind": "veiligheidsplan",
                "responsible_organisation": orgs["cvc"].name,
                "responsible_professional": cvc,
                "start_date": (t + 5 * d).date().isoformat(),
                "due_date": (t + 40 * d).date().isoformat(),
                "agreed_at": at(4 * d + h),
                "by": cvc,
                "agreed_by": [orgs["cvc"].name],
                "started": {"at": at(6 * d), "by": cvc},
            }
        ],
    }


def main() -> None:
    setup_django()
    from django.utils import timezone

    from exchange.importer import _parse, import_cases
    from exchange.validation import Checker, Directory

    municipality, orgs, users = seed_world()
    run = timezone.now().strftime("%Y%m%d%H%M%S")
    base = timezone.localtime() - timedelta(days=30)
    lines = [(n, json.dumps(document(n, run, municipality, orgs, users, base))) for n in range(1, COUNT + 1)]

    start = time.perf_counter()
    records = [_parse(line, text) for line, text in lines]
    directory = Directory([r.document for r in records], team_name=None)
    problems = sum(len(Checker(r.document, directory).check()) for r in records if not r.problems)
    validation = time.perf_counter() - start
    report(
        "import: validation only (schema + semantic)",
        COUNT / validation,
        "cases/s",
        note=f"{COUNT} cases, {problems} problems",
    )

    start = time.perf_counter()
    result = import_cases(lines)
    seconds = time.perf_counter() - start
    assert not result.errors, result.errors[:5]
    report(
        "import: 10k cases with history",
        result.created / seconds,
        "cases/s",
        budget=200,
        higher_is_better=True,
        note=f"{result.created} created in {seconds:.1f} s",
    )

    start = time.perf_counter()
    again = import_cases(lines)
    seconds = time.perf_counter() - start
    report(
        "import: same file again (idempotent)",
        again.unchanged / seconds,
        "cases/s",
        note=f"{again.unchanged} unchanged, {again.created} created",
    )


if __name__ == "__main__":
    main()
