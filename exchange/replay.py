"""Replay of a document's dated history through the same services as live work: guards, timeline
and deadline handlers run exactly as they would have, with the historical moment of each event and
the professional named in it as the actor.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.assessments.models import Assessment, JointJudgement, Veiligheidsvoorwaarde
from cases.assessments.services import (
    assessment_start,
    condition_agree,
    condition_check,
    contribution_add,
    dissent_record,
    judgement_record,
)
from cases.documents.measures import measure_end, measure_record
from cases.documents.models import ChildMeasure
from cases.interventions.models import Intervention
from cases.interventions.services import (
    intervention_agree,
    intervention_complete,
    intervention_start,
    intervention_stop,
)
from cases.investigations.services import destruction_request_register, onderzoek_end, onderzoek_start
from cases.models import BasisKind, Case, Participant, Person
from cases.safety_plans.models import SafetyPlanVersion
from cases.safety_plans.services import Commitment, plan_agreement_record, plan_version_record
from cases.services import case_change, participant_add, participant_end
from exchange.format import Problem, Step, parse_date, parse_moment
from exchange.validation import Directory
from workflows.lifecycle.services import case_flag_crisis, case_reopen, case_resolve_crisis, case_transition
from workflows.meetings.models import AgendaItem, Attendance, Meeting
from workflows.meetings.services import (
    agenda_add,
    attendance_record,
    meeting_condition,
    meeting_intervention,
    meeting_judgement,
    meeting_schedule,
    minutes_record,
)

TEXT_FIELDS = ("worries", "strengths", "must_happen", "arij_outcome", "risk_level", "lirik_outcome")
JUDGEMENT_FIELDS = (
    "classification",
    "joint_score",
    "rationale",
    "parents_view",
    "children_view",
    "parents_present",
    "children_present",
)


class StepFailed(Exception):
    """A service refused a replayed step; carries the problems with the document's pointers."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


