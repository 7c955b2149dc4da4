#!/usr/bin/env python
"""Where a page's time goes: cProfile around the test client's get, summed by area.

Not a figure of `run.py` (no BENCH lines): a tool for finding the cost the page benches measure.
Sets Django up exactly as they do, renders each page `PROFILE_RUNS` times (default 30) after a
warm-up, and prints per page: the top functions by own time, by cumulative time, and own time summed
by area (template engine, ORM, driver, our apps, …), with the empty view profiled the same way.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vt_pages .venv/bin/python benchmarks/profile_pages.py [page …]

Pages: empty, mine, team, detail, meeting, dashboard (default: all). PROFILE_TOP sets the list length.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django  # noqa: E402
from dataset import ensure_database, pick_users, prepare  # noqa: E402

RUNS = int(os.environ.get("PROFILE_RUNS", "30"))
TOP = int(os.environ.get("PROFILE_TOP", "25"))

# First match wins: (substring of the file path, area).
AREAS = (
    ("django/template/", "django templates"),
    ("django/templatetags/", "django templates"),
    ("django/db/models/sql/", "django ORM (SQL compile)"),
    ("django/db/models/", "django ORM (models, querysets)"),
    ("django/db/backends/", "django DB backend"),
    ("django/db/", "django ORM (models, querysets)"),
    ("psycopg", "psycopg (driver, network wait)"),
    ("django/urls/", "django URL reverse/resolve"),
    ("django/utils/translation", "django i18n"),
    ("django/utils/formats", "django formats/dates"),
    ("django/utils/dateformat", "django formats/dates"),
    ("django/forms/", "django forms"),
    ("django/middleware/", "middleware"),
    ("django/contrib/sessions", "middleware"),
    ("django/contrib/auth", "middleware"),
    ("django_otp", "middleware"),
    ("/security/", "middleware"),
    ("axes", "middleware"),
    ("csp", "middleware"),
    ("django/test/", "test client"),
    ("django/core/handlers", "django handler"),
    ("django/http/", "django handler"),
    ("django/", "django other"),
    ("/cases/", "our apps"),
    ("/workflows/", "our apps"),
    ("/partners/", "our apps"),
    ("/metrics/", "our apps"),
    ("/safetyteams/", "our apps"),
    ("/exchange/", "our apps"),
)


def area_of(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins/C"
    for needle, area in AREAS:
        if needle in filename:
            return area
    return "other python (stdlib, libs)"


def profile(client, url: str) -> None:
    from django.db import connection

    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    profiler = cProfile.Profile()
    with connection.execute_wrapper(counter):
        profiler.enable()
        for _ in range(RUNS):
            client.get(url)
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    per_request = total / RUNS * 1000
    print(f"\n=== {url}: {per_request:.2f} ms per request under the profiler, {count[0] / RUNS:.1f} queries")
    by_area: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_area[area_of(filename)] = by_area.get(area_of(filename), 0.0) + tt
    print("own time by area (ms per request, share):")
    for area, tt in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"  {area:34s} {tt / RUNS * 1000:7.2f}  {tt / total:5.1%}")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(TOP)
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print(f"top {TOP} by {key} (totals over {RUNS} requests):")
        print("\n".join(lines[start : start + TOP + 1]))


def main() -> None:
    ensure_database()
    setup_django(debug=False)  # as production serves pages (common.setup_django)
    prepare()
    from django.test import Client

    from cases.selectors import cases_participating
    from tests.twofactor import login_verified

    professional, _n, coordinator, _m = pick_users()
    wanted = sys.argv[1:] or ["empty", "mine", "team", "detail", "meeting", "dashboard"]
    pro = Client()
    login_verified(pro, professional)
    coord = Client()
    login_verified(coord, coordinator)
    from django.conf import settings

    print(f"DEBUG={settings.DEBUG}")
    for page in wanted:
        if page == "empty":
            profile(pro, "/bench/empty/")
        elif page == "mine":
            profile(pro, "/mijn-zaken/")
        elif page == "team":
            profile(coord, "/teamzaken/")
        elif page == "detail":
            case_id = cases_participating(professional).order_by("id").values_list("id", flat=True)[0]
            profile(pro, f"/zaken/{case_id}/")
        elif page == "meeting":
            from meeting_view import ensure_meeting

            profile(coord, f"/overleggen/{ensure_meeting(coordinator).pk}/")
        elif page == "dashboard":
            profile(coord, "/termijnen/")


if __name__ == "__main__":
    main()
