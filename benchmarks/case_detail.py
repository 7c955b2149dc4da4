#!/usr/bin/env python
"""The case detail page ("dossier") on the shared data set: p50/p95 and queries per page.

A professional with about 100 cases opens 30 of them in turn (each about 10 timeline events, persons,
participants). Baseline: the empty view through the same middleware for the same user (request overhead).
Budget: p95 <= 80 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import empty_view_p50, page_samples, percentile, report, setup_django  # noqa: E402
from dataset import ensure_database, pick_users, prepare  # noqa: E402

RUNS = 60


def main() -> None:
    ensure_database()
    setup_django(debug=False)  # as production serves pages (common.setup_django)
    prepare()
    from django.test import Client

    from cases.selectors import cases_participating
    from tests.twofactor import login_verified

    professional, _cases, _coordinator, _team_cases = pick_users()
    client = Client()
    login_verified(client, professional)
    case_ids = list(cases_participating(professional).order_by("id").values_list("id", flat=True)[:30])
    samples: list[float] = []
    queries: list[float] = []
    for case_id in case_ids:
        s, q = page_samples(client, f"/zaken/{case_id}/", RUNS // len(case_ids) or 1)
        samples += s
        queries.append(q)
    empty = empty_view_p50(client)
    report(
        "case detail: page p50",
        percentile(samples, 50),
        "ms",
        baseline=empty,
        note=f"ratio to the empty view ({empty:.1f} ms)",
    )
    report("case detail: page p95", percentile(samples, 95), "ms", budget=80)
    report("case detail: queries per page", max(queries), "queries", note="request connection; +1 access-log row")
    report("empty Django view (request overhead) p50", empty, "ms", note="login, 2FA, session, middleware")


if __name__ == "__main__":
    main()
