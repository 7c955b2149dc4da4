"""Import of an existing caseload in the exchange format: validated, atomic per case, idempotent.

`import_cases` reads documents (one per line), checks each against the schema and the database,
and replays every valid one inside its own savepoint through the live services. The whole run is
one transaction: a dry run rolls it back at the end (so the services' guards are checked too), and
with `all_or_nothing` any error rolls it back. A case is never half-imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_deferred, access_log_write_actors
from cases.models import Case, Participant, Person
from cases.replay_batch import case_replay_batch
from cases.selectors import actor_for
from cases.services import case_change, case_open, person_add, person_change
from exchange.format import (
    Problem,
    digest,
    history_steps,
    opening_vast_gezicht,
    parse_date,
    parse_moment,
    schema_problems,
)
from exchange.models import ImportedCase
from exchange.replay import Replayer, StepFailed, problems_of
from exchange.validation import Checker, Directory
from security.json_input import JSONInputError, loads_bounded, max_body_bytes, max_depth
from workflows.deadlines.services import deadline_rules_cached

# Case fields a changed record may update (through case_change); others are refused.
CHANGEABLE_CASE_FIELDS = ("family_name", "municipality", "vast_gezicht")
FIXED_CASE_FIELDS = ("team", "intake", "reported_on", "opened_at", "opened_by")
PERSON_FIELDS = ("role", "full_name", "date_of_birth", "bsn")


@dataclass(frozen=True)
class RecordError:
    """One problem of one record: line number, external reference, JSON pointer, message."""

    line: int
    reference: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{_('regel')} {self.line} · {self.reference or '-'} · {self.pointer or '/'} · {self.message}"


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RecordError] = field(default_factory=list)
    dry_run: bool = False
    all_or_nothing: bool = False

    @property
    def failed_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    @property
    def written(self) -> bool:
        """Whether anything of this run stays in the database."""
        return not self.dry_run and not (self.all_or_nothing and self.errors)


def read_lines(stream: IO[str] | Iterable[str], *, name: str = "") -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-blank line; a `.json` file may hold one document or a list."""
    if name.lower().endswith(".json"):
        text = "".join(stream)
        try:
            # One level more for the list around the documents; each document is bounded on its own below.
            data = loads_bounded(text, depth=max_depth() + 1)
        except JSONInputError:
            yield 1, text  # reported by _parse as the one record
            return
        for number, document in enumerate(data if isinstance(data, list) else [data], start=1):
            yield number, json.dumps(document)
        return
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, line


@dataclass
class _Record:
    line: int
    document: object
    reference: str = ""
    problems: list[Problem] = field(default_factory=list)


def _parse(line: int, text: str) -> _Record:
    """One record, bounded like an API body (size and nesting, security.json_input) before it is parsed."""
    try:
        document = loads_bounded(text, max_bytes=max_body_bytes())
    except JSONInputError as exc:
        return _Record(line, None, problems=[Problem("", exc.message)])
    reference = document.get("external_reference", "") if isinstance(document, dict) else ""
    record = _Record(line, document, reference=reference if isinstance(reference, str) else "")
    record.problems = schema_problems(document)
    return record


@dataclass
class Prepared:
    """A file read and checked, ready to apply record by record (by `import_cases` here, or by an
    import job that commits each case on its own and can resume after the last one it committed)."""

    records: list[_Record]
    directory: Directory
    existing: dict[tuple[str, str], Case]
    team_name: str | None = None


def _key(document: Any) -> str:
    return f"{document['source_organisation']}\n{document['external_reference']}"


def import_first_lines(lines: Iterable[tuple[int, str]]) -> dict[str, int]:
    """The first line of each (source, external reference) among the records that pass the schema:
    what a chunk of the file needs to know of the rest of it (exchange.jobs)."""
    first: dict[str, int] = {}
    for line, text in lines:
        record = _parse(line, text)
        if not record.problems:
            first.setdefault(_key(record.document), record.line)
    return first


def import_prepare(
    lines: Iterable[tuple[int, str]], *, team_name: str | None = None, first_lines: dict[str, int] | None = None
) -> Prepared:
    """Parse and check every record against the schema, the file itself and the database. Given
    `first_lines` (import_first_lines of the whole file), `lines` may be a part of the file."""
    records = [_parse(line, text) for line, text in lines]
    directory = Directory([r.document for r in records if not r.problems], team_name=team_name)
    seen: dict[str, int] = {}
    for record in records:
        if record.problems:
            continue
        doc = record.document
        key = _key(doc)
        first = first_lines.get(key, record.line) if first_lines is not None else seen.setdefault(key, record.line)
        if first != record.line:
            message = _("Dit kenmerk van deze bron staat al op regel %(line)d van dit bestand.") % {"line": first}
            record.problems.append(Problem("/external_reference", message))
            continue
        record.problems = Checker(doc, directory, team_name=team_name).check()
    return Prepared(records, directory, _existing_cases(records, directory), team_name)