def problems_of(error: Exception, where: str, item: dict | None = None) -> list[Problem]:
    """A service's refusal as problems: a field the document has gets its own pointer."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        problems = []
        for name, errors in error.message_dict.items():
            at = f"{where}/{name}" if item is not None and name in item else where
            problems += [Problem(at, message) for message in errors]
        return problems
    if isinstance(error, ValidationError):
        return [Problem(where, message) for message in error.messages]
    return [Problem(where, str(error))]


class Replayer:
    """Applies steps to one case; `keys` maps document parts to the rows they became."""

    def __init__(self, *, case: Case, document: dict, directory: Directory, keys: dict, opening=None):
        self.case = case
        self.doc = document
        self.dir = directory
        self.keys = keys
        self.actors: set = set()
        self.opener = directory.users[document["opened_by"]]
        # The participations case_open made (a new case): read once instead of at each participant.
        self.opening: list[Participant] | None = opening

    def user(self, username):
        user = self.dir.users[username]
        self.actors.add(user)
        return user

    def org(self, name):
        return self.dir.organisations[name]

    def item(self, pointer: str):
        node = self.doc
        for part in pointer.strip("/").split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def run(self, steps: list[Step]) -> None:
        for step in steps:
            handler = getattr(self, f"do_{step.kind}")
            try:
                handler(step)
            except (ValidationError, PermissionDenied) as error:
                raise StepFailed(problems_of(error, step.pointer, step.data)) from error

    # --- participants and meetings ---

    def do_participant_add(self, step: Step) -> None:
        data, at = step.data, step.at
        organisation, professional = self.org(data["organisation"]), self.user(data["professional"])
        # case_open made the opener (and the vast gezicht) participants at the opening moment.
        claimed = [v for k, v in self.keys.items() if k.startswith("/participants/")]
        if self.opening is not None:  # the ones not claimed yet are as case_open left them
            existing = next(
                (
                    p
                    for p in self.opening
                    if (p.organisation_id, p.professional_id, p.role, p.started_at)
                    == (organisation.pk, professional.pk, data["role"], at)
                    and p.ended_at is None
                    and p.pk not in claimed
                ),
                None,
            )
        else:
            existing = (
                Participant.objects.filter(
                    case=self.case,
                    organisation=organisation,
                    professional=professional,
                    role=data["role"],
                    started_at=at,
                    ended_at__isnull=True,
                )
                .exclude(pk__in=claimed)
                .first()
            )
        if existing is None:
            existing = participant_add(
                actor=self.opener,
                case=self.case,
                organisation=organisation,
                professional=professional,
                role=data["role"],
                occurred_at=at,
                # The case-v1 format carries no basis of sharing: the participation says so.
                basis_kind=BasisKind.NIET_VASTGELEGD,
                purpose="",
                unrecorded_basis_allowed=True,
            )
        self.keys[step.pointer] = existing.pk

    def do_participant_end(self, step: Step) -> None:
        participant = Participant.objects.get(pk=self.keys[step.pointer.removesuffix("/until")])
        participant_end(actor=self.opener, participant=participant, occurred_at=step.at)

    def do_meeting_setup(self, step: Step) -> None:
        data = step.data
        actor, chair = self.user(data["by"]), self.dir.users[data["chair"]]
        scheduled_at = parse_moment(data["scheduled_at"])
        meeting = Meeting.objects.filter(team=self.case.team, scheduled_at=scheduled_at, chair=chair).first()
        if meeting is None:
            meeting = meeting_schedule(
                actor=actor,
                team=self.case.team,
                scheduled_at=scheduled_at,
                chair=chair,
                location=data.get("location", ""),
            )
        item = agenda_add(actor=actor, meeting=meeting, case=self.case)
        present = set(Attendance.objects.filter(meeting=meeting).values_list("user__username", flat=True))
        for attendee in data.get("attendees", []):
            if attendee["username"] not in present:
                attendance_record(
                    actor=actor,
                    meeting=meeting,
                    user=self.dir.users[attendee["username"]],
                    organisation=self.org(attendee["organisation"]),
                )
                present.add(attendee["username"])
        self.keys[f"meeting:{data['key']}"] = item.pk

    def agenda_item(self, key: str) -> AgendaItem:
        return AgendaItem.objects.select_related("case").get(pk=self.keys[f"meeting:{key}"])

    def do_minutes(self, step: Step) -> None:
        item = self.agenda_item(step.data["key"])
        item.case = self.case
        minutes_record(
            actor=self.user(step.data["by"]),
            item=item,
            minutes=step.data.get("minutes", ""),
            expected_version=None,
            occurred_at=step.at,
        )

    def do_vast_gezicht_assign(self, step: Step) -> None:
        username = step.data["vast_gezicht"]
        case_change(
            actor=self.user(step.data["by"]),
            case=self.case,
            expected_version=None,
            vast_gezicht=self.dir.users[username] if username else None,
            occurred_at=step.at,
        )

    # --- onderzoek and destruction requests (their day is the local date of the moment) ---

    def do_onderzoek_start(self, step: Step) -> None:
        data = step.data
        actor = self.user(data["started"]["by"])
        event = onderzoek_start(
            actor=actor, case=self.case, kind=data["kind"], started_on=timezone.localdate(step.at), occurred_at=step.at
        )
        if event.organisation.name != data["organisation"]:
            raise ValidationError({"organisation": _wrong_organisation(actor.username, event.organisation.name)})

    def do_onderzoek_end(self, step: Step) -> None:
        data = step.data
        onderzoek_end(
            actor=self.user(data["ended"]["by"]),
            case=self.case,
            kind=data["kind"],
            ended_on=timezone.localdate(step.at),
            occurred_at=step.at,
        )

    # --- the children's protection measures (without their beschikking's file) ---

    def do_measure_record(self, step: Step) -> None:
        data = step.data
        actor = self.user(data["recorded"]["by"])
        measure = measure_record(
            actor=actor,
            case=self.case,
            child=Person.objects.get(pk=self.keys[f"person:{data['child']}"], case=self.case),
            measure=data["kind"],
            decided_on=parse_date(data["decided_on"]),
            starts_on=parse_date(data["starts_on"]),
            planned_end=parse_date(data["planned_end"]) if data.get("planned_end") else None,
            occurred_at=step.at,
        )
        if measure.organisation.name != data["organisation"]:
            raise ValidationError({"organisation": _wrong_organisation(actor.username, measure.organisation.name)})
        self.keys[step.pointer] = measure.pk

    def do_measure_end(self, step: Step) -> None:
        data = step.data
        measure = ChildMeasure.objects.select_related("case").get(pk=self.keys[step.pointer.removesuffix("/ended")])
        measure.case = self.case
        measure_end(
            actor=self.user(data["by"]),
            measure=measure,
            ended_on=parse_date(data["on"]),
            reason=data["reason"],
            occurred_at=step.at,
        )

    def do_destruction_request(self, step: Step) -> None:
        data = step.data
        person = Person.objects.get(pk=self.keys[f"person:{data['requested_by']}"], case=self.case)
        destruction_request_register(
            actor=self.user(data["by"]),
            case=self.case,
            requested_by=person,
            requested_on=timezone.localdate(step.at),
            occurred_at=step.at,
        )

    # --- lifecycle ---

    def do_status(self, step: Step) -> None:
        data = step.data
        actor = self.user(data["by"])
        common = {
            "actor": actor,
            "case": self.case,
            "reason": data["reason"],
            "expected_version": self.case.version,
            "occurred_at": step.at,
        }
        if data["type"] == "transition":
            case_transition(to=data["to"], override_reason=data.get("override_reason", ""), **common)
        elif data["type"] == "crisis_flagged":
            case_flag_crisis(**common)
        elif data["type"] == "crisis_resolved":
            case_resolve_crisis(**common)
        else:
            case_reopen(**common)

    # --- assessments ---

    def do_assessment_start(self, step: Step) -> None:
        assessment = assessment_start(actor=self.user(step.data["by"]), case=self.case, occurred_at=step.at)
        self.keys[step.pointer] = assessment.pk

    def assessment(self, pointer: str) -> Assessment:
        assessment = Assessment.objects.get(pk=self.keys[pointer])
        assessment.case = self.case
        return assessment

    def do_contribution(self, step: Step) -> None:
        data = step.data
        assessment = self.assessment(step.pointer.rsplit("/contributions/", 1)[0])
        contribution = contribution_add(
            actor=self.user(data["by"]),
            assessment=assessment,
            safety_score=data["safety_score"],
            classification=data["classification"],
            occurred_at=step.at,
            **{name: data[name] for name in TEXT_FIELDS if name in data},
        )
        if contribution.organisation.name != data["organisation"]:
            raise ValidationError({"organisation": _wrong_organisation(data["by"], contribution.organisation.name)})
        self.keys[step.pointer] = contribution.pk

    def do_judgement(self, step: Step) -> None:
        data = step.data
        assessment_pointer = step.pointer.removesuffix("/judgement")
        judgement_args = {name: data[name] for name in JUDGEMENT_FIELDS if name in data}
        dissents = [
            (self.org(d["organisation"]), d["reason"])
            for d in data.get("dissents", [])
            if d.get("at", data["at"]) == data["at"] and d.get("by", data["by"]) == data["by"]
        ]
        actor = self.user(data["by"])
        if data.get("meeting"):
            judgement = meeting_judgement(
                actor=actor,
                item=self.agenda_item(data["meeting"]),
                occurred_at=step.at,
                dissents=dissents,
                **judgement_args,
            )
            if judgement.assessment_id != self.keys[assessment_pointer]:
                raise ValidationError(_meeting_round_message())
        else:
            judgement = judgement_record(
                actor=actor,
                assessment=self.assessment(assessment_pointer),
                dissents=dissents,
                occurred_at=step.at,
                **judgement_args,
            )
        self.keys[step.pointer] = judgement.pk

    def judgement(self, pointer: str) -> JointJudgement:
        judgement = JointJudgement.objects.select_related("assessment").get(pk=self.keys[pointer])
        judgement.assessment.case = self.case
        return judgement

    def do_dissent(self, step: Step) -> None:
        judgement_pointer = step.pointer.rsplit("/dissents/", 1)[0]
        judgement_data = self.item(judgement_pointer)
        dissent_record(
            actor=self.user(step.data.get("by") or judgement_data["by"]),
            judgement=self.judgement(judgement_pointer),
            reason=step.data["reason"],
            organisation=self.org(step.data["organisation"]),
            occurred_at=step.at,
        )

    def do_condition_agree(self, step: Step) -> None:
        data = step.data
        judgement_pointer = step.pointer.rsplit("/conditions/", 1)[0]
        judgement = self.judgement(judgement_pointer)
        actor = self.user(data.get("by") or self.item(judgement_pointer)["by"])
        args = {
            "description": data["description"],
            "owner_organisation": self.org(data["owner_organisation"]),
            "owner": self.dir.users[data["owner"]],
            "check_date": parse_date(data["check_date"]),
            "occurred_at": step.at,
        }
        if data.get("meeting"):
            condition = meeting_condition(actor=actor, item=self.agenda_item(data["meeting"]), **args)
            if condition.judgement_id != judgement.pk:
                raise ValidationError(_meeting_round_message())
        else:
            condition = condition_agree(actor=actor, judgement=judgement, **args)
        self.keys[step.pointer] = condition.pk

    def do_condition_check(self, step: Step) -> None:
        condition = Veiligheidsvoorwaarde.objects.get(pk=self.keys[step.pointer.removesuffix("/check")])
        condition.case = self.case
        condition_check(
            actor=self.user(step.data["by"]),
            condition=condition,
            met=step.data["met"],
            expected_version=None,
            occurred_at=step.at,
        )

    # --- interventions ---

    def do_intervention_agree(self, step: Step) -> None:
        data = step.data
        actor = self.user(data["by"])
        args = {
            "kind": data["kind"],
            "responsible_organisation": self.org(data["responsible_organisation"]),
            "responsible_professional": self.dir.users[data["responsible_professional"]],
            "start_date": parse_date(data["start_date"]),
            "due_date": parse_date(data["due_date"]),
            "description": data.get("description", ""),
        }
        agreed_by = [self.org(name) for name in data.get("agreed_by", [])]
        if data.get("meeting"):
            intervention = meeting_intervention(
                actor=actor,
                item=self.agenda_item(data["meeting"]),
                agreed_by=agreed_by or None,
                occurred_at=step.at,
                **args,
            )
        else:
            intervention = intervention_agree(
                actor=actor, case=self.case, agreed_by=agreed_by, agreed_at=step.at, **args
            )
        self.keys[step.pointer] = intervention.pk

    def intervention(self, pointer: str) -> Intervention:
        intervention = Intervention.objects.get(pk=self.keys[pointer])
        intervention.case = self.case
        return intervention

    def do_intervention_start(self, step: Step) -> None:
        intervention_start(
            actor=self.user(step.data["by"]),
            intervention=self.intervention(step.pointer.removesuffix("/started")),
            expected_version=None,
            occurred_at=step.at,
        )

    def do_intervention_end(self, step: Step) -> None:
        service = intervention_complete if step.data["status"] == "afgerond" else intervention_stop
        service(
            actor=self.user(step.data["by"]),
            intervention=self.intervention(step.pointer.removesuffix("/ended")),
            result=step.data["result"],
            expected_version=None,
            occurred_at=step.at,
        )

    # --- the veiligheidsplan ---

    def person(self, key: str) -> Person:
        return Person.objects.get(pk=self.keys[f"person:{key}"], case=self.case)

    def do_plan_version(self, step: Step) -> None:
        data = step.data
        version = plan_version_record(
            actor=self.user(data["by"]),
            case=self.case,
            expected_version=data["number"] - 1,
            danger_statements=data["danger_statements"],
            safety_goals=data["safety_goals"],
            warning_signs=data.get("warning_signs", []),
            commitments=[Commitment(self.person(c["person"]), c["commitment"]) for c in data["commitments"]],
            monitoring=data["monitoring"],
            evaluation_on=parse_date(data["evaluation_on"]),
            conditions=[Veiligheidsvoorwaarde.objects.get(pk=self.keys[p]) for p in data.get("conditions", [])],
            interventions=[Intervention.objects.get(pk=self.keys[p]) for p in data.get("interventions", [])],
            reason=data.get("reason", ""),
            occurred_at=step.at,
        )
        self.keys[step.pointer] = version.pk

    def do_plan_agreement(self, step: Step) -> None:
        data = step.data
        version = SafetyPlanVersion.objects.select_related("plan").get(
            pk=self.keys[step.pointer.rsplit("/agreements/", 1)[0]]
        )
        version.plan.case = self.case
        plan_agreement_record(
            actor=self.user(data["by"]),
            version=version,
            agreed_on=parse_date(data["agreed_on"]),
            way=data["way"],
            person=self.person(data["person"]) if data.get("person") else None,
            organisation=self.org(data["organisation"]) if data.get("organisation") else None,
            occurred_at=step.at,
        )


def _wrong_organisation(username: str, organisation: str) -> str:
    return _("%(user)s werkt in deze casus namens %(organisation)s.") % {"user": username, "organisation": organisation}


def _meeting_round_message() -> str:
    return _("Dit besluit in het overleg hoort niet bij deze beoordelingsronde.")
