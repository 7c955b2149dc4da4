import pytest

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_an_oversized_id_is_not_found_instead_of_a_database_error(client, login_verified):
    login_verified(client, MembershipFactory().user)
    huge = "9" * 40
    assert client.get(f"/api/v1/cases/{huge}/").status_code == 404
    assert client.get(f"/zaken/{huge}/").status_code == 404
    assert client.get("/api/v1/cases/999999999999999999/").status_code == 404