def import_record(prepared: Prepared, record: _Record, *, imported_by=None) -> tuple[str | None, list[RecordError]]:
    """Apply one checked record in a savepoint: its outcome ("created", "updated", "unchanged"), or
    None with its errors. Call inside access_log_deferred() and deadline_rules_cached()."""
    if not record.problems:
        try:
            outcome = _apply_batched(prepared, record, imported_by=imported_by)
            if outcome is None:  # the batch could not answer: the services alone, savepoints and all
                with transaction.atomic():
                    outcome = _apply(
                        record.document,
                        prepared.directory,
                        prepared.existing,
                        team_name=prepared.team_name,
                        imported_by=imported_by,
                    )
        except StepFailed as failed:
            record.problems = failed.problems
        except (ValidationError, PermissionDenied) as error:
            record.problems = problems_of(error, "")
        else:
            return outcome, []
    return None, [RecordError(record.line, record.reference, p.pointer, p.message) for p in record.problems]


def _apply_batched(prepared: Prepared, record: _Record, *, imported_by) -> str | None:
    """The record applied in one batch (cases.replay_batch: no nested savepoints, locks and lookups
    held, history and access-log rows written together); None when anything went wrong, and then
    nothing of it stays: the caller replays it without the batch, so every outcome and every error
    is the services' own."""
    try:
        with transaction.atomic(), case_replay_batch():
            return _apply(
                record.document,
                prepared.directory,
                prepared.existing,
                team_name=prepared.team_name,
                imported_by=imported_by,
            )
    except Exception:  # noqa: BLE001 - replayed without the batch, which raises it again if it is real
        return None


def import_cases(
    lines: Iterable[tuple[int, str]],
    *,
    imported_by=None,
    team_name: str | None = None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
) -> ImportReport:
    """Import every valid document; the report names each problem by line, reference and field."""
    report = ImportReport(dry_run=dry_run, all_or_nothing=all_or_nothing)
    prepared = import_prepare(lines, team_name=team_name)
    report.total = len(prepared.records)
    with access_log_deferred(), deadline_rules_cached(), transaction.atomic():
        for record in prepared.records:
            outcome, errors = import_record(prepared, record, imported_by=imported_by)
            if outcome:
                setattr(report, outcome, getattr(report, outcome) + 1)
            report.errors += errors
        if not report.written:
            transaction.set_rollback(True)
    return report


def _existing_cases(records: list[_Record], directory: Directory) -> dict[tuple[str, str], Case]:
    """Cases already imported from these sources, in one query: (source name, reference) -> case."""
    wanted = {(r.document["source_organisation"], r.document["external_reference"]) for r in records if not r.problems}
    references = {reference for _name, reference in wanted}
    cases = Case.objects.filter(external_reference__in=references, source_organisation__isnull=False).select_related(
        "source_organisation", "team", "import_record"
    )
    return {(c.source_organisation.name, c.external_reference): c for c in cases}


def _apply(doc: dict, directory: Directory, existing: dict, *, team_name, imported_by) -> str:
    case = existing.get((doc["source_organisation"], doc["external_reference"]))
    if case is None:
        _create(doc, directory, team_name=team_name, imported_by=imported_by)
        return "created"
    record = getattr(case, "import_record", None)
    if record is None:
        raise ValidationError(
            _(
                "Er bestaat al een casus met dit kenmerk van deze bron die niet via de import "
                "is binnengekomen; die kan de import niet wijzigen."
            )
        )
    if record.digest == digest(doc):
        return "unchanged"
    _update(doc, case, record, directory, team_name=team_name, imported_by=imported_by)
    return "updated"


def _create(doc: dict, directory: Directory, *, team_name, imported_by) -> Case:
    opener = directory.users[doc["opened_by"]]
    opened_at = parse_moment(doc["opened_at"])
    try:
        case = case_open(
            actor=opener,
            team=directory.teams[team_name or doc["team"]],
            municipality=directory.municipality(doc["municipality"]),
            family_name=doc["family_name"],
            intake=doc["intake"],
            reported_on=parse_date(doc["reported_on"]),
            vast_gezicht=directory.users.get(opening_vast_gezicht(doc) or ""),
            opened_at=opened_at,
            external_reference=doc["external_reference"],
            source_organisation=directory.organisations[doc["source_organisation"]],
        )
    except (ValidationError, PermissionDenied) as error:
        raise StepFailed(problems_of(error, "", doc)) from error
    keys: dict = {}
    for i, person in enumerate(doc.get("persons", [])):
        keys[f"person:{person['key']}"] = _person_add(opener, case, person, f"/persons/{i}", opened_at).pk
    # In the order `first()` would find them (Participant's ordering: started_at, id).
    opening = list(Participant.objects.filter(case=case).order_by("started_at", "id"))
    replayer = Replayer(case=case, document=doc, directory=directory, keys=keys, opening=opening)
    replayer.actors.add(opener)
    replayer.run(history_steps(doc))
    ImportedCase.objects.create(case=case, digest=digest(doc), document=doc, keys=keys, imported_by=imported_by)
    _log(case, replayer.actors, action=AccessAction.CREATE, imported_by=imported_by)
    return case


