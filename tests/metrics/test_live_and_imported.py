"""A case entered live through the services and the same case imported through the exchange both yield
the handover, onderzoek and protection-measure figures (and every other national figure), the same.
Each event is recorded by the service that causes it: the vast gezicht at opening and at a handover,
the onderzoek's start and end, the intervention's agreement, start and stop, the beschikking's measure
for the child and how it ended; the exchange format carries each with its date."""

import io
import json
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from cases.assessments.models import Veiligheidsvoorwaarde
from cases.assessments.services import assessment_start, condition_agree, condition_check, judgement_record
from cases.documents.measures import measure_end
from cases.documents.services import document_add
from cases.interventions.services import intervention_agree, intervention_start, intervention_stop
from cases.investigations.services import onderzoek_end, onderzoek_start
from cases.models import Case, EventKind, TimelineEvent
from cases.services import case_change, case_open, participant_add, person_add
from exchange.exporter import export_case
from exchange.importer import import_cases
from metrics.definitions import MONTH, Filters, period_end, period_start
from metrics.report import published_tables
from tests.exchange.world import make_world
from tests.world import basis
from workflows.deadlines.calendar import AMSTERDAM
from workflows.meetings.models import MeetingDecision


def live_case(w, t: datetime) -> Case:
    d = timedelta(days=1)
    case = case_open(
        actor=w.cvc_user,
        team=w.team,
        municipality=w.municipality,
        family_name="Gezin Maatregel",
        intake="melding_vt",
        reported_on=t.date(),
        opened_at=t,
        vast_gezicht=w.cvc_user,
    )
    child = person_add(
        actor=w.cvc_user,
        case=case,
        role="jeugdige",
        full_name="Kind Maatregel",
        date_of_birth=(t - 3000 * d).date(),  # eight years old: 4-11
        occurred_at=t,
    )
    for org, user, role in ((w.vt, w.vt_user, "onderzoeker"), (w.gi, w.gi_user, "jeugdbeschermer")):
        participant_add(
            actor=w.cvc_user, case=case, organisation=org, professional=user, role=role, occurred_at=t, **basis()
        )
    onderzoek_start(actor=w.vt_user, case=case, kind="vt", started_on=(t + d).date())
    assessment = assessment_start(actor=w.cvc_user, case=case, occurred_at=t + d)
    judgement = judgement_record(
        actor=w.cvc_user,
        assessment=assessment,
        classification="acute",
        joint_score=2,
        rationale="Samen beoordeeld.",
        parents_present=True,
        dissents=[(w.gi, "Onveiliger dan gedacht.")],
        occurred_at=t + 5 * d,
    )
    condition = condition_agree(
        actor=w.cvc_user,
        judgement=judgement,
        description="Vader slaapt elders.",
        owner_organisation=w.cvc,
        owner=w.cvc_user,
        check_date=(t + 20 * d).date(),
        occurred_at=t + 5 * d,
    )
    ots = intervention_agree(
        actor=w.gi_user,
        case=case,
        kind="ots",
        responsible_organisation=w.gi,
        responsible_professional=w.gi_user,
        start_date=(t + 10 * d).date(),
        due_date=(t + 375 * d).date(),
        agreed_at=t + 6 * d,
    )
    intervention_start(actor=w.gi_user, intervention=ots, expected_version=None, occurred_at=t + 10 * d)
    # The judge's OTS for the child, recorded by the GI with the beschikking (today, as documents are).
    beschikking = document_add(
        actor=w.gi_user,
        case=case,
        kind="beschikking",
        title="Beschikking OTS",
        document_date=(t + 9 * d).date(),
        confidentiality="gedeeld",
        persons=[child],
        file=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        filename="beschikking.pdf",
        measure="ots",
        decided_on=(t + 9 * d).date(),
        measure_start=(t + 10 * d).date(),
        measure_end=(t + 375 * d).date(),
    )
    case_change(actor=w.coordinator, case=case, expected_version=None, vast_gezicht=w.gi_user, occurred_at=t + 12 * d)
    condition_check(actor=w.cvc_user, condition=condition, met=False, expected_version=None, occurred_at=t + 19 * d)
    onderzoek_end(actor=w.vt_user, case=case, kind="vt", ended_on=(t + 30 * d).date())
    intervention_stop(
        actor=w.gi_user,
        intervention=ots,
        result="Opgeheven door de rechter.",
        expected_version=None,
        occurred_at=t + 80 * d,
    )
    measure_end(
        actor=w.gi_user, measure=beschikking.child_measures.get(), ended_on=(t + 80 * d).date(), reason="opgeheven"
    )
    return case


