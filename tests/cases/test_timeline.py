"""The case page's timeline: each step reads what happened (from → to, with the reason), in the reader's
language, filtered by group and in pages, in a fixed number of queries."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import selectors as case_selectors
from cases.models import CaseStatus, EventKind, TimelineEvent
from cases.services import case_change, note_add
from cases.timeline import TIMELINE_GROUPS, timeline_record
from tests.cases.test_case_lists import DETAIL_QUERIES
from tests.world import set_status
from workflows.lifecycle.services import case_reopen, case_transition

S = CaseStatus


def _timeline(body: str) -> str:
    return body[body.index('id="timeline-title"') :]


def _entries(body: str) -> list[str]:
    items = re.findall(r"<li><time[^>]*>.*?</li>", _timeline(body), flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def _titles(body: str) -> set[str]:
    return set(re.findall(r"<li><time[^>]*>.*?</time> — <strong>(.*?)</strong>", _timeline(body), flags=re.S))


def test_every_event_kind_belongs_to_exactly_one_filter_group():
    grouped = [str(kind) for _label, kinds in TIMELINE_GROUPS.values() for kind in kinds]
    assert sorted(grouped) == sorted(EventKind.values)


def test_a_status_change_reads_from_to_and_its_reason(region, client, login_verified):
    case = region.open_case()
    case_transition(
        actor=region.cvc_user, case=case, to=S.VEILIGHEIDSBEOORDELING, reason="Zorgen van school", expected_version=1
    )
    login_verified(client, region.cvc_user)
    entries = _entries(client.get(f"/zaken/{case.pk}/").content.decode())
    [line] = [entry for entry in entries if "status gewijzigd" in entry]
    assert "status gewijzigd: aangemeld → veiligheidsbeoordeling. Reden: Zorgen van school" in line
    assert region.cvc_user.get_full_name() in line


def test_the_timeline_is_translated_when_shown_not_when_recorded(region, client, login_verified):
    case = region.open_case()
    case_transition(actor=region.cvc_user, case=case, to=S.VEILIGHEIDSBEOORDELING, reason="Zorgen", expected_version=1)
    login_verified(client, region.cvc_user)
    body = client.get(f"/zaken/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    [line] = [entry for entry in _entries(body) if "status changed" in entry]
    assert "referred → safety assessment" in line
    assert "aangemeld" not in line


def test_a_closure_with_open_points_reads_both_reasons(region, client, login_verified):
    case = set_status(region.open_case(), S.MONITORING)
    TimelineEvent.objects.filter(case=case).delete()
    timeline_record(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        actor=region.coordinator,
        summary="Gezin verhuisd — afgesloten met openstaande punten: Inzet loopt elders door",
        data={"from": S.MONITORING, "to": S.AFGESLOTEN, "override": True},
    )
    login_verified(client, region.coordinator)
    [line] = _entries(client.get(f"/zaken/{case.pk}/").content.decode())
    assert "monitoring → afgesloten. Reden: Gezin verhuisd. Afgesloten met openstaande punten: Inzet loopt" in line


def test_reopening_shows_one_entry_with_the_move_the_new_episode_and_the_reason(region, client, login_verified):
    case = set_status(region.open_case(), S.AFGESLOTEN)
    before = case.timeline.count()
    case_reopen(actor=region.cvc_user, case=case, reason="Nieuwe melding van school", expected_version=case.version)
    assert case.timeline.count() == before + 1
    login_verified(client, region.cvc_user)
    entries = _entries(client.get(f"/zaken/{case.pk}/").content.decode())
    assert (
        "casus heropend (nieuwe episode): afgesloten → aangemeld (episode 2). Reden: Nieuwe melding van school"
        in (entries[0])
    )
    assert not [entry for entry in entries if "status gewijzigd" in entry]


def test_the_filter_shows_only_the_ticked_groups_with_labelled_checkboxes(region, client, login_verified):
    case = region.open_case()
    case_transition(actor=region.cvc_user, case=case, to=S.VEILIGHEIDSBEOORDELING, reason="Zorgen", expected_version=1)
    note_add(actor=region.cvc_user, case=case, text="Eerste gesprek gevoerd.")
    login_verified(client, region.cvc_user)

    everything = client.get(f"/zaken/{case.pk}/").content.decode()
    assert '<input type="checkbox" name="soort" value="status"' in everything
    assert re.search(r'<label for="id_soort_\d+">\s*<input type="checkbox" name="soort" value="notities"', everything)
    assert {"casus geopend", "status gewijzigd", "notitie toegevoegd"} <= _titles(everything)

    status_only = _entries(client.get(f"/zaken/{case.pk}/", {"soort": "status"}).content.decode())
    assert len(status_only) == 1 and "status gewijzigd" in status_only[0]
    both = _entries(client.get(f"/zaken/{case.pk}/", {"soort": ["status", "notities"]}).content.decode())
    assert len(both) == 2 and "notitie toegevoegd" in both[0]  # newest first
    nothing = client.get(f"/zaken/{case.pk}/", {"soort": "overleg"}).content.decode()
    assert _entries(nothing) == [] and "Geen gebeurtenissen van deze soort." in nothing
    bogus = client.get(f"/zaken/{case.pk}/", {"soort": "geheim"})
    assert bogus.status_code == 200 and len(_entries(bogus.content.decode())) == len(_entries(everything))


def test_the_case_page_query_count_does_not_grow_with_the_timeline(region, client, login_verified):
    case = region.open_case()
    login_verified(client, region.cvc_user)
    url = f"/zaken/{case.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"soort": ["casus", "notities"]})
    for n in range(12):
        note_add(actor=region.cvc_user, case=case, text=f"Notitie {n}")
        case.refresh_from_db()
    with CaptureQueriesContext(connection) as many:
        body = client.get(url, {"soort": ["casus", "notities"]}).content.decode()
    assert len(_entries(body)) == 14  # opened, vast gezicht and twelve notes
    # The case page's own budget (tests/cases/test_case_lists.py), and one more: the names of the
    # assigned vast gezichten that the timeline's "vast gezicht" lines show.
    assert len(many) == len(few) == DETAIL_QUERIES + 1


def test_a_long_timeline_is_shown_in_pages_newest_first_keeping_the_filter(region, client, login_verified, monkeypatch):
    monkeypatch.setattr(case_selectors, "TIMELINE_PAGE_SIZE", 5)
    case = region.open_case()
    for n in range(7):
        note_add(actor=region.cvc_user, case=case, text=f"Notitie {n}")
    login_verified(client, region.cvc_user)
    first = client.get(f"/zaken/{case.pk}/", {"soort": "notities"}).content.decode()
    assert len(_entries(first)) == 5 and "Pagina 1 van 2" in first
    assert "?soort=notities&amp;tijdlijn=2#timeline-title" in first
    second = client.get(f"/zaken/{case.pk}/", {"soort": "notities", "tijdlijn": 2}).content.decode()
    assert len(_entries(second)) == 2 and "Pagina 2 van 2" in second
    assert client.get(f"/zaken/{case.pk}/", {"tijdlijn": "x"}).status_code == 200


def test_changing_the_vast_gezicht_with_other_fields_writes_one_assignment_naming_them(region, client, login_verified):
    case = region.open_case()
    before = case.timeline.count()
    case_change(
        actor=region.cvc_user, case=case, expected_version=None, family_name="Gezin Anders", vast_gezicht=region.vt_user
    )
    [event] = case.timeline.order_by("-id")[: case.timeline.count() - before]
    assert event.kind == EventKind.VAST_GEZICHT_ASSIGNED
    assert event.data == {"user_id": region.vt_user.pk, "fields": ["family_name", "vast_gezicht"]}
    case_change(actor=region.cvc_user, case=case, expected_version=None, family_name="Gezin Derde")
    assert case.timeline.order_by("-id").first().data == {"fields": ["family_name"]}
    login_verified(client, region.cvc_user)
    entries = _entries(client.get(f"/zaken/{case.pk}/").content.decode())
    assert f"vast gezicht toegewezen: {region.vt_user.get_full_name()}. ook gewijzigd: gezin" in entries[1]
    assert "casusgegevens gewijzigd: gezin" in entries[0]


def test_every_kind_reads_even_without_data(region, client, login_verified, monkeypatch):
    monkeypatch.setattr(case_selectors, "TIMELINE_PAGE_SIZE", 1000)  # every kind on one page
    case = region.open_case()
    for kind in EventKind.values:
        timeline_record(case=case, kind=kind, data={})
    login_verified(client, region.cvc_user)
    response = client.get(f"/zaken/{case.pk}/")
    assert response.status_code == 200 and len(_entries(response.content.decode())) == case.timeline.count()
