#!/usr/bin/env python
"""The coordinator's deadline dashboard ("Termijnen") over 1M deadlines: p50/p95 and queries.

The coordinator of the data set's largest team (about 20k cases, 200k deadline rows of which one open
per case) opens /termijnen/. Baseline: the empty view for the same user. No budget of its own in the
issue; held to the detail page's 80 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import empty_view_p50, page_samples, percentile, report, setup_django  # noqa: E402
from dataset import ensure_database, pick_users, prepare  # noqa: E402

RUNS = 30


def main() -> None:
    ensure_database()
    setup_django(debug=False)  # as production serves pages (common.setup_django)
    prepare()
    from django.test import Client

    from tests.twofactor import login_verified

    _professional, _cases, coordinator, team_cases = pick_users()
    client = Client()
    login_verified(client, coordinator)
    samples, queries = page_samples(client, "/termijnen/", RUNS)
    empty = empty_view_p50(client)
    report(
        f"deadline dashboard ({team_cases} cases): p50",
        percentile(samples, 50),
        "ms",
        baseline=empty,
        note="ratio to the empty view",
    )
    report(f"deadline dashboard ({team_cases} cases): p95", percentile(samples, 95), "ms", budget=80)
    report("deadline dashboard: queries per page", queries, "queries")


if __name__ == "__main__":
    main()