def figures(w, t: datetime) -> dict:
    """The published figures (k = 1: nothing hidden) of the months of the case, per table."""
    start = period_start(t.date(), MONTH)
    end = period_end(timezone.localdate(), MONTH)
    peildatum = period_end(t.date() + timedelta(days=10), MONTH)  # the OTS runs, the case is open
    filters = Filters(start, end, team_id=w.team.pk, peildatum=peildatum)
    return {table.key: (table.rows, table.cells) for table in published_tables(filters, k=1)}


@pytest.fixture
def world_and_base(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    day = timezone.localdate() - timedelta(days=200)
    return make_world("Veiligheidsteam Maatregel"), datetime.combine(day, time(10, 0), tzinfo=AMSTERDAM)


def test_the_services_record_every_event_the_metrics_count(world_and_base):
    w, t = world_and_base
    case = live_case(w, t)
    kinds = list(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count(EventKind.VAST_GEZICHT_ASSIGNED) == 2  # at opening, and the handover
    for kind in (
        EventKind.ONDERZOEK_STARTED,
        EventKind.ONDERZOEK_COMPLETED,
        EventKind.INTERVENTION_AGREED,
        EventKind.INTERVENTION_STARTED,
        EventKind.INTERVENTION_ENDED,
        EventKind.CONDITION_BREACHED,  # checked as not met (its own kind since the safety signals)
        EventKind.MEASURE_RECORDED,
        EventKind.MEASURE_ENDED,
    ):
        assert kind in kinds, kind


def test_a_live_and_an_imported_case_yield_the_same_handover_onderzoek_and_measure_figures(world_and_base):
    w, t = world_and_base
    d = timedelta(days=1)
    case = live_case(w, t)
    live = figures(w, t)

    from metrics.national import AGE_COLUMNS

    handovers = live["handovers"]
    assert [row for row in handovers[1]] == [[0, 1, 0]]  # one episode, one handover (the opening is none)
    norms = dict(zip([r[1] for r in live["norms"][0]], live["norms"][1], strict=True))
    assert norms["vt-onderzoek"][0] == 100.0  # the onderzoek, started and ended, within its norm
    # The child's OTS (the beschikking's measure), lifted by the judge on day 80.
    assert live["measures_ended"][1] == [[0, 0, 1, 0, 0, 0]]
    assert live["measures_age"][1] == [[1 if label == "4-11" else 0 for label in AGE_COLUMNS]]
    assert live["measures_duration"][1] == [[70.0, 70.0]]  # started day 10, ended day 80
    assert live["cases_with_measure"][1] == [[1, 0, 0]]  # one case, with one child with a measure
    assert live["stock"][1] == [[1, 1, 1, 1]]  # one open case, its child, the child with its OTS, the OTS
    assert live["protection_measures"][1] == [[1, 0]]
    assert live["judgement_dissent"][1] == [[0, 1, 0]]
    assert live["judgement_presence"][1] == [[0, 1, 0, 0]]  # the parents, not the child
    assert live["judgement_classification"][1] == [[1, 0, 0]]
    assert live["conditions"][1] == [[0, 0, 1]]  # not met
    assert live["intake"][1] == [[1, 0, 0, 0]]
    assert live["waiting_time"][1] == [[1, 4.0, 4.0]]  # agreed day 6, started day 10

    exported = export_case(w.cvc_user, case.reference)
    # The exchange format carries each counted event with its date and who recorded it.
    assert [a["vast_gezicht"] for a in exported["vast_gezicht_assignments"]] == [
        w.cvc_user.username,
        w.gi_user.username,
    ]
    assert exported["vast_gezicht_assignments"][0]["at"] == exported["opened_at"]
    (onderzoek,) = exported["investigations"]
    assert onderzoek["kind"] == "vt" and onderzoek["started"]["by"] == onderzoek["ended"]["by"] == w.vt_user.username
    (measure,) = exported["measures"]
    child_key = next(p["key"] for p in exported["persons"] if p["role"] == "jeugdige")
    assert (measure["kind"], measure["child"], measure["starts_on"]) == (
        "ots",
        child_key,
        (t + 10 * d).date().isoformat(),
    )
    assert (measure["ended"]["on"], measure["ended"]["reason"]) == ((t + 80 * d).date().isoformat(), "opgeheven")
    MeetingDecision.objects.filter(agenda_item__case=case).delete()
    Veiligheidsvoorwaarde.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).delete()
    report = import_cases([(1, json.dumps(exported))], imported_by=w.admin)
    assert report.errors == [] and report.created == 1

    assert figures(w, t) == live
