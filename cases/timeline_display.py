"""How a timeline event reads on the case page: one line per kind, written here once and translated
when shown, not when recorded, so an English page reads English. The line is built from the event's
kind and structured data; the stored `summary` only supplies the free text a user typed (a reason,
a name), and only where the reader may read it (cases.record_reads.timeline_shown). Imported by the
case page's template tag, never by the record's layers (it reads the sub-packages' choices)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.assessments.models import Classification, ConditionStatus
from cases.interventions.models import InterventionKind, InterventionStatus
from cases.investigations.selectors import OnderzoekKind
from cases.models import Case, CaseStatus, EventKind, Intake, ParticipantRole, Person, PersonRole, TimelineEvent

K = EventKind


@dataclass(frozen=True)
class TimelineLine:
    event: TimelineEvent
    title: str  # the kind, in the reader's language
    text: str  # what happened, with its outcome and reason


def _label(choices: type[models.TextChoices], value) -> str:
    """The translated label of a stored value; an unknown value (older data) shows as stored."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _field_names(model: type[models.Model], names: Iterable[str]) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(getattr(model._meta.get_field(name), "verbose_name", name)))
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)


def _day(iso: str | None) -> str:
    try:
        return date_format(date.fromisoformat(iso or ""), "j F Y")
    except ValueError:
        return ""


def _summary(event: TimelineEvent) -> str:
    """The free text as the reader may see it: read through cases.record_reads.timeline_shown, an event
    about a person whose details the reader may not read has none ("dat, niet wat": kind, who, role)."""
    if hasattr(event, "shown_summary"):
        return event.shown_summary or ""
    return event.summary


def _reason(text: str) -> str:
    return _("Reden: %(reason)s") % {"reason": text} if text else ""


def _join(*parts: str) -> str:
    return ". ".join(part for part in parts if part)


def _status_move(data: dict) -> str:
    if "from" not in data or "to" not in data:
        return ""
    return _("%(from)s → %(to)s") % {"from": _label(CaseStatus, data["from"]), "to": _label(CaseStatus, data["to"])}


def _status_changed(event: TimelineEvent, names: dict) -> str:
    reason, override = _summary(event), ""
    if event.data.get("override"):
        # Stored as "reason — <fixed words>: override reason" (the exchange export reads it the same way).
        reason, _sep, rest = _summary(event).partition(" — ")
        override = rest.partition(": ")[2]
    closed_with_open = _("Afgesloten met openstaande punten: %(reason)s") % {"reason": override} if override else ""
    return _join(_status_move(event.data), _reason(reason), closed_with_open)


def _case_reopened(event: TimelineEvent, names: dict) -> str:
    episode = _("episode %(n)s") % {"n": event.data["episode"]} if event.data.get("episode") else ""
    move = _status_move(event.data)
    return _join(f"{move} ({episode})" if move and episode else move or episode, _reason(_summary(event)))


def _reason_only(event: TimelineEvent, names: dict) -> str:
    return _reason(_summary(event))


def _case_opened(event: TimelineEvent, names: dict) -> str:
    intake = event.data.get("intake")
    return _("binnengekomen via: %(intake)s") % {"intake": _label(Intake, intake)} if intake else ""


def _case_changed(event: TimelineEvent, names: dict) -> str:
    return _field_names(Case, event.data.get("fields") or [])


def _vast_gezicht(event: TimelineEvent, names: dict) -> str:
    user_id = event.data.get("user_id")
    who = names.get(user_id, "") if user_id else _("niemand")
    also = [name for name in event.data.get("fields") or [] if name != "vast_gezicht"]
    changed = _("ook gewijzigd: %(fields)s") % {"fields": _field_names(Case, also)} if also else ""
    return _join(who, changed)


def _person(event: TimelineEvent, names: dict) -> str:
    role = event.data.get("role")
    return f"{_summary(event)} ({_label(PersonRole, role)})" if role else _summary(event)


def _person_changed(event: TimelineEvent, names: dict) -> str:
    fields = event.data.get("fields") or []
    return f"{_summary(event)} ({_field_names(Person, fields)})" if fields else _summary(event)


def _participant_added(event: TimelineEvent, names: dict) -> str:
    role = event.data.get("role")
    return f"{_summary(event)} — {_label(ParticipantRole, role)}" if role else _summary(event)


