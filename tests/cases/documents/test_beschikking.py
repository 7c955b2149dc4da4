"""A beschikking records the judge's measure; its end date opens the deadline for the extension request
(due MEASURE_EXTENSION_LEAD_DAYS before the end, for the GI), through the timeline event."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.documents.models import RetentionClass
from cases.documents.services import (
    MEASURE_END_BEFORE_START,
    MEASURE_ONLY_ON_BESCHIKKING,
    MEASURE_REQUIRED,
    document_add,
)
from cases.models import EventKind
from cases.services import participant_add
from tests.cases.documents.conftest import upload
from tests.world import basis
from workflows.deadlines.calendar import local_date
from workflows.deadlines.models import Deadline, DeadlineState


@pytest.fixture
def bw(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    participant_add(
        actor=world.professional,
        case=world.case,
        organisation=world.gi,
        professional=world.gi_professional,
        role="jeugdbeschermer",
        **basis(),
    )
    return world


def beschikking(w, **measure):
    return document_add(
        actor=w.gi_professional,
        case=w.case,
        kind="beschikking",
        title="Beschikking kinderrechter",
        document_date=date(2026, 3, 3),
        confidentiality="gedeeld",
        persons=[w.child],
        file=upload(),
        filename="beschikking.pdf",
        **measure,
    )


def test_a_beschikking_with_an_end_date_opens_the_extension_request_deadline(bw, settings):
    settings.MEASURE_EXTENSION_LEAD_DAYS = 42
    document = beschikking(
        bw, measure="ots", decided_on=date(2026, 3, 3), measure_start=date(2026, 3, 3), measure_end=date(2027, 3, 3)
    )
    assert document.extension_request_due == date(2027, 1, 20)
    assert document.retention_class == RetentionClass.JUSTITIEEL
    event = bw.case.timeline.get(kind=EventKind.BESCHIKKING_RECORDED)
    assert event.data == {"document_id": document.pk, "measure": "ots"}
    deadline = Deadline.objects.get(case=bw.case, rule__code="verzoek-verlenging-maatregel")
    assert deadline.state == DeadlineState.OPEN
    assert local_date(deadline.due_at) == date(2027, 1, 20)
    assert deadline.responsible_organisation == bw.gi
    assert deadline.subject == f"document:{document.pk}"


def test_the_lead_time_is_configurable(bw, settings):
    settings.MEASURE_EXTENSION_LEAD_DAYS = 14
    document = beschikking(
        bw,
        measure="machtiging_uithuisplaatsing",
        decided_on=date(2026, 3, 3),
        measure_start=date(2026, 3, 3),
        measure_end=date(2027, 3, 3),
    )
    deadline = Deadline.objects.get(case=bw.case, rule__code="verzoek-verlenging-maatregel")
    assert local_date(deadline.due_at) == document.extension_request_due == date(2027, 2, 17)


def test_a_measure_without_an_end_opens_no_deadline(bw):
    beschikking(bw, measure="voogdij", decided_on=date(2026, 3, 3), measure_start=date(2026, 3, 3))
    assert not Deadline.objects.filter(case=bw.case, rule__code="verzoek-verlenging-maatregel").exists()
    assert not bw.case.timeline.filter(kind=EventKind.BESCHIKKING_RECORDED).exists()


def test_a_beschikking_needs_its_measure_and_dates_in_order(bw):
    with pytest.raises(ValidationError) as refused:
        beschikking(bw, measure_start=date(2026, 3, 3), measure_end=date(2026, 1, 1), decided_on=date(2026, 3, 1))
    assert refused.value.message_dict["measure"] == [str(MEASURE_REQUIRED)]
    assert refused.value.message_dict["measure_end"] == [str(MEASURE_END_BEFORE_START)]
    with pytest.raises(ValidationError) as refused:
        document_add(
            actor=bw.gi_professional,
            case=bw.case,
            kind="verslag",
            title="Verslag",
            document_date=date(2026, 3, 3),
            confidentiality="gedeeld",
            file=upload(),
            filename="verslag.pdf",
            measure="ots",
        )
    assert refused.value.message_dict["measure"] == [str(MEASURE_ONLY_ON_BESCHIKKING)]
    assert not bw.case.documents.exists()
