"""A beschikking's measure is recorded once for each child it concerns, and feeds the national metrics
per child (start, end, duration, age at start, how it ended); the organisation that recorded it records
how and when it ended, on the beschikking's page and through the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.documents.measures import (
    MEASURE_ALREADY_ENDED,
    MEASURE_CHILD_REQUIRED,
    MEASURE_END_OWN_ORGANISATION,
    MEASURE_ENDED_BEFORE_START,
    measure_end,
)
from cases.documents.models import ChildMeasure
from cases.models import EventKind
from cases.services import person_add
from metrics.definitions import Filters, period_end, period_start
from metrics.report import metric_tables
from tests.cases.documents.conftest import upload

START = date(2025, 1, 10)


@pytest.fixture
def mw(world, settings, tmp_path):
    from cases.services import participant_add
    from tests.world import basis

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
    world.sibling = person_add(
        actor=world.professional,
        case=world.case,
        role="jeugdige",
        full_name="Noa Testman",
        date_of_birth=date(2022, 5, 1),
    )
    world.parent = person_add(actor=world.professional, case=world.case, role="ouder", full_name="Els Testman")
    return world


def beschikking(w, persons, **extra):
    from cases.documents.services import document_add

    return document_add(
        actor=w.gi_professional,
        case=w.case,
        kind="beschikking",
        title="Beschikking kinderrechter",
        document_date=START,
        confidentiality="gedeeld",
        persons=persons,
        file=upload(),
        filename="beschikking.pdf",
        measure="ots",
        decided_on=START,
        measure_start=START,
        **extra,
    )


def tables() -> dict:
    filters = Filters(period_start(START, "month"), period_end(timezone.localdate(), "month"))
    return {t.key: t for t in metric_tables(filters)}


def test_a_beschikking_for_two_children_and_a_parent_records_the_measure_for_each_child(mw):
    document = beschikking(mw, [mw.child, mw.sibling, mw.parent], measure_end=START + timedelta(days=365))
    rows = ChildMeasure.objects.filter(document=document).order_by("child_id")
    assert [(r.child, r.measure, r.starts_on, r.planned_end) for r in rows] == [
        (mw.child, "ots", START, START + timedelta(days=365)),
        (mw.sibling, "ots", START, START + timedelta(days=365)),
    ]
    events = mw.case.timeline.filter(kind=EventKind.MEASURE_RECORDED)
    assert sorted(e.data["person_id"] for e in events) == [mw.child.pk, mw.sibling.pk]
    assert all("Testman" not in e.summary for e in events)


def test_a_beschikking_that_names_no_child_is_refused_and_nothing_is_stored(mw):
    with pytest.raises(ValidationError) as refused:
        beschikking(mw, [mw.parent])
    assert refused.value.message_dict["persons"] == [str(MEASURE_CHILD_REQUIRED)]
    assert not mw.case.documents.exists() and not ChildMeasure.objects.exists()


def test_the_measure_feeds_the_metrics_per_child_start_end_and_duration(mw):
    document = beschikking(mw, [mw.child, mw.sibling])
    first = document.child_measures.get(child=mw.child)
    measure_end(actor=mw.gi_professional, measure=first, ended_on=START + timedelta(days=30), reason="opgeheven")
    t = tables()
    keys = [key for key, _label in t["measures_ended"].columns]
    ((labels, cells),) = zip(t["measures_ended"].rows, t["measures_ended"].cells, strict=True)
    assert labels == ("2025-01", "ondertoezichtstelling (OTS)")  # the period of the start
    row = dict(zip(keys, cells, strict=True))
    assert (row["running"], row["end_opgeheven"]) == (1, 1)  # two children: two measures
    assert t["measures_duration"].cells == [[30.0, 30.0]]
    assert t["measures_duration"].guard_counts == [[1]]
    age_keys = [key for key, _label in t["measures_age"].columns]
    ages = dict(zip(age_keys, t["measures_age"].cells[0], strict=True))
    assert (ages["age_0-3"], ages["age_4-11"]) == (1, 1)  # Noa is 2, Kim 8 at the start
    assert t["cases_with_measure"].cells == [[0, 1, 0]]  # one case, two children with a measure


def test_only_the_recording_organisation_ends_a_measure_once_and_not_before_it_started(mw):
    document = beschikking(mw, [mw.child])
    measure = document.child_measures.get()
    with pytest.raises(Exception) as refused:
        measure_end(actor=mw.professional, measure=measure, ended_on=START, reason="overig")
    assert str(MEASURE_END_OWN_ORGANISATION) in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        measure_end(actor=mw.gi_professional, measure=measure, ended_on=START - timedelta(days=1), reason="overig")
    assert refused.value.message_dict["ended_on"] == [str(MEASURE_ENDED_BEFORE_START)]
    measure_end(actor=mw.gi_professional, measure=measure, ended_on=START, reason="meerderjarig")
    with pytest.raises(ValidationError) as refused:
        measure_end(actor=mw.gi_professional, measure=measure, ended_on=START, reason="overig")
    assert refused.value.message_dict["ended_on"] == [str(MEASURE_ALREADY_ENDED)]
    assert ChildMeasure.objects.get().end_reason == "meerderjarig"
    assert mw.case.timeline.filter(kind=EventKind.MEASURE_ENDED).count() == 1


def test_the_end_is_recorded_on_the_beschikkings_page_with_a_dutch_error_for_bad_input(mw, client, login_verified):
    document = beschikking(mw, [mw.child])
    measure = document.child_measures.get()
    login_verified(client, mw.gi_professional)
    detail = client.get(reverse("document-detail", args=[mw.case.pk, document.pk])).content.decode()
    url = reverse("document-measure-end", args=[mw.case.pk, document.pk, measure.pk])
    assert "Maatregel per kind" in detail and url in detail
    bad = client.post(url, {"ended_on": "2025-01-01", "reason": "opgeheven"})
    assert bad.status_code == 400 and str(MEASURE_ENDED_BEFORE_START) in bad.content.decode()
    assert client.post(url, {"ended_on": "2025-02-01", "reason": "nee"}).status_code == 400
    assert ChildMeasure.objects.get().ended_on is None
    assert client.post(url, {"ended_on": "2025-02-01", "reason": "opgeheven"}).status_code == 302
    assert ChildMeasure.objects.get().ended_on == date(2025, 2, 1)


def test_the_api_shows_the_measures_per_child_and_records_the_end(mw, client, login_verified):
    document = beschikking(mw, [mw.child, mw.sibling])
    measure = document.child_measures.get(child=mw.child)
    login_verified(client, mw.gi_professional)
    base = f"/api/v1/cases/{mw.case.pk}/documents/{document.pk}/"
    body = client.get(base).json()
    assert sorted(m["child"] for m in body["child_measures"]) == [mw.child.pk, mw.sibling.pk]
    url = f"{base}measures/{measure.pk}/end/"
    assert client.post(url, {"ended_on": "2025-02-01"}, content_type="application/json").status_code == 400
    done = client.post(url, {"ended_on": "2025-02-01", "reason": "omgezet"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["end_reason"] == "omgezet"
    login_verified(client, mw.professional)  # the CVC did not record it
    again = client.post(url, {"ended_on": "2025-02-02", "reason": "overig"}, content_type="application/json")
    assert again.status_code in (400, 403)
    assert client.post(f"{base}measures/{measure.pk + 99}/end/", {}, content_type="application/json").status_code == 404


def test_a_childs_measure_makes_the_gis_retention_rule_apply(mw):
    from cases.retention.services import rules_for

    assert "gi-maatregel" not in {rule.code for rule in rules_for(mw.case)}  # the GI takes part, no measure ran
    beschikking(mw, [mw.child])
    assert "gi-maatregel" in {rule.code for rule in rules_for(mw.case)}
