"""Locust users for benchmarks/load_test.py: professionals browsing lists and dossiers and adding notes.

Each user takes one pre-made, second-factor-verified session (LOAD_TEST_SESSIONS, a JSON file written
by load_test.py) and stops after TASKS_PER_USER tasks, so a run is bounded in count as well as time.
LOAD_TEST_THINK ("min,max" seconds) is the pause between a user's actions: a professional reads a list
or a dossier before the next click; "0,0" makes every user click as fast as the server answers.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task
from locust.exception import StopUser

SESSIONS = json.loads(open(os.environ["LOAD_TEST_SESSIONS"], encoding="utf-8").read())  # noqa: SIM115
TASKS_PER_USER = int(os.environ.get("LOAD_TEST_TASKS_PER_USER", "200"))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next = itertools.count()
THINK_MIN, THINK_MAX = (float(part) for part in os.environ.get("LOAD_TEST_THINK", "3,10").split(","))


class Professional(HttpUser):
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        mine = SESSIONS[next(_next) % len(SESSIONS)]
        self.client.cookies.set("sessionid", mine["sessionid"])
        self.case_ids = mine["case_ids"]
        self.done = 0

    def _count(self) -> None:
        self.done += 1
        if self.done > TASKS_PER_USER:
            raise StopUser

    @task(3)
    def case_list(self) -> None:
        self._count()
        self.client.get("/mijn-zaken/", name="/mijn-zaken/")

    @task(5)
    def case_detail(self) -> None:
        self._count()
        self.client.get(f"/zaken/{random.choice(self.case_ids)}/", name="/zaken/[id]/")  # noqa: S311

    @task(1)
    def note_add(self) -> None:
        self._count()
        case_id = random.choice(self.case_ids)  # noqa: S311
        page = self.client.get(f"/zaken/{case_id}/", name="/zaken/[id]/")
        token = CSRF_INPUT.search(page.text)
        # The server runs as in production (DEBUG off): its cookies are Secure, which a client on plain
        # http does not send back. TLS ends at the proxy there; here the CSRF cookie is handed back as is.
        if "csrftoken" in page.cookies:
            self.client.cookies.set("csrftoken", page.cookies["csrftoken"])
        with self.client.post(
            f"/zaken/{case_id}/notities/nieuw/",
            name="/zaken/[id]/notities/nieuw/",
            data={"csrfmiddlewaretoken": token.group(1) if token else "", "text": "Load test."},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"note not added: {response.status_code}")