def _person_add(actor, case: Case, person: dict, where: str, at) -> Person:
    try:
        return person_add(
            actor=actor,
            case=case,
            role=person["role"],
            full_name=person["full_name"],
            date_of_birth=_day(person.get("date_of_birth")),
            bsn=person.get("bsn", ""),
            occurred_at=at,
        )
    except ValidationError as error:
        raise StepFailed(problems_of(error, where, person)) from error


def _day(value):
    return parse_date(value) if value else None


def _log(case: Case, users, *, action: str, imported_by=None) -> None:
    """The access log names every professional the import acted as, and who ran it (written on commit,
    all of one case in one append to the chain)."""
    actors = [(actor_for(user, case), "import") for user in sorted(users, key=lambda u: u.pk)]
    if imported_by is not None:
        actors.append((actor_for(imported_by), "import:run"))
    access_log_write_actors(actors=actors, action=action, outcome=AccessOutcome.ALLOWED, case_id=case.pk)


def _update(doc: dict, case: Case, record: ImportedCase, directory: Directory, *, team_name, imported_by) -> None:
    """Apply a changed record: case data and persons through their services, new later events
    appended. Changing or removing what was imported before is refused with the field."""
    old = record.document
    problems = []
    for name in FIXED_CASE_FIELDS:
        old_value, new_value = old.get(name), doc.get(name)
        if name == "team" and team_name:
            old_value, new_value = case.team.name, team_name
        elif name == "team" and new_value is None:
            continue
        if old_value != new_value:
            problems.append(Problem(f"/{name}", _("Dit gegeven kan na de eerste import niet meer veranderen.")))
    old_persons = {p["key"]: p for p in old.get("persons", [])}
    new_keys = {p["key"] for p in doc.get("persons", [])}
    for key in old_persons.keys() - new_keys:
        problems.append(
            Problem(
                "/persons",
                _("Persoon met sleutel %(key)s ontbreekt; de import verwijdert geen personen.") % {"key": key},
            )
        )
    old_steps = {step.pointer: step for step in history_steps(old)}
    new_steps = []
    for step in history_steps(doc):
        before = old_steps.pop(step.pointer, None)
        if before is None:
            new_steps.append(step)
        elif before.signature != step.signature:
            message = _(
                "Deze gebeurtenis is al geïmporteerd en kan niet meer veranderen; voeg een nieuwe, latere "
                "gebeurtenis toe."
            )
            problems.append(Problem(step.pointer, message))
    for pointer in old_steps:
        problems.append(
            Problem(pointer, _("Deze al geïmporteerde gebeurtenis ontbreekt; de import verwijdert geen historie."))
        )
    last = case.timeline.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    for step in new_steps:
        if last is not None and step.at < last:
            problems.append(
                Problem(step.pointer, _("Een nieuwe gebeurtenis moet na de laatste gebeurtenis van de casus liggen."))
            )
    if problems:
        raise StepFailed(problems)

    opener = directory.users[doc["opened_by"]]
    actors = {opener}
    fields = {}
    for name in CHANGEABLE_CASE_FIELDS:
        if name == "vast_gezicht" and "vast_gezicht_assignments" in doc:
            continue  # its new assignments are replayed as steps, each at its moment
        if old.get(name) != doc.get(name):
            if name == "municipality":
                fields[name] = directory.municipality(doc[name])
            elif name == "vast_gezicht":
                fields[name] = directory.users.get(doc.get(name) or "")
            else:
                fields[name] = doc[name]
    keys = dict(record.keys)
    try:
        if fields:
            case_change(actor=opener, case=case, expected_version=None, **fields)
        for i, person in enumerate(doc.get("persons", [])):
            where = f"/persons/{i}"
            before = old_persons.get(person["key"])
            if before is None:
                keys[f"person:{person['key']}"] = _person_add(opener, case, person, where, timezone.now()).pk
                continue
            changed = {name: person.get(name) for name in PERSON_FIELDS if before.get(name) != person.get(name)}
            if changed:
                if "date_of_birth" in changed:
                    changed["date_of_birth"] = _day(changed["date_of_birth"])
                if "bsn" in changed:
                    changed["bsn"] = changed["bsn"] or ""
                target = Person.objects.get(pk=keys[f"person:{person['key']}"], case=case)
                try:
                    person_change(actor=opener, person=target, expected_version=None, **changed)
                except ValidationError as error:
                    raise StepFailed(problems_of(error, where, person)) from error
    except ValidationError as error:
        raise StepFailed(problems_of(error, "", doc)) from error
    replayer = Replayer(case=case, document=doc, directory=directory, keys=keys)
    replayer.actors |= actors
    replayer.run(new_steps)
    record.digest, record.document, record.keys = digest(doc), doc, keys
    record.imported_by, record.updated_at = imported_by or record.imported_by, timezone.now()
    record.save(update_fields=["digest", "document", "keys", "imported_by", "updated_at"])
    _log(case, replayer.actors, action=AccessAction.CHANGE, imported_by=imported_by)
