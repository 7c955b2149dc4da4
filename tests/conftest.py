"""Shared fixtures. Tests talk to the real PostgreSQL and Redis of this machine."""

import os

import pytest
import redis

from tests import factories

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def require_service(name: str, reason: str) -> None:
    """Under CI a missing service is a failure; elsewhere the test may skip with the reason."""
    message = f"{name} is not reachable: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        require_service("Redis", str(exc))
    return client


@pytest.fixture
def team(db):
    return factories.SafetyTeamFactory()


@pytest.fixture
def make_member(db):
    """make_member(team, role=..., kind=...) -> user with an active membership in that team."""

    def _make(team, role="professional", kind="cvc", organisation=None, **user_kwargs):
        organisation = organisation or factories.OrganisationFactory(kind=kind)
        membership = factories.MembershipFactory(
            team=team, organisation=organisation, role=role, user=factories.UserFactory(**user_kwargs)
        )
        return membership.user

    return _make
