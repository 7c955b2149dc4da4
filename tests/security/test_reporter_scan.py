"""The melder scan (issue 17): a reporter's name and contact, and a melder-class note's text, planted on a
few cases of a 1,000-case demo data set, never reach a user who is not Veilig Thuis — not in any page or
API answer of the case's routes, not in an export file, not in a notification or an e-mail."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.db.models import Exists, OuterRef
from django.test import Client
from django.utils import timezone

from cases.demo import seed_cases
from cases.models import Case, CaseStatus, Participant
from cases.reporters.services import reporter_record
from cases.services import note_add
from exchange.exporter import export_case
from metrics.definitions import Filters
from metrics.exports import write_aggregates, write_events
from partners.demo import seed_region
from partners.models import OrganisationKind, Role
from tests.cases.test_permissions import case_routes, fill
from workflows.deadlines.models import Deadline, Notification
from workflows.deadlines.notifications import reminder_email_send
from workflows.deadlines.reminders import reminders_sweep
from workflows.deadlines.rules import load_defaults

DATA_SET = 1000
SCANNED_CASES = 3
# The kwargs a scanned route may have: objects every demo case has, or that the scan plants.
SCANNED_KWARGS = {"case_id", "reporter_id", "note_id", "participant_id", "person_id"}


def _planted(i: int) -> dict[str, str]:
    return {
        "full_name": f"Scanmelder Fictief{i}",
        "phone": f"06-5550{i:04d}",
        "email": f"scanmelder{i}@example.invalid",
        "promise": f"Naam nooit noemen tegenover gezin {i}Q",
        "note": f"Herleidbaar tot de melder: woont naast nummer {i}7B",
    }


def _vt_participation(case_ref=None):
    return Participant.objects.active().filter(
        case=OuterRef("pk") if case_ref is None else case_ref, organisation__kind=OrganisationKind.VEILIG_THUIS
    )


@pytest.fixture
def scan_world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REMINDER_DISPATCH = False
    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))
    seed_region(password="demo-wachtwoord-lang")
    assert seed_cases(count=DATA_SET)["demo_cases"] == DATA_SET
    non_vt = (
        Participant.objects.active()
        .filter(case=OuterRef("pk"))
        .exclude(organisation__kind=OrganisationKind.VEILIG_THUIS)
    )
    cases = list(
        Case.objects.filter(external_reference__startswith="DEMO-", intake="melding_vt")
        .exclude(status__in=[CaseStatus.AFGESLOTEN, CaseStatus.AFGESCHAALD])
        .filter(Exists(_vt_participation()), Exists(non_vt))
        .select_related("team")
        .order_by("pk")[:SCANNED_CASES]
    )
    assert len(cases) == SCANNED_CASES, "the demo data set has too few open meldingen with Veilig Thuis"
    scanned = []
    for i, case in enumerate(cases):
        vt = _vt_participation(case).select_related("professional").first().professional
        planted = _planted(i)
        reporter = reporter_record(
            actor=vt,
            case=case,
            full_name=planted["full_name"],
            phone=planted["phone"],
            email=planted["email"],
            relation="buurvrouw",
            kind="prive",
            anonymity_requested=True,
            anonymity_promised=True,
            promise=planted["promise"],
        )
        note = note_add(actor=vt, case=case, text=planted["note"], confidentiality="melder")
        others = (
            Participant.objects.active()
            .filter(case=case)
            .exclude(organisation__kind=OrganisationKind.VEILIG_THUIS)
            .select_related("professional")
        )
        users = {p.professional for p in others}
        coordinator = case.team.memberships.filter(role=Role.COORDINATOR).select_related("user").first()
        if coordinator is not None:
            users.add(coordinator.user)
        ids = {
            "case_id": case.pk,
            "reporter_id": reporter.pk,
            "note_id": note.pk,
            "participant_id": others.first().pk,
            "person_id": case.persons.first().pk if case.persons.exists() else 0,
        }
        scanned.append((case, ids, sorted(users, key=lambda u: u.pk), planted))
    return scanned


def _leaks(text: str, planted: list[dict[str, str]]) -> list[str]:
    return [value for values in planted for value in values.values() if value in text]


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


def test_a_planted_melder_reaches_no_one_outside_veilig_thuis(scan_world, login_verified, tmp_path):
    planted = [values for _case, _ids, _users, values in scan_world]
    routes = [(route, name) for route, name, kwargs in case_routes() if kwargs <= SCANNED_KWARGS]
    assert len(routes) > 30
    failures: list[str] = []
    for case, ids, users, _values in scan_world:
        assert users, f"{case.reference} has nobody outside Veilig Thuis to scan for"
        for user in users:
            client = Client()
            login_verified(client, user)
            for route, name in routes:
                body = _body(client.get(fill(route, ids)))
                failures += [f"{name} {case.reference} as {user.username}: {leak!r}" for leak in _leaks(body, planted)]
            exported = json.dumps(export_case(user, case.reference), ensure_ascii=False)
            failures += [f"export_cases as {user.username}: {leak!r}" for leak in _leaks(exported, planted)]

    # The evaluators' files: the event extract and the aggregate tables, over every year of the data set.
    today = timezone.localdate()
    end_of_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    whole = Filters(date(2020, 1, 1), end_of_month)
    for fmt in ("csv", "json"):
        for writer, label in ((write_events, "events"), (write_aggregates, "aggregates")):
            path = tmp_path / f"{label}.{fmt}"
            writer(path, whole, fmt)
            failures += [f"metrics {label}.{fmt}: {leak!r}" for leak in _leaks(path.read_text("utf-8"), planted)]

    # Notifications and e-mails: the feedback deadline's reminders (Veilig Thuis' own) and every other one due.
    feedback = Deadline.objects.filter(case__in=[case for case, *_ in scan_world])
    latest = max(d.remind_at for d in feedback if d.remind_at is not None)
    moment = min(d.remind_at for d in feedback if d.remind_at is not None)
    swept: list[int] = []
    while moment <= latest + timedelta(days=3):
        swept += reminders_sweep(now=moment).reminder_ids
        moment += timedelta(hours=6)
    for pk in swept:
        reminder_email_send(reminder_id=pk)
    for title, body in Notification.objects.values_list("title", "body"):
        failures += [f"notification {title!r}: {leak!r}" for leak in _leaks(title + body, planted)]
    for message in mail.outbox:
        failures += [
            f"e-mail {message.subject!r}: {leak!r}" for leak in _leaks(message.subject + message.body, planted)
        ]
    assert swept and mail.outbox, "the scan swept no reminder: it would prove nothing about the outbox"
    assert not failures, "\n".join(failures[:50])
