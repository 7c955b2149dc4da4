"""Five at once: the same attempt in threads that start together, each on its own database
connections (Django's are per thread), closed when the thread ends. For tests marked
`django_db(transaction=True)`: the threads must see what the test set up, and each other's commits."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connections
from django.test import Client

from tests.twofactor import login_verified

N = 5


def simultaneously(attempt: Callable[[int], object], n: int = N) -> list:
    """attempt(0) … attempt(n-1), released together by a barrier; their results in order (an
    exception in one is raised here)."""
    barrier = threading.Barrier(n)

    def run(i: int):
        try:
            barrier.wait(timeout=30)
            return attempt(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def clients_of(user, n: int = N) -> list[Client]:
    """n browsers (sessions) of one user; a server error answers 500 instead of raising in the test."""
    clients = []
    for _ in range(n):
        client = Client(raise_request_exception=False)
        login_verified(client, user)
        clients.append(client)
    return clients


def post_simultaneously(clients: list[Client], url: str, data: dict, **extra) -> list:
    """The same POST from every client at once (form data; `content_type=` for JSON)."""
    return simultaneously(lambda i: clients[i].post(url, data, **extra), n=len(clients))
