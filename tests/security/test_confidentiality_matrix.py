"""The confidentiality matrix (issue 17): every case route × every role × every class.

The routes are discovered like the permission walk (tests/cases/test_permissions.py): from the URLconf,
and checked against the API schema, so a route added later is in the matrix by itself. One world: a
case with an item of every kind in every class, each item carrying a unique marker text. Every
response body of every route, for every role, is searched for every marker:
- content (the marker) only for a role that may read the item's class;
- "dat, niet wat": on the kind's list (API) a role on the case that may not read it still finds the
  item (its id), without the marker;
- a role that may not see the case gets 404 on every route (the privacy officer on their own routes aside).

Extension point: `ITEM_KINDS` is a registry of item kinds. A kind plants one item per class it has and
names the API list where its "dat" shows; other kinds (partner contributions, judgement texts) are
added with `register_item_kind(ItemKind(...))` from their own module, see cases.assessments' tests.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from cases.assessments.models import Assessment
from cases.assessments.services import assessment_start, contribution_add, judgement_record
from cases.documents.services import document_add
from cases.models import Confidentiality
from cases.services import note_add, participant_add, person_add
from tests.cases.conftest import VALID_BSN, member, open_case
from tests.cases.test_permissions import (
    PLANTED_REPORTER,
    PRIVACY_OFFICER_ROUTES,
    build_fixture_ids,
    case_routes,
    fill,
)
from tests.factories import MunicipalityFactory, OrganisationFactory, SafetyTeamFactory
from tests.world import basis
from workflows.deadlines.rules import load_defaults

C = Confidentiality
ROLES = ("vt", "cvc", "rvdk", "gi", "coordinator", "evaluator", "functional_admin", "privacy_officer")
# Who sees the case at all (participants and the team's coordinator); the others get 404.
ON_THE_CASE = {"vt", "cvc", "rvdk", "gi", "coordinator"}
# Who reads an item of each class. The eigen_organisatie items are written by the CVC professional;
# the coordinator works for the CVC too but does not take part, so does not read them (cases.confidentiality).
READERS = {
    C.GEDEELD: ON_THE_CASE,
    C.EIGEN_ORGANISATIE: {"cvc"},
    C.MELDER: {"vt"},
}


def valid_bsn(seed: int) -> str:
    """A 9-digit number passing the 11-proof, different per seed (invented, never a real person's)."""
    for tail in range(10):
        digits = [int(d) for d in f"{seed:08d}"] + [tail]
        if sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11 == 0:
            return "".join(map(str, digits))
    return valid_bsn(seed + 1)


@dataclass(frozen=True)
class Planted:
    """One item of a kind in a class: its id (how its "dat" is found) and its content markers."""

    kind: str
    confidentiality: str
    item_id: int
    markers: tuple[str, ...]


@dataclass(frozen=True)
class ItemKind:
    """A kind of content item in the matrix.

    `plant(w, confidentiality, marker)` makes one item on the world's case whose content holds
    `marker` (and returns a Planted with every marker that must stay hidden); `classes` the classes the
    kind has; `api_list` the route name of the API list that shows the item's "dat" (its id) to anyone
    on the case, or None when the kind has no such list; `readers` overrides READERS (a kind with one
    fixed audience, like the melder record)."""

    name: str
    plant: Callable[[SimpleNamespace, str, str], Planted]
    classes: tuple[str, ...] = tuple(Confidentiality.values)
    api_list: str | None = None
    readers: dict[str, set[str]] = field(default_factory=dict)

    def readers_of(self, confidentiality: str) -> set[str]:
        return self.readers.get(confidentiality, READERS[confidentiality])


def _author(w, confidentiality: str):
    return w.vt_professional if confidentiality == C.MELDER else w.professional


def _plant_note(w, confidentiality: str, marker: str) -> Planted:
    note = note_add(
        actor=_author(w, confidentiality), case=w.case, text=f"Gesprek: {marker}.", confidentiality=confidentiality
    )
    return Planted("note", confidentiality, note.pk, (marker,))


def _plant_person(w, confidentiality: str, marker: str) -> Planted:
    bsn = valid_bsn(20_000_000 + len(w.planted) * 7919)
    person = person_add(
        actor=_author(w, confidentiality),
        case=w.case,
        role="ouder",  # a parent: in the family's choice lists (requests, destruction) too
        full_name=marker,
        date_of_birth=date(1981, 2, 3),
        bsn=bsn,
        confidentiality=confidentiality,
    )
    # The name, the whole BSN and the masked one the pages show: none may reach a reader without the class.
    return Planted("person", confidentiality, person.pk, (marker, bsn, f"*****{bsn[-4:]}"))


def _plant_document(w, confidentiality: str, marker: str) -> Planted:
    document = document_add(
        actor=_author(w, confidentiality),
        case=w.case,
        kind="verslag",
        title=marker,
        document_date=date(2026, 1, 6),
        confidentiality=confidentiality,
        file=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        filename=f"{marker}.pdf",
    )
    return Planted("document", confidentiality, document.pk, (marker,))


def _plant_reporter(w, confidentiality: str, marker: str) -> Planted:
    # The permission walk's fixture records the case's one melder (one per episode): it is this item.
    return Planted("melder record", C.MELDER, w.ids["reporter_id"], PLANTED_REPORTER)


ITEM_KINDS: list[ItemKind] = [
    ItemKind("note", _plant_note, api_list="api-note-list"),
    ItemKind("person", _plant_person, api_list="api-person-list"),
    ItemKind("document", _plant_document, api_list="api-document-list"),
    ItemKind("melder record", _plant_reporter, classes=(C.MELDER,), api_list="api-reporter-list"),
]


def register_item_kind(kind: ItemKind) -> None:
    """Add a kind to the matrix (called at import by the module that brings the kind)."""
    if all(existing.name != kind.name for existing in ITEM_KINDS):
        ITEM_KINDS.append(kind)


def _world() -> SimpleNamespace:
    """The permission walk's world (tests/cases/conftest.py) with the Raad as a fourth partner."""
    # A transactional test elsewhere may have flushed the migrations' rules: the case's deadlines need them.
    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))
    municipality = MunicipalityFactory(name="Matrixdorp")
    team = SafetyTeamFactory(name="Veiligheidsteam Matrix", municipalities=[municipality])
    cvc = OrganisationFactory(name="CVC M", kind="cvc")
    vt = OrganisationFactory(name="Veilig Thuis M", kind="veilig_thuis")
    gi = OrganisationFactory(name="GI M", kind="gi")
    rvdk = OrganisationFactory(name="Raad M", kind="rvdk")
    team.organisations.add(cvc, vt, gi, rvdk)
    w = SimpleNamespace(team=team, cvc=cvc, vt=vt, gi=gi, rvdk=rvdk, planted=[])
    w.professional = member(team, cvc)
    w.vt_professional = member(team, vt)
    w.gi_professional = member(team, gi)
    w.rvdk_professional = member(team, rvdk)
    w.coordinator = member(team, cvc, role="coordinator")
    w.evaluator = member(team, cvc, role="evaluator")
    w.functional_admin = member(team, cvc, role="functional_admin")
    w.privacy_officer = member(team, cvc, role="privacy_officer")
    w.case = open_case(w.professional, team, municipality=municipality)
    w.vt_participant = participant_add(
        actor=w.professional,
        case=w.case,
        organisation=vt,
        professional=w.vt_professional,
        role="onderzoeker",
        **basis(),
    )
    for organisation, professional, role in (
        (gi, w.gi_professional, "jeugdbeschermer"),
        (rvdk, w.rvdk_professional, "onderzoeker"),
    ):
        participant_add(
            actor=w.professional,
            case=w.case,
            organisation=organisation,
            professional=professional,
            role=role,
            **basis(),
        )
    w.child = person_add(actor=w.professional, case=w.case, role="jeugdige", full_name="Kim Matrix", bsn=VALID_BSN)
    w.note = note_add(actor=w.professional, case=w.case, text="Eerste gesprek gevoerd.")
    return w


