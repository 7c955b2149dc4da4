"""The destruction desk: the privacy officer proposes on the page, the same person cannot confirm,
a coordinator of the team confirms; others get 404; the menu links the privacy officer's pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.retention.models import Destruction, DestructionState
from cases.retention.services import retention_sweep
from partners.models import Role
from tests.cases.retention.conftest import FAMILY
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_propose_then_a_second_person_confirms_on_the_pages(
    retained, region, client, login_verified, django_capture_on_commit_callbacks
):
    retention_sweep()
    destruction = Destruction.objects.get(case=retained.case)
    login_verified(client, retained.privacy_officer)
    page = client.get("/privacy/vernietiging/")
    assert page.status_code == 200
    body = page.content.decode()
    assert retained.case.reference in body and FAMILY not in body  # identity, never content
    assert 'href="/privacy/vernietiging/"' in body and 'href="/inzage/"' in body  # in the menu
    assert client.post(f"/privacy/vernietiging/{destruction.pk}/voorstellen/").status_code == 302
    assert Destruction.objects.get(pk=destruction.pk).state == DestructionState.PROPOSED

    # The privacy officer who is also coordinator cannot confirm their own proposal.
    MembershipFactory(user=retained.privacy_officer, team=region.team, organisation=region.cvc, role=Role.COORDINATOR)
    client.post(f"/privacy/vernietiging/{destruction.pk}/bevestigen/")
    assert Destruction.objects.get(pk=destruction.pk).state == DestructionState.PROPOSED

    login_verified(client, region.outsider)
    assert client.post(f"/privacy/vernietiging/{destruction.pk}/bevestigen/").status_code == 404

    login_verified(client, region.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/privacy/vernietiging/{destruction.pk}/bevestigen/").status_code == 302
    assert Destruction.objects.get(pk=destruction.pk).state == DestructionState.DESTROYED
    assert Case.objects.get(pk=retained.case.pk).family_name == "vernietigd"


def test_the_list_query_count_does_not_grow_with_the_cases(retained, region, client, login_verified):
    retention_sweep()
    login_verified(client, retained.privacy_officer)
    client.get("/privacy/vernietiging/")
    with CaptureQueriesContext(connection) as few:
        client.get("/privacy/vernietiging/")
    for _ in range(3):
        Destruction.objects.create(case=region.open_case(), destroy_on=retained.case.opened_at.date(), state="due")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/privacy/vernietiging/").status_code == 200
    assert len(many) == len(few)


def test_a_professional_without_the_role_gets_404(region, client, login_verified):
    login_verified(client, region.cvc_user)
    assert client.get("/privacy/vernietiging/").status_code == 404
