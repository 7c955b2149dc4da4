"""The exchange format (case-v1): its JSON Schema, schema errors in the user's language, and the
flattening of a document's dated history into steps replayed in time order.

The schema file is the contract (`exchange/schema/case-v1.schema.json`, documented in
`docs/exchange-format.md`); semantic checks that need the database live in `exchange.validation`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from cases.assessments.services import SCORE_OUT_OF_RANGE

FORMAT = "veiligheidsteam/case-v1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "case-v1.schema.json"


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _inline(node, defs: dict):
    """The schema with every local `$ref` replaced by its definition (merged with the keywords
    beside it, which never conflict in this schema): validation without reference lookups is
    several times faster."""
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _inline(value, defs) for key, value in node.items() if key != "$defs"}
    ref = node.pop("$ref", None)
    if ref is not None:
        node = {**_inline(defs[ref.removeprefix("#/$defs/")], defs), **node}
    return node


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    full = schema()
    return Draft202012Validator(_inline(full, full["$defs"]))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: where (JSON pointer) and what, in the user's language."""

    pointer: str
    message: str


def pointer(path) -> str:
    """RFC 6901 JSON pointer of a path of keys and indexes."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _pattern_message(pattern: str) -> str:
    if pattern.startswith("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"):
        return _("Geen geldig tijdstip: gebruik ISO 8601 met tijdzone, bijvoorbeeld 2026-03-02T09:30:00+01:00.")
    if pattern.startswith("^[0-9]{4}"):
        return _("Geen geldige datum: gebruik JJJJ-MM-DD.")
    if "[0-9]{9}" in pattern:
        return _("Dit is geen geldig BSN: het moet 9 cijfers hebben en voldoen aan de elfproef.")
    if "\\w" in pattern:
        return _("Geen geldige gebruikersnaam.")
    return _("Dit veld mag niet leeg zijn.")


def _schema_problems(error: SchemaError) -> list[Problem]:
    """Translate one jsonschema error into problems naming the field."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        return _schema_problems(best_match(error.context))
    where = list(error.absolute_path)
    kind, value = error.validator, error.validator_value
    if where and where[-1] in ("safety_score", "joint_score") and kind in ("minimum", "maximum", "type"):
        return [Problem(pointer(where), str(SCORE_OUT_OF_RANGE))]  # the service's own rule and message
    if kind == "required":
        missing = [name for name in value if isinstance(error.instance, dict) and name not in error.instance]
        return [Problem(pointer([*where, name]), _("Dit veld ontbreekt.")) for name in missing]
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = [name for name in error.instance if name not in known]
        return [Problem(pointer([*where, name]), _("Onbekend veld.")) for name in extra]
    if kind == "type":
        expected = {
            "string": _("tekst"),
            "integer": _("geheel getal"),
            "boolean": _("true of false"),
            "array": _("lijst"),
            "object": _("object"),
            "null": "null",
        }
        names = value if isinstance(value, list) else [value]
        message = _("Verkeerd type: verwacht %(type)s.") % {"type": " / ".join(str(expected.get(n, n)) for n in names)}
    elif kind == "enum":
        choices = ", ".join(repr(choice) for choice in value)
        message = _("Ongeldige waarde %(value)r; kies uit: %(choices)s.") % {
            "value": error.instance,
            "choices": choices,
        }
    elif kind == "const":
        message = _("Moet %(value)r zijn.") % {"value": value}
    elif kind == "pattern":
        message = _pattern_message(value)
    elif kind == "minLength":
        message = _("Dit veld mag niet leeg zijn.")
    elif kind == "maxLength":
        message = _("Te lang: hoogstens %(n)d tekens.") % {"n": value}
    elif kind in ("minimum", "maximum"):
        message = _("De waarde moet van %(min)s tot en met %(max)s lopen.") % {
            "min": error.schema.get("minimum", "-"),
            "max": error.schema.get("maximum", "-"),
        }
    elif kind == "uniqueItems":
        message = _("Deze lijst bevat dubbele waarden.")
    else:
        message = _("Ongeldige waarde (%(detail)s).") % {"detail": error.message[:200]}
    return [Problem(pointer(where), message)]