def _users(w) -> dict[str, object]:
    return {
        "vt": w.vt_professional,
        "cvc": w.professional,
        "rvdk": w.rvdk_professional,
        "gi": w.gi_professional,
        "coordinator": w.coordinator,
        "evaluator": w.evaluator,
        "functional_admin": w.functional_admin,
        "privacy_officer": w.privacy_officer,
    }


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _ids_in(data) -> Iterator[int]:
    """Every "id" of every object in a JSON answer (a list, a page, nested rows)."""
    if isinstance(data, dict):
        if isinstance(data.get("id"), int):
            yield data["id"]
        for value in data.values():
            yield from _ids_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from _ids_in(value)


SCHEMA_PARAM = re.compile(r"\{([^}]+)\}")


def _schema_case_paths() -> set[str]:
    """The API schema's paths that name a case, as route templates without converters."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {SCHEMA_PARAM.sub(r"<\1>", path) for path in schema["paths"] if "{case_id}" in path}


def _bare(route: str) -> str:
    return "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"<\1>", route)


@pytest.fixture(autouse=True)
def _documents_on_disk(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_every_api_route_of_the_schema_is_in_the_matrix(db):
    walked = {_bare(route) for route, _name, _kwargs in case_routes()}
    missing = _schema_case_paths() - walked
    assert not missing, f"API schema paths the URL walk does not find: {sorted(missing)}"


def test_every_route_shows_each_item_only_to_the_roles_of_its_class(db, login_verified):
    w = _world()
    w.ids = build_fixture_ids(w)
    for kind in ITEM_KINDS:
        for confidentiality in kind.classes:
            marker = f"MRK{kind.name.replace(' ', '')[:5].upper()}{confidentiality[:4].upper()}{len(w.planted):02d}Q"
            w.planted.append((kind, kind.plant(w, confidentiality, marker)))
    clients = {}
    for role, user in _users(w).items():
        clients[role] = Client()
        login_verified(clients[role], user)

    failures: list[str] = []
    routes = case_routes()
    for route, name, _kwargs in routes:
        url = fill(route, w.ids)
        privacy_route = bool(PRIVACY_OFFICER_ROUTES.match(name))
        for role, client in clients.items():
            response = client.get(url)
            body = _body(response)
            sees_case = role in ON_THE_CASE or (privacy_route and role == "privacy_officer")
            if not sees_case and response.status_code not in (404, 405):
                failures.append(f"{name} {url}: {role} got {response.status_code}, expected 404")
            for kind, item in w.planted:
                if role in kind.readers_of(item.confidentiality):
                    continue
                for marker in item.markers:
                    if marker.encode() in body:
                        failures.append(
                            f"{name} {url}: {role} read {kind.name} ({item.confidentiality}) content {marker!r}"
                        )

    # "Dat, niet wat": on the kind's list, everyone on the case finds every item; readers its content.
    for kind, item in w.planted:
        if kind.api_list is None:
            continue
        url = reverse(kind.api_list, kwargs={"case_id": w.case.pk})
        for role in ON_THE_CASE:
            response = clients[role].get(url)
            assert response.status_code == 200, (kind.name, role, response.status_code)
            content = response.content.decode()
            if item.item_id not in set(_ids_in(json.loads(content))):
                failures.append(f"{kind.name} ({item.confidentiality}): {role} does not see that it exists on {url}")
            if role in kind.readers_of(item.confidentiality) and item.markers[0] not in content:
                failures.append(f"{kind.name} ({item.confidentiality}): {role} may read it but {url} lacks it")
    # And the case page itself says "dat" for the record's own items a reader may not read.
    for role in ON_THE_CASE:
        page = clients[role].get(f"/zaken/{w.case.pk}/").content.decode()
        hidden_notes = sum(
            1 for kind, item in w.planted if kind.name == "note" and role not in kind.readers_of(item.confidentiality)
        )
        hidden_persons = sum(
            1 for kind, item in w.planted if kind.name == "person" and role not in kind.readers_of(item.confidentiality)
        )
        if page.count("de tekst van deze notitie is niet zichtbaar voor u") != hidden_notes:
            failures.append(f"case page: {role} does not see every hidden note's 'dat'")
        if page.count("de gegevens van deze persoon zijn niet zichtbaar voor u") != hidden_persons:
            failures.append(f"case page: {role} does not see every hidden person's 'dat'")
    assert len(routes) > 50
    assert not failures, "\n".join(failures)


def _round(w, confidentiality: str) -> Assessment:
    """A round of its own per class: a contribution per organisation per round, a judgement per round."""
    return assessment_start(actor=w.professional, case=w.case)


def _plant_contribution(w, confidentiality: str, marker: str) -> Planted:
    assessment = _round(w, confidentiality)
    author = _author(w, confidentiality)
    contribution = contribution_add(
        actor=author,
        assessment=assessment,
        safety_score=5,
        classification="structureel",
        worries=f"Zorg: {marker}",
        confidentiality=confidentiality,
    )
    # The round is closed by a judgement of the same class, so the next class can start its own round.
    judgement_record(
        actor=author,
        assessment=assessment,
        classification="structureel",
        joint_score=5,
        rationale=f"Oordeel: {marker}J",
        confidentiality=confidentiality,
    )
    return Planted("contribution", confidentiality, contribution.pk, (marker, f"{marker}J"))


# Partner contributions and judgement texts (cases.assessments): one kind, planted per class with
# its round's judgement (both carry markers); no API list shows their "dat" on its own.
register_item_kind(ItemKind("contribution and judgement", _plant_contribution))
