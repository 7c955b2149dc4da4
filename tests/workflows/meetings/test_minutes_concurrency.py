"""Closing races: five clicks on "Overleg sluiten" close the meeting once; minutes written while the
chair closes are either in the frozen record or refused, never lost between the two."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.concurrency import N, clients_of, post_simultaneously, simultaneously
from tests.world import in_days, open_case
from workflows.meetings.models import AgendaItem, Meeting
from workflows.meetings.services import MEETING_CLOSED, agenda_add, meeting_close, meeting_schedule, minutes_record

race = pytest.mark.django_db(transaction=True)


@pytest.fixture
def item(region):
    at = timezone.make_aware(datetime.combine(in_days(0), time(10, 0)))
    meeting = meeting_schedule(actor=region.coordinator, team=region.team, scheduled_at=at, chair=region.coordinator)
    return agenda_add(actor=region.coordinator, meeting=meeting, case=open_case(region))


@race
def test_five_simultaneous_closings_close_the_meeting_once(region, item):
    meeting = item.meeting
    url = reverse("meeting-close", kwargs={"meeting_id": meeting.pk})
    responses = post_simultaneously(clients_of(region.coordinator), url, {"version": meeting.version})
    assert [r.status_code for r in responses] == [302] * N
    closed = Meeting.objects.get(pk=meeting.pk)
    assert closed.closed_at is not None and closed.version == meeting.version + 1
    assert closed.history.filter(closed_at__isnull=False).count() == 1


@race
def test_minutes_written_while_the_meeting_closes_are_frozen_or_refused(region, item):
    meeting = item.meeting

    def attempt(i: int):
        if i == 0:
            return meeting_close(
                actor=region.coordinator, meeting=Meeting.objects.get(pk=meeting.pk), expected_version=None
            )
        try:
            minutes_record(
                actor=region.coordinator,
                item=AgendaItem.objects.get(pk=item.pk),
                minutes=f"Verslag {i}",
                expected_version=None,
            )
        except ValidationError as exc:
            assert exc.messages == [str(MEETING_CLOSED)]
            return "refused"
        return "saved"

    results = simultaneously(attempt)
    assert results[0] is True
    stored = AgendaItem.objects.get(pk=item.pk)
    # What the item holds is exactly what the record froze: nothing saved after the closing.
    assert stored.snapshot["minutes"] == stored.minutes
    assert set(results[1:]) <= {"saved", "refused"}
