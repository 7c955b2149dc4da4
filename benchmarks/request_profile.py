#!/usr/bin/env python
"""Where one request's time goes, through the WSGI handler gunicorn calls (no test client in between).

    DATABASE_URL=… .venv/bin/python benchmarks/request_profile.py [--profile] [--runs N] PATH…

PATH may hold `{case}` (the professional's first case; `{case3}` its fourth). Runs with the load
test's production settings (DEBUG off), as a professional of the data set with a verified session,
and prints per path: the process's CPU ms and wall ms per request (median), the queries per request
on each connection with their SQL and milliseconds, and with --profile the cProfile top of the CPU
(cumulative and own time). CPU time of this process is what the machine's load disturbs least;
`/bench/empty/` is the floor every page pays.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import production_env  # noqa: E402


def queries_of(fn) -> dict[str, list[str]]:
    """The SQL `fn()` sends, per connection, each with its round trip's milliseconds."""
    from django.db import connections

    queries: dict[str, list[str]] = {}

    def recorder(alias):
        def wrapper(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.setdefault(alias, []).append(f"{(time.perf_counter() - started) * 1000:7.2f} ms  {sql}")

        return wrapper

    wrappers = [connections[alias].execute_wrapper(recorder(alias)) for alias in connections]
    for wrapper in wrappers:
        wrapper.__enter__()
    try:
        fn()
    finally:
        for wrapper in reversed(wrappers):
            wrapper.__exit__(None, None, None)
    return queries


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--session-engine", help="compare another SESSION_ENGINE (e.g. ...backends.cached_db)")
    args = parser.parse_args()

    os.environ.update(production_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "safetyteams.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory
    from load_test import verified_sessions

    settings.ROOT_URLCONF = "benchmarks.urls"
    if args.session_engine:
        settings.SESSION_ENGINE = args.session_engine
    session = verified_sessions(count=1)[0]
    handler = WSGIHandler()
    factory = RequestFactory()

    def call(path: str) -> int:
        environ = factory.get(path, HTTP_COOKIE=f"sessionid={session['sessionid']}").environ
        environ["SERVER_NAME"] = "127.0.0.1"
        environ["HTTP_HOST"] = "127.0.0.1"
        status = []
        body = handler(environ, lambda s, h, *a: status.append(s))
        b"".join(body)
        body.close()
        return int(status[0].split()[0])

    for raw in args.paths:
        path = raw.format(case=session["case_ids"][0], **{f"case{i}": c for i, c in enumerate(session["case_ids"])})
        assert call(path) == 200, path
        for _ in range(20):
            call(path)
        cpu, wall = [], []
        for _ in range(args.runs):
            c0, w0 = time.process_time(), time.perf_counter()
            call(path)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        queries = queries_of(lambda: call(path))  # noqa: B023 - called at once
        print(
            f"== {path}: cpu p50 {statistics.median(cpu):.2f} ms, wall p50 {statistics.median(wall):.2f} ms "
            f"({args.runs} runs); queries " + ", ".join(f"{alias} {len(sqls)}" for alias, sqls in queries.items())
        )
        for alias, sqls in queries.items():
            for sql in sqls:
                print(f"   [{alias}] {sql[:220]}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                call(path)
            profiler.disable()
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:12000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
