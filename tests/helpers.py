"""Small helpers shared by tests."""


def login(client, user):
    """Log `user` in on the test client as a fully authenticated session; returns the client."""
    client.force_login(user)
    return client
