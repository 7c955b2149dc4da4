"""Need-to-know on every route that names case data: walks the whole URLconf (web and /api/v1/),
so a route added later by anyone is checked automatically."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from cases.assessments.models import (
    Assessment,
    JointJudgement,
    JointJudgementVersion,
    PartnerContribution,
    Veiligheidsvoorwaarde,
)
from cases.documents.scan import document_version_scan
from cases.documents.services import document_add
from cases.interventions.models import Intervention
from cases.models import Consent
from cases.reporters.services import reporter_record
from cases.requests.services import family_request_register
from cases.retention.models import Destruction
from cases.safety_plans.services import Commitment, plan_version_record
from cases.services import participant_add, participant_end, person_add
from tests import factories
from tests.world import basis

CASE_KWARGS = (
    "case_id",
    "person_id",
    "participant_id",
    "note_id",
    "assessment_id",
    "contribution_id",
    "judgement_id",
    "condition_id",
    "intervention_id",
    "meeting_id",
    "item_id",
    "deadline_id",
    "reporter_id",
    "consent_id",
    "document_id",
    "version_id",
    "measure_id",
    "request_id",
    "destruction_id",
    "plan_version",
)
# Routes built with the case record; the walk must find at least these (it may never test nothing).
EXPECTED_ROUTES = {
    "case-detail",
    "person-add",
    "person-edit",
    "participant-add",
    "participant-end",
    "note-add",
    "note-correct",
    "person-remove",
    "case-access-report",
    "case-access-report-csv",
    "api-case-detail",
    "api-person-list",
    "api-person-detail",
    "api-participant-list",
    "api-participant-detail",
    "api-note-list",
    "api-timeline",
    "api-note-correction",
    "api-person-removal",
    "case-investigations",
    "destruction-requests",
    "api-investigation-list",
    "api-destruction-request-list",
    "reporter-list",
    "reporter-edit",
    "reporter-feedback",
    "api-reporter-list",
    "api-reporter-detail",
    "api-reporter-feedback",
    "case-bases",
    "consent-withdraw",
    "api-consent-list",
    "api-consent-withdraw",
    "document-list",
    "document-add",
    "document-detail",
    "document-download",
    "document-measure-end",
    "api-document-list",
    "api-document-detail",
    "api-document-versions",
    "api-document-download",
    "api-document-measure-end",
    "family-requests",
    "family-request",
    "family-request-afschrift",
    "api-family-request-list",
    "api-family-request-detail",
    "api-family-request-decide",
    "destruction-propose",
    "destruction-confirm",
    "safety-plan",
    "safety-plan-agree",
    "safety-plan-family",
    "safety-plan-family-pdf",
    "api-safety-plan",
    "api-safety-plan-versions",
    "api-safety-plan-agreements",
}
# Routes whose audience is the privacy officer of the case's team, not the participants.
PRIVACY_OFFICER_ROUTES = re.compile(r"^(case-access-report|destruction-(propose|confirm)$)")
# Routes whose content is for the case's Veilig Thuis participants only (the melder, cases.reporters):
# anyone else on the case gets 404 or "dat, niet wat", a page without the melder's details.
VT_ONLY_ROUTES = re.compile(r"^(api-)?reporter-")
# The melder of the fixture case: never in anything a non-Veilig Thuis user can reach.
PLANTED_REPORTER = ("Walter Wandelmelder", "06-11223344")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def walk(patterns, prefix: str = "") -> Iterator[tuple[str, str, set[str]]]:
    """(route template, name, kwarg names) of every URL pattern, through every include."""
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            # A regex route: only its named groups count; it must not carry a case kwarg unseen.
            names = set(entry.pattern.regex.groupindex)
            assert not names & set(CASE_KWARGS), f"regex route {prefix}{entry.pattern} uses a case kwarg: use path()"
            route = str(entry.pattern).lstrip("^").rstrip("$")
        else:
            route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            full = prefix + route
            yield full, entry.name or full, {m["name"] for m in PARAM.finditer(full)}


def case_routes() -> list[tuple[str, str, set[str]]]:
    return [r for r in walk(get_resolver().url_patterns) if r[2] & set(CASE_KWARGS)]


def _try_factory(name: str, **kwargs):
    factory = getattr(factories, name, None)
    return factory(**kwargs) if factory is not None else None


def build_fixture_ids(w) -> dict[str, int]:
    """An id for every case kwarg, on the fixture case. Objects of later stages are made when their
    model or factory exists; a kwarg without an object makes the walk fail with a clear message."""
    today = timezone.localdate()
    assessment = Assessment.objects.create(case=w.case, created_by=w.professional)
    contribution = PartnerContribution.objects.create(
        assessment=assessment, organisation=w.cvc, author=w.professional, safety_score=5, classification="structureel"
    )
    judgement = JointJudgement.objects.create(
        assessment=assessment, classification="structureel", joint_score=5, rationale="Test", recorded_by=w.professional
    )
    # Its first version, as the services record it (the amend, akkoord and dissent routes read it).
    JointJudgementVersion.objects.create(
        judgement=judgement,
        number=1,
        classification="structureel",
        joint_score=5,
        rationale="Test",
        recorded_by=w.professional,
    )
    condition = Veiligheidsvoorwaarde.objects.create(
        case=w.case,
        judgement=judgement,
        description="Test",
        owner_organisation=w.cvc,
        owner=w.professional,
        check_date=today,
    )
    intervention = Intervention.objects.create(
        case=w.case,
        kind="overig",
        responsible_organisation=w.cvc,
        responsible_professional=w.professional,
        start_date=today,
        due_date=today,
    )
    consent = Consent.objects.create(
        case=w.case, given_by="ouder_met_gezag", given_on=today, scope="Test", recorded_by=w.professional
    )
    name, phone = PLANTED_REPORTER
    reporter = reporter_record(
        actor=w.vt_professional, case=w.case, full_name=name, phone=phone, relation="oom", kind="prive"
    )
    document = document_add(
        actor=w.professional,
        case=w.case,
        kind="beschikking",
        title="Beschikking kinderrechter",
        document_date=today,
        confidentiality="gedeeld",
        file=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        filename="beschikking.pdf",
        persons=[w.child],
        measure="ots",
        decided_on=today,
        measure_start=today,
    )
    version = document.versions.get()
    document_version_scan(version_id=version.pk)
    family_request = family_request_register(
        actor=w.professional,
        case=w.case,
        kind="inzage",
        requester_name="Test Verzoeker",
        relation="ouder",
        identity_check="document",
        received_on=today,
    )
    destruction = Destruction.objects.create(case=w.case, destroy_on=today, state="due")
    parent = person_add(actor=w.professional, case=w.case, role="ouder", full_name="Sanne Testman")
    plan_version = plan_version_record(
        actor=w.professional,
        case=w.case,
        expected_version=0,
        danger_statements=["Test"],
        safety_goals=[{"text": "Test", "scale": 5}],
        commitments=[Commitment(parent, "Test")],
        monitoring="Test",
        evaluation_on=today,
        conditions=[condition],
        interventions=[intervention],
    )
    ids = {
        "consent_id": consent.pk,
        "document_id": document.pk,
        "version_id": version.pk,
        "measure_id": document.child_measures.get().pk,
        "request_id": family_request.pk,
        "destruction_id": destruction.pk,
        "plan_version": plan_version.number,
        "reporter_id": reporter.pk,
        "case_id": w.case.pk,
        "person_id": w.child.pk,
        "participant_id": w.vt_participant.pk,
        "note_id": w.note.pk,
        "assessment_id": assessment.pk,
        "contribution_id": contribution.pk,
        "judgement_id": judgement.pk,
        "condition_id": condition.pk,
        "intervention_id": intervention.pk,
    }
    ids.update(_workflow_ids(w))
    return ids


def _workflow_ids(w) -> dict[str, int]:
    """Meetings, agenda items and deadlines live in workflows (a later stage): used when they exist."""
    ids: dict[str, int] = {}
    try:
        meeting_model = apps.get_model("workflows", "Meeting")
        item_model = apps.get_model("workflows", "AgendaItem")
    except LookupError:
        meeting_model = item_model = None
    meeting = _try_factory("MeetingFactory", team=w.team)
    if meeting is None and meeting_model is not None:
        meeting = meeting_model.objects.create(
            team=w.team, scheduled_at=timezone.now(), chair=w.coordinator, created_by=w.coordinator
        )
    if meeting is not None:
        ids["meeting_id"] = meeting.pk
        item = _try_factory("AgendaItemFactory", meeting=meeting, case=w.case)
        if item is None and item_model is not None:
            item = item_model.objects.create(meeting=meeting, case=w.case)
        if item is not None:
            ids["item_id"] = item.pk
    deadline = _try_factory("DeadlineFactory", case=w.case)
    if deadline is None:
        try:
            # Opening the case already starts the default deadlines through the timeline hook.
            deadline = apps.get_model("workflows", "Deadline").objects.filter(case=w.case).first()
        except LookupError:
            deadline = None
    if deadline is not None:
        ids["deadline_id"] = deadline.pk
    return ids


def fill(route: str, ids: dict[str, int]) -> str:
    def value(match: re.Match) -> str:
        name = match["name"]
        if name not in ids:
            pytest.fail(
                f"Route /{route} uses <{name}> but the permission walk has no fixture object for it: "
                f"add one in build_fixture_ids() in tests/cases/test_permissions.py (or a factory it uses)."
            )
        return str(ids[name])

    return "/" + PARAM.sub(value, route)


@pytest.fixture(autouse=True)
def _documents_on_disk(settings, tmp_path):
    """The fixture document's file in a folder of this test (cases.documents)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


