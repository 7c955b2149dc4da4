"""Destroying a case past its retention date: four eyes, personal values gone from every table, the
metrics unchanged, the access log still verifying, the destruction itself logged."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from cases.access_log.integrity import access_log_verify
from cases.access_log.models import TOMBSTONE_DETAIL, AccessAction
from cases.access_log.services import access_log_rows
from cases.models import EventKind, TimelineEvent
from cases.retention.models import Destruction, DestructionState
from cases.retention.services import (
    DESTRUCTION_FOUR_EYES,
    destruction_confirm,
    destruction_date,
    destruction_propose,
    retention_sweep,
)
from cases.selectors import case_for
from metrics.definitions import Filters
from metrics.report import metric_tables
from tests.cases.retention.conftest import PLANTED, tables_holding
from workflows.deadlines.models import Deadline, DeadlineState

pytestmark = pytest.mark.django_db(databases="__all__")

ALL_TIME = Filters(date(2000, 1, 1), date(2030, 12, 31))


def metrics() -> list:
    return [(t.key, t.rows, t.cells) for t in metric_tables(ALL_TIME)]


def test_a_closed_case_gets_its_date_from_the_longest_applicable_rule(retained):
    computed = destruction_date(retained.case)
    assert computed is not None
    # VT and the GI took part: jeugdhulp, Veilig Thuis (20 years after the last involvement; the child
    # was 18 long ago); no measure ran, so the GI's rule does not apply.
    assert computed.rule_codes == ("jeugdhulp", "veilig-thuis")
    closed = timezone.localdate(retained.case.closed_at)
    assert computed.destroy_on.year - closed.year == 20


def test_the_sweep_lists_the_case_whose_date_has_come_and_drops_a_reopened_one(retained, region):
    assert retention_sweep() == [retained.case.pk]
    assert Destruction.objects.get(case=retained.case).state == DestructionState.DUE
    fresh = region.open_case()
    assert retention_sweep() == [retained.case.pk]  # open cases get no date
    assert not Destruction.objects.filter(case=fresh).exists()


def test_the_proposer_cannot_confirm_and_only_a_coordinator_confirms(retained, region):
    retention_sweep()
    destruction = Destruction.objects.get(case=retained.case)
    with pytest.raises(PermissionDenied):
        destruction_propose(actor=region.coordinator, destruction=destruction)  # not the privacy officer
    destruction_propose(actor=retained.privacy_officer, destruction=destruction)
    with pytest.raises(PermissionDenied):
        destruction_confirm(actor=region.cvc_user, destruction=destruction)  # not a coordinator
    # A privacy officer who is also coordinator of the team still needs a second person.
    from partners.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(user=retained.privacy_officer, team=region.team, organisation=region.cvc, role=Role.COORDINATOR)
    with pytest.raises(ValidationError) as refused:
        destruction_confirm(actor=retained.privacy_officer, destruction=destruction)
    assert str(DESTRUCTION_FOUR_EYES) in refused.value.messages
    assert Destruction.objects.get(pk=destruction.pk).state == DestructionState.PROPOSED


def test_a_case_not_yet_due_cannot_be_proposed(retained):
    retention_sweep(today=date(2000, 1, 1))
    destruction = Destruction.objects.get(case=retained.case)
    assert destruction.state == DestructionState.SCHEDULED
    with pytest.raises(ValidationError):
        destruction_propose(actor=retained.privacy_officer, destruction=destruction)


def test_destruction_removes_every_personal_value_keeps_metrics_and_the_log_verifies(
    retained, region, django_capture_on_commit_callbacks
):
    case = retained.case
    case_for(region.cvc_user, case.pk)  # a read of the case: an access log row naming it
    for value in PLANTED:
        assert tables_holding(value), value  # planted where the scan looks
    before = metrics()
    retention_sweep()
    destruction = destruction_propose(actor=retained.privacy_officer, destruction=case.destruction)
    with django_capture_on_commit_callbacks(execute=True):
        destruction_confirm(actor=region.coordinator, destruction=destruction, ip="192.0.2.7")

    for value in PLANTED:
        assert tables_holding(value) == [], value
        assert tables_holding(value, alias="audit") == [], value
    assert metrics() == before
    assert Destruction.objects.get(pk=destruction.pk).state == DestructionState.DESTROYED
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.CASE_DESTROYED).count() == 1
    # No reminders run for a destroyed case; the deadlines keep their state (the figures above).
    assert not Deadline.objects.filter(case=case, state=DeadlineState.OPEN, remind_at__isnull=False).exists()

    rows = access_log_rows()
    naming = list(rows.filter(case_id=case.pk).values_list("action", "detail"))
    assert naming == [(AccessAction.DELETE, "vernietiging")]  # only the destruction itself
    assert rows.filter(detail=TOMBSTONE_DETAIL, case_id__isnull=True).count() >= 1
    assert access_log_verify().intact
    call_command("verify_access_log")  # exits non-zero when a finding is made


def test_the_database_refuses_any_other_change_to_the_access_log(retained, region):
    from django.db import DatabaseError, transaction

    entry = access_log_rows().filter(case_id=retained.case.pk).first() or case_for(region.cvc_user, retained.case.pk)
    entry = access_log_rows().filter(case_id=retained.case.pk).first()
    with pytest.raises(DatabaseError), transaction.atomic(using="audit"):
        access_log_rows().filter(pk=entry.pk).update(username="iemand anders")
    with pytest.raises(DatabaseError), transaction.atomic(using="audit"):
        access_log_rows().filter(pk=entry.pk).update(detail=TOMBSTONE_DETAIL, case_id=None, subject_digest="x" * 64)


def test_the_security_log_keeps_its_rows_with_the_cases_paths_tombstoned(
    retained, region, django_capture_on_commit_callbacks
):
    from django.db import DatabaseError, transaction

    from security.models import Outcome, SecurityAction, SecurityEvent
    from security.services import security_event_record

    case = retained.case
    denied = security_event_record(
        action=SecurityAction.ACCESS_DENIED,
        outcome=Outcome.FAILURE,
        username="buitenstaander",
        detail={"path": f"/zaken/{case.pk}/notities/nieuw/", "method": "POST", "status": 403},
    )
    other = security_event_record(
        action=SecurityAction.ACCESS_DENIED,
        outcome=Outcome.FAILURE,
        detail={"path": f"/zaken/{case.pk}0/", "method": "GET", "status": 403},  # another case's id
    )
    retention_sweep()
    destruction = destruction_propose(actor=retained.privacy_officer, destruction=case.destruction)
    with django_capture_on_commit_callbacks(execute=True):
        destruction_confirm(actor=region.coordinator, destruction=destruction)
    assert SecurityEvent.objects.get(pk=denied.pk).detail == {
        "path": "vernietigd",
        "method": "POST",
        "status": 403,
        "tombstone": True,
    }
    assert SecurityEvent.objects.get(pk=denied.pk).username == "buitenstaander"
    assert SecurityEvent.objects.get(pk=other.pk).detail["path"] == f"/zaken/{case.pk}0/"
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=other.pk).update(username="iemand anders")


def test_the_retention_sweep_runs_daily_from_beat(settings, retained):
    from cases.retention.tasks import sweep

    entry = settings.CELERY_BEAT_SCHEDULE["cases-retention-sweep"]
    assert entry["task"] == "cases.retention_sweep"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {15})
    assert sweep() == {"due": 1}


def test_destruction_waits_for_an_undecided_request_of_the_family(retained, region):
    from cases.requests.services import family_request_register
    from cases.retention.services import DESTRUCTION_REQUEST_PENDING

    retention_sweep()
    destruction = destruction_propose(actor=retained.privacy_officer, destruction=retained.case.destruction)
    family_request_register(
        actor=region.cvc_user,
        case=retained.case,
        kind="afschrift",
        requester_name="Een ouder",
        relation="ouder",
        identity_check="document",
        received_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as refused:
        destruction_confirm(actor=region.coordinator, destruction=destruction)
    assert str(DESTRUCTION_REQUEST_PENDING) in refused.value.messages


def test_a_granted_destruction_request_makes_a_recently_closed_case_due(region):
    from cases.requests.services import family_request_decide, family_request_register
    from cases.retention.services import GRANTED_REQUEST
    from cases.services import person_add
    from tests.world import open_case, set_status

    case = open_case(region)
    parent = person_add(actor=region.cvc_user, case=case, role="ouder", full_name="Vera Vernietigverzoek")
    set_status(case, "afgesloten")
    assert retention_sweep() == []  # twenty years to go
    request = family_request_register(
        actor=region.cvc_user,
        case=case,
        kind="vernietiging",
        person=parent,
        requester_name="",
        relation="ouder",
        identity_check="document",
        received_on=timezone.localdate(),
    )
    family_request_decide(
        actor=region.cvc_user,
        request=request,
        decision="toegewezen",
        decision_reason="Geen zwaarwegend belang van een ander, geen bewaarplicht.",
        expected_version=request.version,
    )
    assert retention_sweep() == [case.pk]
    assert GRANTED_REQUEST in Destruction.objects.get(case=case).rule_codes
