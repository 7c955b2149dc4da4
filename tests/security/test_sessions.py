"""Sessions: idle and absolute timeouts, ended at deactivation or membership end, visible and endable."""

import time
from datetime import UTC

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from partners.services import membership_end
from security.models import AppendOnlyError, Outcome, SecurityAction, SecurityEvent, UserSession
from security.services import LAST_SEEN_SESSION_KEY, LOGIN_AT_SESSION_KEY, security_event_record
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def shift_session(client, **seconds_back):
    session = client.session
    for key, back in seconds_back.items():
        session[key] = session[key] - back
    session.save()


@pytest.fixture
def user():
    return MembershipFactory().user


def test_an_idle_session_ends_after_thirty_minutes(client, user, login_verified, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login_verified(client, user)
    assert client.get(reverse("home")).status_code == 200

    shift_session(client, **{LAST_SEEN_SESSION_KEY: 31 * 60})
    response = client.get(reverse("home"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    expired = SecurityEvent.objects.get(action="session_expired", username=user.username)
    assert expired.detail["reason"] == "idle"


def test_an_active_session_still_ends_twelve_hours_after_login(client, user, login_verified, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    login_verified(client, user)
    shift_session(client, **{LOGIN_AT_SESSION_KEY: 12 * 3600 + 1})

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert SecurityEvent.objects.get(action="session_expired", username=user.username).detail["reason"] == "absolute"


def test_an_active_session_within_both_limits_stays(client, user, login_verified):
    login_verified(client, user)
    shift_session(client, **{LOGIN_AT_SESSION_KEY: 11 * 3600, LAST_SEEN_SESSION_KEY: 29 * 60})
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[LAST_SEEN_SESSION_KEY] < 5


def test_the_database_forgets_a_session_past_its_expiry(client, user, login_verified):
    login_verified(client, user)
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    assert client.get(reverse("home")).status_code == 302


def test_deactivating_an_account_in_the_admin_ends_all_its_sessions_at_once(user, login_verified):
    admin = Client()
    login_verified(admin, UserFactory(username="beheerder", is_staff=True, is_superuser=True))
    laptop, phone = Client(), Client()
    login_verified(laptop, user)
    login_verified(phone, user)
    assert UserSession.objects.filter(user=user).count() == 2

    form = admin.get(reverse("admin:partners_user_change", args=[user.pk])).context["adminform"].form
    data = {
        k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "is_active": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data.pop("is_active")
    response = admin.post(reverse("admin:partners_user_change", args=[user.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not UserSession.objects.filter(user=user).exists()
    assert Session.objects.filter(session_key__in=[laptop.session.session_key, phone.session.session_key]).count() == 0
    ended = SecurityEvent.objects.get(action="session_ended", username=user.username)
    assert ended.detail == {"reason": "deactivated", "by": "beheerder", "sessions": 2}


def test_ending_a_membership_ends_the_members_sessions(client, user, login_verified, make_member):
    admin = make_member(user.memberships.get().team, role="functional_admin")
    login_verified(client, user)

    membership_end(actor=admin, membership=user.memberships.get())

    assert client.get(reverse("home")).status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_a_user_sees_their_sessions_and_ends_another_one(user, login_verified):
    laptop, phone = Client(), Client()
    login_verified(laptop, user)
    login_verified(phone, user)
    page = laptop.get(reverse("security:account"))
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    assert "deze sessie" in page.content.decode()

    other = UserSession.objects.get(session_key=phone.session.session_key)
    laptop.post(reverse("security:account"), {"session": other.pk})

    assert phone.get(reverse("home")).status_code == 302
    assert laptop.get(reverse("home")).status_code == 200


def test_a_user_cannot_end_someone_elses_session(user, login_verified):
    mine, theirs = Client(), Client()
    login_verified(mine, user)
    login_verified(theirs, UserFactory())
    their_session = UserSession.objects.get(session_key=theirs.session.session_key)

    assert mine.post(reverse("security:account"), {"session": their_session.pk}).status_code == 404
    assert theirs.get(reverse("home")).status_code == 200


def test_an_administrator_ends_anyones_sessions(user, login_verified):
    admin = Client()
    login_verified(admin, UserFactory(username="beheerder", is_staff=True, is_superuser=True))
    victim = Client()
    login_verified(victim, user)

    admin.post(reverse("admin:partners_user_changelist"), {"action": "end_sessions", "_selected_action": [user.pk]})

    assert victim.get(reverse("home")).status_code == 302


def test_logins_and_logouts_are_logged_with_the_nen7513_fields(client, user, login_verified):
    login_verified(client, user)
    client.post(reverse("logout"))

    events = SecurityEvent.objects.filter(username=user.username, action__in=["login", "logout"])
    login, logout = events.order_by("id")
    membership = user.memberships.get()
    assert (login.action, login.outcome, logout.action) == ("login", "success", "logout")
    assert login.at.tzinfo is not None and login.at.utcoffset().total_seconds() == 0
    assert login.at.astimezone(UTC) == login.at
    assert login.user_id == user.pk
    assert login.organisation == membership.organisation.name
    assert login.role == membership.role
    assert logout.ip == "127.0.0.1"


def test_the_security_log_is_append_only(user, login_verified):
    login_verified(Client(), user)
    event = SecurityEvent.objects.get(action="login")
    event.outcome = "failure"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET username = 'iemand' WHERE id = %s", "DELETE FROM {table} WHERE id = %s"]
)
def test_the_database_refuses_to_change_or_remove_a_security_log_row(user, statement):
    event = security_event_record(action=SecurityAction.LOGIN, outcome=Outcome.SUCCESS, user=user)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(table=SecurityEvent._meta.db_table), [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            SecurityEvent.objects.filter(pk=event.pk).update(username="iemand")  # bypasses save()
    assert SecurityEvent.objects.get(pk=event.pk).username == user.username


def test_the_database_refuses_to_truncate_the_security_log(user):
    security_event_record(action=SecurityAction.LOGIN, outcome=Outcome.SUCCESS, user=user)
    with pytest.raises(DatabaseError, match=r"append-only \(TRUNCATE refused\)"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {SecurityEvent._meta.db_table}")
    assert SecurityEvent.objects.filter(user_id=user.pk).exists()
