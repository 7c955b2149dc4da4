"""The chair's view and the minutes tell a child's age only where the reader may read the child's
details (cases.confidentiality); a child removed as added by mistake is not counted."""

from __future__ import annotations

from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone

from cases.corrections import person_remove
from cases.services import person_add
from tests.world import in_days, open_case
from workflows.meetings.services import agenda_add, meeting_close, meeting_schedule


def _age(born: date) -> int:
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_a_childs_age_shows_only_to_readers_of_its_class_and_removed_children_do_not_count(
    region, client, login_verified
):
    case = open_case(region)
    shared_born, vt_born, removed_born = date(2015, 1, 10), date(2012, 5, 20), date(2009, 3, 3)
    person_add(actor=region.cvc_user, case=case, role="jeugdige", full_name="Kind Open", date_of_birth=shared_born)
    person_add(
        actor=region.vt_user,
        case=case,
        role="jeugdige",
        full_name="Kind Melder",
        date_of_birth=vt_born,
        confidentiality="melder",
    )
    mistake = person_add(
        actor=region.cvc_user, case=case, role="jeugdige", full_name="Kind Vergissing", date_of_birth=removed_born
    )
    person_remove(actor=region.cvc_user, person=mistake, reason="Verkeerd gezin", expected_version=mistake.version)
    at = timezone.make_aware(datetime.combine(in_days(0), time(9, 0)))
    meeting = meeting_schedule(actor=region.coordinator, team=region.team, scheduled_at=at, chair=region.cvc_user)
    agenda_add(actor=region.coordinator, meeting=meeting, case=case)
    url = reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})

    login_verified(client, region.vt_user)
    vt_view = client.get(url).content.decode()
    assert f"2 × jeugdige ({_age(vt_born)}, {_age(shared_born)} jr)" in vt_view

    login_verified(client, region.gi_user)
    gi_view = client.get(url).content.decode()
    assert f"2 × jeugdige ({_age(shared_born)} jr)" in gi_view
    assert f"{_age(vt_born)}, " not in gi_view

    meeting.refresh_from_db()
    meeting_close(actor=region.cvc_user, meeting=meeting, expected_version=meeting.version)
    # The minutes are read by every participant: the melder-class child is counted, its age is not kept.
    assert meeting.agenda_items.get().snapshot["case"]["children_ages"] == [None, _age(shared_born)]
