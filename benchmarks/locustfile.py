"""Locust users for benchmarks/load_test.py: professionals browsing lists and dossiers and adding notes.

Each user takes one pre-made, second-factor-verified session (LOAD_TEST_SESSIONS, a JSON file written
by load_test.py) and stops after TASKS_PER_USER tasks, so a run is bounded in count as well as time.
LOAD_TEST_THINK ("min,max" seconds) is the pause between a user's actions: a professional reads a list
or a dossier before the next click; "0,0" makes every user click as fast as the server answers.

FastHttpUser (geventhttpclient): the generator shares the machine's two cores with the server, and the
requests-based HttpUser spends several times its CPU per request. The server runs as in production
(DEBUG off): its cookies are Secure, which a client on plain http does not send back (TLS ends at the
proxy there). So each user keeps the cookies the server sets (session, CSRF, messages) itself and
sends them back as a browser would. A page that does not answer 200 (a redirect to the login page
included) counts as an error.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from urllib.parse import urlencode

from locust import FastHttpUser, between, task
from locust.exception import StopUser

SESSIONS = json.loads(open(os.environ["LOAD_TEST_SESSIONS"], encoding="utf-8").read())  # noqa: SIM115
TASKS_PER_USER = int(os.environ.get("LOAD_TEST_TASKS_PER_USER", "200"))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next = itertools.count()
THINK_MIN, THINK_MAX = (float(part) for part in os.environ.get("LOAD_TEST_THINK", "3,10").split(","))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Professional(FastHttpUser):
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        mine = SESSIONS[next(_next) % len(SESSIONS)]
        self.cookies = {"sessionid": mine["sessionid"]}
        self.case_ids = mine["case_ids"]
        self.done = 0

    def _count(self) -> None:
        self.done += 1
        if self.done > TASKS_PER_USER:
            raise StopUser

    def _headers(self, extra: dict | None = None) -> dict:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()), **(extra or {})}

    def _keep_cookies(self, response) -> None:
        for line in response.headers.getlist("set-cookie") if response.headers else []:
            name, _, rest = line.partition("=")
            value, _, attributes = rest.partition(";")
            if "max-age=0" in attributes.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip().strip('"')

    def _page(self, path: str, name: str):
        with self.client.get(
            path, name=name, headers=self._headers(), allow_redirects=False, catch_response=True
        ) as response:
            self._keep_cookies(response)
            if response.status_code != 200:
                response.failure(f"page not shown: {response.status_code}")
            return response

    @task(3)
    def case_list(self) -> None:
        self._count()
        self._page("/mijn-zaken/", "/mijn-zaken/")

    @task(5)
    def case_detail(self) -> None:
        self._count()
        self._page(f"/zaken/{random.choice(self.case_ids)}/", "/zaken/[id]/")  # noqa: S311

    @task(1)
    def note_add(self) -> None:
        self._count()
        case_id = random.choice(self.case_ids)  # noqa: S311
        page = self._page(f"/zaken/{case_id}/", "/zaken/[id]/")
        token = CSRF_INPUT.search(page.text or "")
        with self.client.post(
            f"/zaken/{case_id}/notities/nieuw/",
            name="/zaken/[id]/notities/nieuw/",
            data=urlencode({"csrfmiddlewaretoken": token.group(1) if token else "", "text": "Load test."}),
            headers=self._headers(FORM),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep_cookies(response)
            if response.status_code != 302 or "/accounts/login/" in (response.headers.get("location") or ""):
                response.failure(f"note not added: {response.status_code}")