def schema_problems(document) -> list[Problem]:
    """Every schema violation of the document, in document order, one per field."""
    problems: list[Problem] = []
    seen: set[str] = set()
    errors = sorted(validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        for problem in _schema_problems(error):
            if problem.pointer not in seen:
                seen.add(problem.pointer)
                problems.append(problem)
    return problems


def canonical(document: dict) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(document: dict) -> str:
    return hashlib.sha256(canonical(document).encode()).hexdigest()


def parse_moment(value: str) -> datetime:
    """An aware moment from ISO 8601 ('Z' allowed); ValueError when invalid or without offset."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def parse_date(value: str) -> date:
    return date.fromisoformat(value)


# Steps at exactly the same moment are replayed in this order (documented in docs/exchange-format.md).
STEP_ORDER = (
    "participant_add",
    "vast_gezicht_assign",
    "meeting_setup",
    "assessment_start",
    "contribution",
    "judgement",
    "dissent",
    "condition_agree",
    "condition_check",
    "intervention_agree",
    "intervention_start",
    "intervention_end",
    "plan_version",
    "plan_agreement",
    "onderzoek_start",
    "onderzoek_end",
    "measure_record",
    "measure_end",
    "minutes",
    "destruction_request",
    "status",
    "participant_end",
)
_RANK = {kind: rank for rank, kind in enumerate(STEP_ORDER)}


@dataclass(frozen=True)
class Step:
    """One dated event of a document, replayed through one service call."""

    at: datetime
    kind: str
    pointer: str
    data: dict = field(compare=False)
    # What identifies the step when the same record is imported again (a changed one is refused).
    signature: str = ""
    # Replayed at this moment instead of `at` (still recorded at `at`): see `_after_participation`.
    replay_at: datetime | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple:
        return (self.replay_at or self.at, _RANK[self.kind])


def _step(at: str, kind: str, where: str, data: dict, *, exclude: tuple[str, ...] = ()) -> Step:
    kept = {key: value for key, value in data.items() if key not in exclude}
    return Step(parse_moment(at), kind, where, data, signature=f"{kind}:{canonical(kept)}")


def opening_assignment(document: dict) -> dict | None:
    """The entry of `vast_gezicht_assignments` made by the opening itself (the first one, at
    `opened_at`): `case_open` records it, so it is no step of its own."""
    assignments = document.get("vast_gezicht_assignments") or []
    if assignments and parse_moment(assignments[0]["at"]) == parse_moment(document["opened_at"]):
        return assignments[0]
    return None


def opening_vast_gezicht(document: dict) -> str | None:
    """The username of the vast gezicht the case was opened with."""
    if "vast_gezicht_assignments" not in document:
        return document.get("vast_gezicht")  # a document without the history: the current one
    opening = opening_assignment(document)
    return opening["vast_gezicht"] if opening else None


def history_steps(document: dict) -> list[Step]:
    """The document's dated history as steps in replay order (stable for equal moments).

    Only call on a document that passed the schema and `exchange.validation` (moments parse).
    """
    steps: list[Step] = []
    for i, participant in enumerate(document.get("participants", [])):
        where = f"/participants/{i}"
        steps.append(_step(participant["since"], "participant_add", where, participant, exclude=("until",)))
        if participant.get("until"):
            steps.append(_step(participant["until"], "participant_end", f"{where}/until", participant))
    for i, meeting in enumerate(document.get("meetings", [])):
        where = f"/meetings/{i}"
        first = min(
            [parse_moment(meeting["scheduled_at"])]
            + [parse_moment(m) for m in _meeting_decision_moments(document, meeting["key"])]
        )
        signature = "meeting_setup:" + canonical(_without(meeting, "minutes", "discussed_at"))
        steps.append(Step(first, "meeting_setup", where, meeting, signature=signature))
        if meeting.get("discussed_at"):
            steps.append(_step(meeting["discussed_at"], "minutes", f"{where}/discussed_at", meeting))
    opening = opening_assignment(document)
    for i, assignment in enumerate(document.get("vast_gezicht_assignments", [])):
        if assignment is not opening:
            steps.append(_step(assignment["at"], "vast_gezicht_assign", f"/vast_gezicht_assignments/{i}", assignment))
    since = _participation_starts(document)
    for i, investigation in enumerate(document.get("investigations", [])):
        where = f"/investigations/{i}"
        started, ended = investigation["started"], investigation.get("ended")
        steps.append(
            _after_participation(
                _step(started["at"], "onderzoek_start", where, investigation, exclude=("ended",)),
                since.get(started["by"]),
            )
        )
        if ended:
            steps.append(
                _after_participation(
                    _step(ended["at"], "onderzoek_end", f"{where}/ended", investigation), since.get(ended["by"])
                )
            )
    for i, measure in enumerate(document.get("measures", [])):
        where = f"/measures/{i}"
        recorded, ended = measure["recorded"], measure.get("ended")
        steps.append(
            _after_participation(
                _step(recorded["at"], "measure_record", where, measure, exclude=("ended",)), since.get(recorded["by"])
            )
        )
        if ended:
            steps.append(
                _after_participation(_step(ended["at"], "measure_end", f"{where}/ended", ended), since.get(ended["by"]))
            )
    for i, request in enumerate(document.get("destruction_requests", [])):
        step = _step(request["at"], "destruction_request", f"/destruction_requests/{i}", request)
        steps.append(_after_participation(step, since.get(request["by"])))
    for i, event in enumerate(document.get("status_history", [])):
        steps.append(_step(event["at"], "status", f"/status_history/{i}", event))
    for i, assessment in enumerate(document.get("assessments", [])):
        where = f"/assessments/{i}"
        steps.append(
            _step(
                assessment["started_at"], "assessment_start", where, assessment, exclude=("contributions", "judgement")
            )
        )
        for j, contribution in enumerate(assessment.get("contributions", [])):
            steps.append(_step(contribution["at"], "contribution", f"{where}/contributions/{j}", contribution))
        judgement = assessment.get("judgement")
        if not judgement:
            continue
        jwhere = f"{where}/judgement"
        inline = [d for d in judgement.get("dissents", []) if _dissent_inline(d, judgement)]
        steps.append(
            Step(
                parse_moment(judgement["at"]),
                "judgement",
                jwhere,
                judgement,
                signature="judgement:"
                + canonical({**_without(judgement, "dissents", "conditions"), "dissents": inline}),
            )
        )
        for k, dissent in enumerate(judgement.get("dissents", [])):
            if not _dissent_inline(dissent, judgement):
                steps.append(_step(dissent.get("at") or judgement["at"], "dissent", f"{jwhere}/dissents/{k}", dissent))
        for k, condition in enumerate(judgement.get("conditions", [])):
            cwhere = f"{jwhere}/conditions/{k}"
            steps.append(
                _step(
                    condition.get("agreed_at") or judgement["at"],
                    "condition_agree",
                    cwhere,
                    condition,
                    exclude=("check",),
                )
            )
            if condition.get("check"):
                steps.append(_step(condition["check"]["at"], "condition_check", f"{cwhere}/check", condition["check"]))
    for i, intervention in enumerate(document.get("interventions", [])):
        where = f"/interventions/{i}"
        steps.append(
            _step(intervention["agreed_at"], "intervention_agree", where, intervention, exclude=("started", "ended"))
        )
        if intervention.get("started"):
            steps.append(
                _step(intervention["started"]["at"], "intervention_start", f"{where}/started", intervention["started"])
            )
        if intervention.get("ended"):
            steps.append(
                _step(intervention["ended"]["at"], "intervention_end", f"{where}/ended", intervention["ended"])
            )
    for i, plan in enumerate(document.get("safety_plans", [])):
        for j, version in enumerate(plan["versions"]):
            where = f"/safety_plans/{i}/versions/{j}"
            steps.append(_step(version["at"], "plan_version", where, version, exclude=("agreements",)))
            for k, agreement in enumerate(version.get("agreements", [])):
                steps.append(_step(agreement["at"], "plan_agreement", f"{where}/agreements/{k}", agreement))
    steps.sort(key=lambda step: step.sort_key)
    return steps


def _participation_starts(document: dict) -> dict[str, datetime]:
    """Username -> the moment of their first participation in the document."""
    since: dict[str, datetime] = {}
    for participant in document.get("participants", []):
        moment = parse_moment(participant["since"])
        name = participant["professional"]
        since[name] = min(moment, since.get(name, moment))
    return since


def _after_participation(step: Step, since: datetime | None) -> Step:
    """An onderzoek or request is recorded for a day (its moment: the end of that day) and may have been
    registered by someone who joined the case only afterwards. Live, they were a participant when they
    registered it; the replay therefore runs it once they are, at its own moment all the same."""
    if since is None or since <= step.at:
        return step
    return Step(step.at, step.kind, step.pointer, step.data, signature=step.signature, replay_at=since)


def _without(data: dict, *keys: str) -> dict:
    return {key: value for key, value in data.items() if key not in keys}


def _dissent_inline(dissent: dict, judgement: dict) -> bool:
    """Recorded together with the judgement (same moment, same author)."""
    return (
        dissent.get("at", judgement["at"]) == judgement["at"] and dissent.get("by", judgement["by"]) == judgement["by"]
    )


def _meeting_decision_moments(document: dict, key: str) -> list[str]:
    moments = []
    for assessment in document.get("assessments", []):
        judgement = assessment.get("judgement") or {}
        if judgement.get("meeting") == key:
            moments.append(judgement["at"])
        for condition in judgement.get("conditions", []):
            if condition.get("meeting") == key:
                moments.append(condition.get("agreed_at") or judgement["at"])
    moments += [i["agreed_at"] for i in document.get("interventions", []) if i.get("meeting") == key]
    return moments
