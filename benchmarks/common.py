"""Shared bits of the benchmark scripts: Django set-up, timing, and the figure format.

Each script prints its figures as lines `BENCH {json}`; `benchmarks/run.py` collects them into
one table. Figures are medians/percentiles of repeated runs: the machine is noisy, ratios to a
baseline measured in the same run matter more than absolute times.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_SCALE picks the data set: "100k" (the region, 100k cases) or "national" (1M cases); each in its
# own database, both kept. `run.py` with BENCH_SCALE=both runs every script against each.
SCALE_DATABASES = {"100k": "veiligheidsteam_bench", "national": "veiligheidsteam_bench_national"}


def bench_scale() -> str:
    scale = os.environ.get("BENCH_SCALE", "100k")
    if scale not in SCALE_DATABASES:
        raise SystemExit(f"BENCH_SCALE={scale!r}: one of {', '.join(SCALE_DATABASES)} (run.py also takes 'both')")
    return scale


def database_url(scale: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{SCALE_DATABASES[scale]}"


def setup_django(*, debug: bool | None = None) -> None:
    """`debug=False`: run with DEBUG off once Django is set up, as production serves pages (no SQL
    recorded per query, templates compiled without debug data); the page benches do. The settings read
    at start-up (static files storage, secrets, https redirect) stay those of DEBUG=true, in-process."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", database_url(bench_scale()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyteams.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    # Test client, locmem e-mail; no test database is created.
    setup_test_environment(debug=debug)
    from django.template import Template
    from django.test.utils import _TestState

    # …but render templates as production does: the test hook copies every context (~35 per page).
    Template._render = _TestState.saved_data.template_render
    # The site plus /bench/empty/, the request-overhead baseline (benchmarks/urls.py).
    settings.ROOT_URLCONF = "benchmarks.urls"


def page_samples(client, url: str, runs: int) -> tuple[list[float], float]:
    """Render `url` `runs` times (after a warm-up): milliseconds per request and queries per request."""
    from django.db import connection

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    samples = time_ms(get, runs)
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        for _ in range(5):
            get()
    return samples, count[0] / 5


def empty_view_p50(client, runs: int = 30) -> float:
    """p50 of the empty view for the same logged-in client: what any page costs before it does work."""
    samples, _queries = page_samples(client, "/bench/empty/", runs)
    return percentile(samples, 50)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_ms(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(
    figure: str,
    value: float,
    unit: str,
    *,
    budget: float | None = None,
    higher_is_better: bool = False,
    baseline: float | None = None,
    note: str = "",
) -> dict:
    """Print one figure; `baseline` is the same work done the plain way, for a ratio."""
    ok = None
    if budget is not None:
        ok = value >= budget if higher_is_better else value <= budget
    row = {
        "figure": figure,
        "value": round(value, 3),
        "unit": unit,
        "budget": budget,
        "higher_is_better": higher_is_better,
        "ok": ok,
        "ratio": round(value / baseline, 2) if baseline else None,
        "note": note,
    }
    print("BENCH " + json.dumps(row), flush=True)
    return row
