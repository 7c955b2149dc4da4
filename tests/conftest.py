"""Shared fixtures. Tests talk to the real PostgreSQL and Redis of this machine."""

import os
import uuid

import pytest
import redis

from tests import factories
from tests.twofactor import login_verified as _login_verified
from tests.world import make_region

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
def login_verified(db):
    """login_verified(client, user): logged in with a verified second factor (force_login alone is not enough)."""
    return _login_verified


@pytest.fixture
def region(db):
    """The one test world (tests/world.py), with the region's default deadline rules loaded."""
    from django.apps import apps

    from workflows.deadlines.rules import load_defaults

    # Transactional tests flush the data migration's rows: make sure the defaults exist.
    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))
    from cases.retention.rules import load_retention_defaults

    load_retention_defaults(apps.get_model("cases", "RetentionRule"))
    return make_region()


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


def pytest_collection_modifyitems(items):
    """The access log writes on its own connection ("audit"): every database test may use it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not ({"db", "transactional_db", "live_server"} & set(item.fixturenames)):
            continue
        kwargs = dict(marker.kwargs) if marker is not None else {}
        if "transactional_db" in item.fixturenames or "live_server" in item.fixturenames:
            kwargs.setdefault("transaction", True)
        kwargs["databases"] = "__all__"
        item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)


@pytest.fixture(autouse=True)
def _fresh_permission_cache():
    from cases.selectors import reset_permission_cache

    reset_permission_cache()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Close every connection (the access log has its own) before the test database is dropped."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        connections.close_all()


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_log_truncate_triggers():
    """Transactional tests end by emptying the database with one TRUNCATE, which the log tables'
    triggers refuse (security/append_only.py). The test user is a superuser, so the flush runs with
    triggers off for its own transaction (`session_replication_role`); the application's user cannot."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(scope="session")
def _anchor_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("access-log-anchors")


@pytest.fixture(autouse=True)
def _own_access_log_anchor_file(_anchor_folder, settings):
    """Each test starts without access-log anchors, and none land in the checkout's var/."""
    settings.ACCESS_LOG_ANCHOR_FILE = _anchor_folder / f"{uuid.uuid4().hex}.jsonl"