def test_the_walk_finds_every_case_route_built_with_the_case_record():
    names = {name for _, name, _ in case_routes()}
    missing = EXPECTED_ROUTES - names
    assert not missing, f"the URL walk did not find: {sorted(missing)}"


def _client(user, login_verified) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _body(response) -> bytes:
    """A page's bytes, or a download's (streamed: cases.documents)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _insider_status_ok(status: int) -> bool:
    return status in (200, 302, 405)


def test_every_case_route_answers_only_those_who_need_to_know(world, login_verified):
    w = world
    ids = build_fixture_ids(w)
    # The participant under test joins through the service, like in real life, and leaves again below.
    gi_participation = participant_add(
        actor=w.professional,
        case=w.case,
        organisation=w.gi,
        professional=w.gi_professional,
        role="jeugdbeschermer",
        **basis(),
    )
    routes = case_routes()
    assert len(routes) >= len(EXPECTED_ROUTES)
    outsiders: dict[str, Callable] = {
        "stranger (professional of another team)": lambda: w.stranger,
        "coordinator of another team": lambda: w.other_coordinator,
        "evaluator of the same team": lambda: w.evaluator,
        "functional admin of the same team": lambda: w.functional_admin,
        "privacy officer of another team": lambda: w.other_privacy_officer,
    }
    clients = {label: _client(get(), login_verified) for label, get in outsiders.items()}
    participant_client = _client(w.gi_professional, login_verified)
    privacy_client = _client(w.privacy_officer, login_verified)
    vt_client = _client(w.vt_professional, login_verified)
    # On the case, but not for Veilig Thuis: the melder's details never reach them.
    not_vt = {
        "participant (not Veilig Thuis)": participant_client,
        "coordinator of the team": _client(w.coordinator, login_verified),
        "privacy officer of the team": privacy_client,
        "evaluator of the same team": clients["evaluator of the same team"],
        "functional admin of the same team": clients["functional admin of the same team"],
    }

    failures: list[str] = []
    insider_status: dict[str, int] = {}
    post_only: set[str] = set()
    for route, name, _ in routes:
        url = fill(route, ids)
        privacy_route = bool(PRIVACY_OFFICER_ROUTES.match(name))
        vt_route = bool(VT_ONLY_ROUTES.match(name))
        insider = privacy_client if privacy_route else vt_client if vt_route else participant_client
        status = insider.get(url).status_code
        insider_status[url] = status
        if not _insider_status_ok(status):
            who = "privacy officer" if privacy_route else "Veilig Thuis participant" if vt_route else "participant"
            failures.append(f"{name} {url}: {who} got {status}")
        for label, client in not_vt.items():
            response = client.get(url)
            if vt_route and response.status_code not in (200, 404, 405):
                failures.append(f"{name} {url}: {label} got {response.status_code}, expected 404 or 'dat, niet wat'")
            if any(value.encode() in _body(response) for value in PLANTED_REPORTER):
                failures.append(f"{name} {url}: {label} read the melder's details")
            if vt_route and status == 405 and (posted := client.post(url).status_code) != 404:
                failures.append(f"{name} {url}: {label} POST got {posted}, expected 404")
        checks = dict(clients)
        if privacy_route:
            checks["participant (no privacy officer)"] = participant_client
        for label, client in checks.items():
            got = client.get(url).status_code
            # A route that answers GET to nobody (405 for the insider too) reveals nothing either way.
            if got != 404 and not (status == 405 and got == 405):
                failures.append(f"{name} {url}: {label} got {got}, expected 404")
            if status == 405:  # a POST-only route: the outsider's POST must be refused as not found
                post_only.add(name)
                posted = client.post(url).status_code
                if posted != 404:
                    failures.append(f"{name} {url}: {label} POST got {posted}, expected 404")

    assert {"assessment-start", "meeting-agenda-add", "meeting-attendance-add"} <= post_only, post_only
    assert {"meeting-close", "api-meeting-close"} <= post_only, post_only
    participant_end(actor=w.professional, participant=gi_participation)
    for route, name, _ in routes:
        url = fill(route, ids)
        if PRIVACY_OFFICER_ROUTES.match(name):
            continue
        got = participant_client.get(url).status_code
        if got != 404 and not (insider_status[url] == 405 and got == 405):
            failures.append(f"{name} {url}: ended participant got {got}, expected 404")
        if insider_status[url] == 405 and (posted := participant_client.post(url).status_code) != 404:
            failures.append(f"{name} {url}: ended participant POST got {posted}, expected 404")
    assert not failures, "\n".join(failures)


def test_a_coordinator_of_the_cases_team_gets_in_without_participating(world, login_verified):
    client = _client(world.coordinator, login_verified)
    assert client.get(f"/zaken/{world.case.pk}/").status_code == 200
    assert client.get(f"/api/v1/cases/{world.case.pk}/").status_code == 200


def test_a_missing_id_and_a_foreign_id_answer_the_same_404(world, login_verified):
    client = _client(world.stranger, login_verified)
    foreign = client.get(f"/zaken/{world.case.pk}/")
    missing = client.get("/zaken/999999999/")
    assert foreign.status_code == missing.status_code == 404
    # Identical apart from the per-request CSRF token and CSP nonce.
    volatile = re.compile(rb'(value|nonce)="[^"]*"')
    assert volatile.sub(b"", foreign.content) == volatile.sub(b"", missing.content)
