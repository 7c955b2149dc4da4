"""Writes on the melder: Veilig Thuis records who reported (on a case that came in through a melding
at Veilig Thuis), corrects it, and records the statutory feedback to them (Wmo 2015 art. 4.1.1 lid 2).

Recording the melder opens Veilig Thuis' feedback deadline and recording the feedback closes it,
through two timeline events (`cases.timeline`: the deadline rules live in workflows). Those events
carry the record's id only: other partners read the timeline, so neither their summary nor their
data says anything about the melder or the feedback.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from cases.assessments.services import require_open_case
from cases.exceptions import AlreadyRecorded
from cases.idempotency import create_once, lock_row, submission_claim, submission_done
from cases.model_validation import full_clean_held
from cases.models import Case, EventKind, Intake, Participant
from cases.reporters.models import FeedbackOutcome, Reporter, ReporterKind
from cases.selectors import participation_backed
from cases.timeline import as_utc, timeline_record
from cases.versioning import history_author, versioned_update
from partners.models import Organisation, OrganisationKind

# The fields of the record a page or the API may set (the feedback has its own service).
REPORTER_FIELDS = (
    "full_name",
    "relation",
    "kind",
    "profession",
    "organisation_name",
    "phone",
    "email",
    "contact_notes",
    "anonymity_requested",
    "anonymity_promised",
    "promise",
)

# Each rule's message once: forms, serializers and pages show these.
REPORTER_VT_ONLY = gettext_lazy("Alleen een betrokkene namens Veilig Thuis legt de melder vast en leest die gegevens.")
REPORTER_NOT_A_MELDING = gettext_lazy(
    "Een melder wordt alleen vastgelegd bij een casus die binnenkwam via een melding bij Veilig Thuis."
)
REPORTER_ALREADY_RECORDED = gettext_lazy("De melder van deze melding is al vastgelegd.")
REPORTER_ALREADY_SUBMITTED = gettext_lazy("Dit formulier was al verstuurd: de melder is één keer vastgelegd.")
REPORTER_RELATION_REQUIRED = gettext_lazy("Geef de relatie van de melder tot het gezin.")
REPORTER_KIND_UNKNOWN = gettext_lazy("Kies of de melder een beroepskracht of een privépersoon is.")
REPORTER_PROFESSIONAL_DETAILS = gettext_lazy("Geef bij een beroepskracht het beroep of de organisatie.")
REPORTER_PROMISE_REQUIRED = gettext_lazy("Beschrijf wat aan de melder is toegezegd.")
FEEDBACK_OUTCOME_UNKNOWN = gettext_lazy("Kies de uitkomst van de terugkoppeling.")
FEEDBACK_DATE_REQUIRED = gettext_lazy("Geef de datum.")
FEEDBACK_DATE_IN_FUTURE = gettext_lazy("Deze datum ligt in de toekomst.")
FEEDBACK_DATE_BEFORE_REPORT = gettext_lazy("Deze datum ligt vóór de melding (%(date)s).")
FEEDBACK_HOW_REQUIRED = gettext_lazy("Geef aan hoe is teruggekoppeld (bijvoorbeeld telefonisch).")
FEEDBACK_SUMMARY_REQUIRED = gettext_lazy("Beschrijf in algemene termen wat aan de melder is gezegd.")


def vt_organisation(actor, case: Case) -> Organisation:
    """The Veilig Thuis organisation the actor works on this case for; PermissionDenied for anyone else
    (another partner, the coordinator, an ended participation)."""
    participation = (
        Participant.objects.active()
        .filter(case=case, professional=actor, organisation__kind=OrganisationKind.VEILIG_THUIS)
        .filter(participation_backed())
        .select_related("organisation")
        .order_by("started_at", "id")
        .first()
    )
    if participation is None:
        raise PermissionDenied(str(REPORTER_VT_ONLY))
    return participation.organisation


def _clean_fields(fields: dict) -> dict:
    """The record's fields, stripped, and the rules that tie them together."""
    unknown = set(fields) - set(REPORTER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown reporter fields: {sorted(unknown)}")
    data = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    errors: dict[str, str] = {}
    if not data.get("relation"):
        errors["relation"] = str(REPORTER_RELATION_REQUIRED)
    if data.get("kind") not in ReporterKind.values:
        errors["kind"] = str(REPORTER_KIND_UNKNOWN)
    elif data["kind"] == ReporterKind.PROFESSIONAL:
        if not (data.get("profession") or data.get("organisation_name")):
            errors["profession"] = str(REPORTER_PROFESSIONAL_DETAILS)
    else:  # a private person has no profession or organisation on this record
        data["profession"] = data["organisation_name"] = ""
    if data.get("anonymity_promised") and not data.get("promise"):
        errors["promise"] = str(REPORTER_PROMISE_REQUIRED)
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def reporter_record(*, actor, case: Case, submission_key: UUID | None = None, **fields) -> Reporter:
    """Veilig Thuis records the melder of the current episode's melding; opens the feedback deadline.
    Once per episode (AlreadyRecorded with the first); `submission_key`: the form's one-time key."""
    organisation = vt_organisation(actor, case)
    claim = submission_claim(
        actor=actor, key=submission_key, model=Reporter, case=case, message=REPORTER_ALREADY_SUBMITTED
    )
    require_open_case(case)
    if case.intake != Intake.MELDING_VT:
        raise ValidationError(str(REPORTER_NOT_A_MELDING))
    data = {name: "" if name not in fields else fields[name] for name in REPORTER_FIELDS}
    data["anonymity_requested"] = bool(fields.get("anonymity_requested"))
    data["anonymity_promised"] = bool(fields.get("anonymity_promised"))
    data = _clean_fields(data)
    lock_row(case)  # a simultaneous second recording waits here, then finds the first

    def existing() -> Reporter | None:
        return Reporter.objects.filter(case=case, episode=case.episode).first()

    if (found := existing()) is not None:
        raise AlreadyRecorded(REPORTER_ALREADY_RECORDED, existing=found)
    reporter = Reporter(case=case, episode=case.episode, recorded_by=actor, organisation=organisation, **data)
    full_clean_held(reporter)
    history_author(reporter, actor)
    create_once(reporter, existing=existing, message=REPORTER_ALREADY_RECORDED)
    timeline_record(
        case=case,
        kind=EventKind.REPORTER_RECORDED,
        actor=actor,
        organisation=organisation,
        occurred_at=reporter.recorded_at,
        data={"reporter_id": reporter.pk},
    )
    submission_done(claim, created=reporter, case=case)
    return reporter


@transaction.atomic
def reporter_change(*, actor, reporter: Reporter, expected_version: int | None, **fields) -> Reporter:
    """Veilig Thuis corrects the melder's record (with the version its editor loaded). Not on the
    timeline: that a correction happened is in the record's history and the access log."""
    vt_organisation(actor, reporter.case)
    current = {name: getattr(reporter, name) for name in REPORTER_FIELDS}
    data = _clean_fields({**current, **fields})
    versioned_update(reporter, actor=actor, expected_version=expected_version, fields=data)
    return reporter


def _event_moment(day: date) -> datetime:
    """The feedback's moment: now when given today, the end of that day in Amsterdam before (so a
    deadline counts the day it was given, not the day it was typed in)."""
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    return as_utc(timezone.make_aware(datetime.combine(day, datetime.max.time())))


def _clean_feedback(case: Case, *, outcome: str, given_on: date | None, how: str, summary: str) -> dict:
    errors: dict[str, str] = {}
    how, summary = how.strip(), summary.strip()
    if outcome not in FeedbackOutcome.values:
        errors["outcome"] = str(FEEDBACK_OUTCOME_UNKNOWN)
    if given_on is None:
        errors["given_on"] = str(FEEDBACK_DATE_REQUIRED)
    elif given_on > timezone.localdate():
        errors["given_on"] = str(FEEDBACK_DATE_IN_FUTURE)
    elif given_on < case.reported_on:
        errors["given_on"] = str(FEEDBACK_DATE_BEFORE_REPORT) % {"date": date_format(case.reported_on, "j F Y")}
    if outcome == FeedbackOutcome.TERUGGEKOPPELD:
        if not how:
            errors["how"] = str(FEEDBACK_HOW_REQUIRED)
        if not summary:
            errors["summary"] = str(FEEDBACK_SUMMARY_REQUIRED)
    if errors:
        raise ValidationError(errors)
    return {"feedback_outcome": outcome, "feedback_on": given_on, "feedback_how": how, "feedback_summary": summary}


@transaction.atomic
def reporter_feedback_record(
    *,
    actor,
    reporter: Reporter,
    expected_version: int | None,
    outcome: str,
    given_on: date | None,
    how: str = "",
    summary: str = "",
) -> Reporter:
    """Veilig Thuis records the feedback to the melder: teruggekoppeld (on `given_on`, `how`, and what
    was said in general terms), or the melder wanted none, or could not be reached. The first
    recording closes the feedback deadline; a later one corrects the record only."""
    organisation = vt_organisation(actor, reporter.case)
    fields = _clean_feedback(reporter.case, outcome=outcome, given_on=given_on, how=how, summary=summary)
    lock_row(reporter)  # two first recordings at once: the second sees the first's outcome
    first = not Reporter.objects.filter(pk=reporter.pk).values_list("feedback_outcome", flat=True).get()
    if first:
        fields |= {"feedback_recorded_by": actor, "feedback_recorded_at": timezone.now()}
    versioned_update(reporter, actor=actor, expected_version=expected_version, fields=fields)
    if first:
        timeline_record(
            case=reporter.case,
            kind=EventKind.REPORTER_FEEDBACK_RECORDED,
            actor=actor,
            organisation=organisation,
            occurred_at=_event_moment(fields["feedback_on"]),
            data={"reporter_id": reporter.pk},
        )
    return reporter
