"""Export of one case in the exchange format (case-v1), for a transfer or a family's request to see
their file. The case is reached through `cases.selectors.case_for` with action EXPORT: need-to-know
applies and the export is in the access log under the exporting user's name.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access_log.models import AccessAction
from cases.documents.models import ChildMeasure
from cases.investigations.selectors import destruction_requests_of, onderzoeken_of
from cases.models import Case, CaseStatus, Confidentiality, EventKind, Person, TimelineEvent
from cases.selectors import case_for
from exchange.format import FORMAT
from exchange.models import ImportedCase
from partners.models import User
from workflows.meetings.models import AgendaItem, Attendance, MeetingDecision


class ExportRefused(Exception):
    """The user may not export this case, or it does not exist (the two are not told apart)."""


def moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def case_id_for_reference(reference: str) -> int | None:
    """The id behind a case reference (ours or the source's external reference); no case content."""
    ids = list(Case.objects.filter(reference=reference).values_list("pk", flat=True)[:1])
    ids = ids or list(Case.objects.filter(external_reference=reference).values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def export_case(user, reference: str, *, ip: str | None = None) -> dict:
    """The case-v1 document of the case with this reference, as `user` may see it (logged)."""
    try:
        case = case_for(
            user, case_id_for_reference(reference), ip=ip, action=AccessAction.EXPORT, detail="exchange case-v1"
        )
    except Http404 as exc:
        raise ExportRefused(_("Casus %(reference)s niet gevonden of geen toegang.") % {"reference": reference}) from exc
    return case_document(case)


def case_document(case: Case) -> dict:
    """Build the document of a case already obtained through `case_for`. The melder
    (cases.reporters) is left out for everyone: Veilig Thuis keeps it to itself, and an export
    leaves the tool (docs/exchange-format.md); so are persons whose details have a narrower class
    than gedeeld, and notes (the format has none)."""
    record = ImportedCase.objects.filter(case=case).only("keys").first()
    stored = record.keys if record else {}
    # Keep the source's keys of persons and meetings, so a re-import matches them.
    person_keys = {pk: key.removeprefix("person:") for key, pk in stored.items() if key.startswith("person:")}
    meeting_keys = {pk: key.removeprefix("meeting:") for key, pk in stored.items() if key.startswith("meeting:")}
    events = list(TimelineEvent.objects.filter(case=case).select_related("actor").order_by("occurred_at", "id"))
    by_subject: dict[tuple[str, str, int], TimelineEvent] = {}
    for event in events:
        for name in ("condition_id", "intervention_id", "participant_id"):
            if name in event.data:
                by_subject.setdefault((event.kind, name, event.data[name]), event)
    participants = list(case.participants.select_related("organisation", "professional").order_by("started_at", "id"))
    opener_participation = next((p for p in participants if p.professional_id == case.created_by_id), None)
    source = case.source_organisation or (opener_participation.organisation if opener_participation else None)
    doc: dict = {
        "format": FORMAT,
        "external_reference": case.external_reference or case.reference,
        "source_organisation": source.name if source else "",
        "team": case.team.name,
        "municipality": case.municipality.code,
        "family_name": case.family_name,
        "intake": case.intake,
        "reported_on": case.reported_on.isoformat(),
        "opened_at": moment(case.opened_at),
        "opened_by": case.created_by.username,
        "vast_gezicht": case.vast_gezicht.username if case.vast_gezicht_id else None,
        "persons": [_person(p, person_keys) for p in _exported_persons(case).order_by("id")],
        "participants": [
            {
                "organisation": p.organisation.name,
                "professional": p.professional.username,
                "role": p.role,
                "since": moment(p.started_at),
                "until": moment(p.ended_at),
            }
            for p in participants
        ],
        "status_history": _status_history(events),
    }
    meeting_keys = _meeting_keys(case, meeting_keys)
    doc["assessments"] = _assessments(case, by_subject, meeting_keys)
    doc["interventions"] = _interventions(case, by_subject, meeting_keys)
    doc["meetings"] = _meetings(case, meeting_keys)
    # Only when there are any: a case without them exports the same document as before.
    optional = {
        "vast_gezicht_assignments": _vast_gezicht_assignments(events),
        "investigations": _investigations(case),
        "destruction_requests": _destruction_requests(case, person_keys),
        "measures": _measures(case, person_keys),
        "safety_plans": _safety_plans(case, person_keys),
    }
    doc.update({key: value for key, value in optional.items() if value})
    return doc


def _vast_gezicht_assignments(events: list[TimelineEvent]) -> list[dict]:
    assigned = [e for e in events if e.kind == EventKind.VAST_GEZICHT_ASSIGNED and e.actor_id]
    ids = {e.data.get("user_id") for e in assigned} - {None}
    usernames = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    return [
        {"at": moment(e.occurred_at), "by": e.actor.username, "vast_gezicht": usernames.get(e.data.get("user_id"))}
        for e in assigned
    ]


def _dated_by(event: TimelineEvent) -> dict:
    return {"at": moment(event.occurred_at), "by": event.actor.username}


def _investigations(case: Case) -> list[dict]:
    """The onderzoeken recorded by a participant of Veilig Thuis or the Raad (with who and when)."""
    result = []
    for onderzoek in onderzoeken_of(case):
        start, end = onderzoek.start, onderzoek.end
        if not (start.actor_id and start.organisation_id):
            continue
        item = {"kind": onderzoek.kind, "organisation": start.organisation.name, "started": _dated_by(start)}
        if end is not None and end.actor_id:
            item["ended"] = _dated_by(end)
        result.append(item)
    return result


def _destruction_requests(case: Case, person_keys: dict[int, str]) -> list[dict]:
    persons = set(_exported_persons(case).values_list("pk", flat=True))
    return [
        {**_dated_by(r.event), "requested_by": person_keys.get(r.person_id) or f"P{r.person_id}"}
        for r in destruction_requests_of(case)
        if r.event.actor_id and r.person_id in persons
    ]


def _measures(case: Case, person_keys: dict[int, str]) -> list[dict]:
    """Each child's protection measure (from a beschikking or imported), with who recorded and ended it."""
    result = []
    rows = ChildMeasure.objects.filter(case=case).select_related("organisation", "recorded_by", "ended_by")
    for row in rows.order_by("recorded_at", "id"):
        item = {
            "kind": row.measure,
            "child": person_keys.get(row.child_id) or f"P{row.child_id}",
            "organisation": row.organisation.name,
            "decided_on": row.decided_on.isoformat(),
            "starts_on": row.starts_on.isoformat(),
            "planned_end": row.planned_end.isoformat() if row.planned_end else None,
            "recorded": {"at": moment(row.recorded_at), "by": row.recorded_by.username},
        }
        if row.ended_on is not None and row.ended_by is not None and row.ended_at is not None:
            item["ended"] = {
                "at": moment(row.ended_at),
                "by": row.ended_by.username,
                "on": row.ended_on.isoformat(),
                "reason": row.end_reason,
            }
        result.append(item)
    return result


def _exported_persons(case: Case):
    """The persons an export carries: those whose details are shared with everyone on the case. The
    format has no confidentiality class (an import makes every person gedeeld), so a person kept for
    one organisation or for Veilig Thuis (cases.confidentiality) stays in the tool, like the melder."""
    return Person.objects.filter(case=case, confidentiality=Confidentiality.GEDEELD)


def _person(person: Person, keys: dict[int, str]) -> dict:
    return {
        "key": keys.get(person.pk) or f"P{person.pk}",
        "role": person.role,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "bsn": person.bsn,
    }


def _status_history(events: list[TimelineEvent]) -> list[dict]:
    reopened_at = {e.occurred_at for e in events if e.kind == EventKind.CASE_REOPENED}
    kinds = {
        EventKind.CRISIS_FLAGGED: "crisis_flagged",
        EventKind.CRISIS_RESOLVED: "crisis_resolved",
        EventKind.CASE_REOPENED: "reopened",
    }
    history = []
    for event in events:
        entry = {"at": moment(event.occurred_at), "by": event.actor.username if event.actor else ""}
        if event.kind in kinds:
            history.append({"type": kinds[event.kind], **entry, "reason": event.summary})
        elif event.kind == EventKind.STATUS_CHANGED:
            if event.occurred_at in reopened_at and event.data.get("to") == CaseStatus.AANGEMELD:
                continue  # part of the reopening
            reason, override = event.summary, ""
            if event.data.get("override"):
                reason, _sep, rest = event.summary.partition(" — ")
                override = rest.partition(": ")[2]
            item = {"type": "transition", **entry, "to": event.data.get("to"), "reason": reason}
            if override:
                item["override_reason"] = override
            history.append(item)
    return history


def _meeting_keys(case: Case, stored: dict[int, str]) -> dict[int, str]:
    """Agenda item id -> the meeting's key in the document."""
    return {pk: stored.get(pk) or f"M{pk}" for pk in AgendaItem.objects.filter(case=case).values_list("pk", flat=True)}


def _decision_meetings(case: Case, meeting_keys: dict[int, str]) -> dict[tuple[str, int], str]:
    """(kind, object id) -> meeting key, for the decisions taken in a meeting."""
    result = {}
    for decision in MeetingDecision.objects.filter(agenda_item__case=case):
        object_id = decision.judgement_id or decision.intervention_id or decision.condition_id
        result[(decision.kind, object_id)] = meeting_keys[decision.agenda_item_id]
    return result


def _assessments(case: Case, by_subject: dict, meeting_keys: dict) -> list[dict]:
    from cases.assessments.selectors import assessments_of

    decided = _decision_meetings(case, meeting_keys)
    result = []
    for assessment in assessments_of(case):
        item: dict = {"started_at": moment(assessment.started_at), "by": assessment.created_by.username}
        item["contributions"] = [
            {
                "at": moment(c.recorded_at),
                "by": c.author.username,
                "organisation": c.organisation.name,
                "safety_score": c.safety_score,
                "classification": c.classification,
                "worries": c.worries,
                "strengths": c.strengths,
                "must_happen": c.must_happen,
                "arij_outcome": c.arij_outcome,
                "risk_level": c.risk_level,
                "lirik_outcome": c.lirik_outcome,
            }
            for c in sorted(assessment.contributions.all(), key=lambda c: (c.recorded_at, c.pk))
        ]
        judgement = getattr(assessment, "judgement", None) if hasattr(assessment, "judgement") else None
        item["judgement"] = _judgement(judgement, by_subject, decided) if judgement else None
        result.append(item)
    return result


def _judgement(judgement, by_subject: dict, decided: dict) -> dict:
    at, by = moment(judgement.recorded_at), judgement.recorded_by.username
    data = {
        "at": at,
        "by": by,
        "classification": judgement.classification,
        "joint_score": judgement.joint_score,
        "rationale": judgement.rationale,
        "parents_view": judgement.parents_view,
        "children_view": judgement.children_view,
        "parents_present": judgement.parents_present,
        "children_present": judgement.children_present,
    }
    if ("assessment", judgement.pk) in decided:
        data["meeting"] = decided[("assessment", judgement.pk)]
    dissents = []
    for dissent in sorted(judgement.dissents.all(), key=lambda d: (d.recorded_at, d.pk)):
        entry = {"organisation": dissent.organisation.name, "reason": dissent.reason}
        if moment(dissent.recorded_at) != at or dissent.recorded_by.username != by:
            entry |= {"at": moment(dissent.recorded_at), "by": dissent.recorded_by.username}
        dissents.append(entry)
    data["dissents"] = dissents
    conditions = []
    for condition in judgement.veiligheidsvoorwaarden.select_related("owner", "owner_organisation").order_by(
        "agreed_at", "id"
    ):
        agreed = by_subject.get((EventKind.CONDITION_AGREED, "condition_id", condition.pk))
        entry = {
            "description": condition.description,
            "owner_organisation": condition.owner_organisation.name,
            "owner": condition.owner.username,
            "check_date": condition.check_date.isoformat(),
            "agreed_at": moment(condition.agreed_at),
            "by": agreed.actor.username if agreed and agreed.actor else by,
        }
        if ("condition", condition.pk) in decided:
            entry["meeting"] = decided[("condition", condition.pk)]
        checked = by_subject.get((EventKind.CONDITION_CHECKED, "condition_id", condition.pk)) or by_subject.get(
            (EventKind.CONDITION_BREACHED, "condition_id", condition.pk)
        )
        if condition.checked_at is not None:
            entry["check"] = {
                "at": moment(condition.checked_at),
                "by": checked.actor.username if checked else by,
                "met": condition.status == "met",
            }
        conditions.append(entry)
    data["conditions"] = conditions
    return data


def _interventions(case: Case, by_subject: dict, meeting_keys: dict) -> list[dict]:
    decided = _decision_meetings(case, meeting_keys)
    result = []
    interventions = case.interventions.select_related("responsible_organisation", "responsible_professional")
    for intervention in interventions.prefetch_related("agreed_by").order_by("agreed_at", "id"):
        agreed = by_subject.get((EventKind.INTERVENTION_AGREED, "intervention_id", intervention.pk))
        item = {
            "kind": intervention.kind,
            "description": intervention.description,
            "responsible_organisation": intervention.responsible_organisation.name,
            "responsible_professional": intervention.responsible_professional.username,
            "start_date": intervention.start_date.isoformat(),
            "due_date": intervention.due_date.isoformat(),
            "agreed_at": moment(intervention.agreed_at),
            "by": agreed.actor.username if agreed and agreed.actor else case.created_by.username,
            "agreed_by": sorted(o.name for o in intervention.agreed_by.all()),
        }
        if ("intervention", intervention.pk) in decided:
            item["meeting"] = decided[("intervention", intervention.pk)]
        started = by_subject.get((EventKind.INTERVENTION_STARTED, "intervention_id", intervention.pk))
        if intervention.started_at is not None:
            item["started"] = {"at": moment(intervention.started_at), "by": started.actor.username if started else ""}
        ended = by_subject.get((EventKind.INTERVENTION_ENDED, "intervention_id", intervention.pk))
        if intervention.ended_at is not None:
            item["ended"] = {
                "at": moment(intervention.ended_at),
                "by": ended.actor.username if ended else "",
                "status": intervention.status,
                "result": intervention.result,
            }
        result.append(item)
    return result


def _meetings(case: Case, meeting_keys: dict) -> list[dict]:
    items = AgendaItem.objects.filter(case=case).select_related("meeting__chair", "meeting__created_by")
    result = []
    for item in items.order_by("meeting__scheduled_at", "id"):
        meeting = item.meeting
        attendees = Attendance.objects.filter(meeting=meeting).select_related("user", "organisation").order_by("id")
        result.append(
            {
                "key": meeting_keys[item.pk],
                "scheduled_at": moment(meeting.scheduled_at),
                "chair": meeting.chair.username,
                "by": meeting.created_by.username,
                "location": meeting.location,
                "attendees": [{"username": a.user.username, "organisation": a.organisation.name} for a in attendees],
                "minutes": item.minutes,
                "discussed_at": moment(item.discussed_at),
            }
        )
    return result


def _pointers(case: Case) -> dict[tuple[str, int], str]:
    """("condition" | "intervention", id) -> its JSON pointer in the document, in the order the
    document lists them (`_assessments`, `_interventions`)."""
    from cases.assessments.selectors import assessments_of

    pointers: dict[tuple[str, int], str] = {}
    for i, assessment in enumerate(assessments_of(case)):
        judgement = getattr(assessment, "judgement", None) if hasattr(assessment, "judgement") else None
        if judgement is None:
            continue
        for k, pk in enumerate(
            judgement.veiligheidsvoorwaarden.order_by("agreed_at", "id").values_list("pk", flat=True)
        ):
            pointers[("condition", pk)] = f"/assessments/{i}/judgement/conditions/{k}"
    for i, pk in enumerate(case.interventions.order_by("agreed_at", "id").values_list("pk", flat=True)):
        pointers[("intervention", pk)] = f"/interventions/{i}"
    return pointers


def _safety_plans(case: Case, person_keys: dict[int, str]) -> list[dict]:
    """Every episode's veiligheidsplan: each version as recorded, with its akkoorden."""
    from cases.safety_plans.selectors import versions_of

    plans = list(case.safety_plans.order_by("episode"))
    if not plans:
        return []
    pointers = _pointers(case)

    def key(person_id: int) -> str:
        return person_keys.get(person_id) or f"P{person_id}"

    result = []
    for plan in plans:
        versions = []
        for version in reversed(list(versions_of(plan))):
            item = {
                "number": version.number,
                "at": moment(version.recorded_at),
                "by": version.recorded_by.username,
                "danger_statements": list(version.danger_statements),
                "safety_goals": [dict(goal) for goal in version.safety_goals],
                "warning_signs": [dict(sign) for sign in version.warning_signs],
                "commitments": [
                    {"person": key(c.person_id), "commitment": c.commitment} for c in version.commitments.all()
                ],
                "monitoring": version.monitoring,
                "evaluation_on": version.evaluation_on.isoformat(),
                "conditions": sorted(pointers[("condition", c.pk)] for c in version.conditions.all()),
                "interventions": sorted(pointers[("intervention", i.pk)] for i in version.interventions.all()),
                "reason": version.reason,
                "agreements": [
                    {
                        "at": moment(a.recorded_at),
                        "by": a.recorded_by.username,
                        **({"person": key(a.person_id)} if a.person_id else {"organisation": a.organisation.name}),
                        "agreed_on": a.agreed_on.isoformat(),
                        "way": a.way,
                    }
                    for a in sorted(version.agreements.all(), key=lambda a: (a.recorded_at, a.pk))
                ],
            }
            versions.append(item)
        result.append({"episode": plan.episode, "versions": versions})
    return result