def _score(score, classification) -> str:
    parts = []
    if score is not None:
        parts.append(_("score %(score)s") % {"score": score})
    if classification:
        parts.append(_label(Classification, classification))
    return ", ".join(parts)


def _contribution(event: TimelineEvent, names: dict) -> str:
    return _score(event.data.get("score"), event.data.get("classification"))


def _judgement(event: TimelineEvent, names: dict) -> str:
    line = _score(event.data.get("joint_score"), event.data.get("classification"))
    if event.data.get("revision"):
        line = _join(line, _("herzien (versie %(n)s)") % {"n": event.data["revision"]})
    return line


def _condition_checked(event: TimelineEvent, names: dict) -> str:
    return _label(ConditionStatus, event.data.get("status")) if event.data.get("status") else ""


def _intervention(event: TimelineEvent, names: dict) -> str:
    kind = _label(InterventionKind, event.data.get("kind")) if event.data.get("kind") else ""
    status = event.data.get("status")
    return _join(kind, _label(InterventionStatus, status) if status and event.kind == K.INTERVENTION_ENDED else "")


def _onderzoek(event: TimelineEvent, names: dict) -> str:
    kind = _label(OnderzoekKind, event.data.get("onderzoek")) if event.data.get("onderzoek") else ""
    return ", ".join(part for part in (kind, _summary(event), _day(event.data.get("on"))) if part)


def _destruction(event: TimelineEvent, names: dict) -> str:
    role = event.data.get("role")
    who = f"{_summary(event)} ({_label(PersonRole, role)})" if role else _summary(event)
    return ", ".join(part for part in (who, _day(event.data.get("on"))) if part)


def _plan_version(event: TimelineEvent, names: dict) -> str:
    version = _("versie %(n)s") % {"n": event.data.get("version")}
    if event.kind == K.PLAN_EVALUATION_PLANNED:
        return _join(version, _("evaluatie op %(day)s") % {"day": _day(event.data.get("evaluation_on"))})
    return _join(version, _reason(event.summary)) if event.summary else version


def _plan_agreed(event: TimelineEvent, names: dict) -> str:
    version = _("versie %(n)s") % {"n": event.data.get("version")}
    role = event.data.get("person_role")
    party = _label(PersonRole, role) if role else _("partnerorganisatie")
    return _join(version, party)


Describer = Callable[[TimelineEvent, dict], str]
DESCRIBERS: dict[str, Describer] = {
    K.STATUS_CHANGED: _status_changed,
    K.CASE_REOPENED: _case_reopened,
    K.CRISIS_FLAGGED: _reason_only,
    K.CRISIS_RESOLVED: _reason_only,
    K.CASE_OPENED: _case_opened,
    K.CASE_CHANGED: _case_changed,
    K.VAST_GEZICHT_ASSIGNED: _vast_gezicht,
    K.PERSON_ADDED: _person,
    K.PERSON_CHANGED: _person_changed,
    K.PARTICIPANT_ADDED: _participant_added,
    K.CONTRIBUTION_ADDED: _contribution,
    K.JUDGEMENT_RECORDED: _judgement,
    K.CONDITION_CHECKED: _condition_checked,
    K.INTERVENTION_AGREED: _intervention,
    K.INTERVENTION_STARTED: _intervention,
    K.INTERVENTION_ENDED: _intervention,
    K.ONDERZOEK_STARTED: _onderzoek,
    K.ONDERZOEK_COMPLETED: _onderzoek,
    K.DESTRUCTION_REQUESTED: _destruction,
    K.SAFETY_PLAN_RECORDED: _plan_version,
    K.PLAN_EVALUATION_PLANNED: _plan_version,
    K.SAFETY_PLAN_AGREED: _plan_agreed,
}


def _names(events: list[TimelineEvent]) -> dict[int, str]:
    """Full names of the users the events name in their data (one query, none when there are none)."""
    ids = {e.data.get("user_id") for e in events if e.kind == K.VAST_GEZICHT_ASSIGNED} - {None}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


def timeline_lines(events: Iterable[TimelineEvent]) -> list[TimelineLine]:
    """The events as the case page shows them. A kind without its own line shows its stored summary."""
    events = list(events)
    names = _names(events)
    lines = []
    for event in events:
        describe = DESCRIBERS.get(event.kind)
        text = describe(event, names) if describe else _summary(event)
        lines.append(TimelineLine(event=event, title=event.get_kind_display(), text=text))
    return lines
