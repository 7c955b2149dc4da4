"""Small helpers shared by tests."""

from tests.twofactor import login_verified


def login(client, user):
    """Log `user` in on the test client as a fully authenticated (two-factor verified) session."""
    login_verified(client, user)
    return client
