#!/usr/bin/env python
"""`make bench`: run every benchmark against one PostgreSQL data set and print one table.

The data set (100k cases, 2k users, 1M timeline events, 1M deadlines) is seeded once into
`veiligheidsteam_bench` and reused by later runs. BENCH_SCALE=national uses the national set
(1M cases, 20k users, 10M events, 10M deadlines, `veiligheidsteam_bench_national`); BENCH_SCALE=both
runs each script against the 100k set and then the national set, one after the other (so both sizes
of a figure are measured minutes apart on the same machine), and prints each figure at both sizes with
their ratio. Not part of `make test`.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess  # noqa: S404 - runs our own benchmark scripts
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from common import bench_scale, database_url  # noqa: E402

# Figures that must not grow with the data (issue 26): 1M value <= FLAT x the 100k value.
FLAT = 1.2
FLAT_FIGURES = re.compile(r"(page p95|meeting view: p95|dashboard: p95|sweep: .*time|buffers of its SELECTs)$")

# Order matters: the data set first, then what reads it.
SCRIPTS = [
    "dataset.py",
    "case_list.py",
    "case_detail.py",
    "meeting_view.py",
    "deadline_dashboard.py",
    "page_plans.py",
    "deadline_sweep.py",
    "export_events.py",
    "import_cases.py",
    "import_jobs.py",
    "load_test.py",
]


def run_script(name: str, scale: str) -> list[dict]:
    path = HERE / name
    if not path.exists():
        print(f"-- {name}: not present, skipped", flush=True)
        return []
    # The database follows the scale, whatever DATABASE_URL the shell has.
    env = {**os.environ, "BENCH_SCALE": scale, "DATABASE_URL": database_url(scale)}
    print(f"-- {name} ({scale})", flush=True)
    start = time.monotonic()
    proc = subprocess.run(  # noqa: S603
        [sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    rows = []
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH "):
            rows.append(json.loads(line[6:]))
        else:
            print(f"   {line}", flush=True)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], flush=True)
        rows.append(
            {
                "figure": f"{name} FAILED (exit {proc.returncode})",
                "value": float("nan"),
                "unit": "",
                "budget": None,
                "ok": False,
                "ratio": None,
                "note": "",
            }
        )
    print(f"   ({time.monotonic() - start:.0f} s)", flush=True)
    return rows


def print_table(rows: list[dict]) -> None:
    header = f"{'figure':<52} {'value':>12} {'unit':<10} {'budget':>10} {'ratio':>7}  verdict"
    print("\n" + header + "\n" + "-" * len(header))
    for row in rows:
        budget = "" if row["budget"] is None else (("≥" if row.get("higher_is_better") else "≤") + f"{row['budget']:g}")
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        verdict = {True: "ok", False: "MISS", None: ""}[row["ok"]]
        print(
            f"{row['figure']:<52} {row['value']:>12g} {row['unit']:<10} {budget:>10} {ratio:>7}  {verdict}"
            + (f"  ({row['note']})" if row.get("note") else "")
        )


def figure_key(figure: str) -> str:
    """The figure without its sizes ("Teamzaken (33333 cases): page p95" -> "Teamzaken: page p95"),
    so the same figure pairs up across the data sets."""
    return re.sub(r"\s*\([^)]*\d[^)]*\)", "", figure)


def _fmt(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:g}"


def print_both(small: list[dict], large: list[dict]) -> None:
    """One line per figure: 100k, 1M, 1M/100k, the budget's verdict at each size, and flatness."""
    by_key: dict[str, list[dict | None]] = {}
    for side, rows in ((0, small), (1, large)):
        for row in rows:
            by_key.setdefault(figure_key(row["figure"]), [None, None])[side] = row
    header = (
        f"{'figure':<52} {'100k':>10} {'1M':>10} {'unit':<9} {'1M/100k':>8} {'budget':>9}  "
        f"{'100k':<5}{'1M':<5}flat (≤{FLAT}×)"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for key, (a, b) in by_key.items():
        any_row = a or b
        values = [row["value"] if row else None for row in (a, b)]
        ratio = values[1] / values[0] if None not in values and values[0] else None
        budget = any_row["budget"]
        budget_text = "" if budget is None else ("≥" if any_row.get("higher_is_better") else "≤") + f"{budget:g}"
        verdicts = "".join(f"{ {True: 'ok', False: 'MISS', None: ''}[row['ok'] if row else None]:<5}" for row in (a, b))
        flat = ""
        if FLAT_FIGURES.search(key) and ratio is not None:
            flat = "ok" if (ratio >= 1 / FLAT if any_row.get("higher_is_better") else ratio <= FLAT) else "MISS"
        notes = " | ".join(row["note"] for row in (a, b) if row and row.get("note"))
        print(
            f"{key:<52} {_fmt(values[0]):>10} {_fmt(values[1]):>10} {any_row['unit']:<9} "
            f"{'' if ratio is None else f'{ratio:.2f}×':>8} {budget_text:>9}  {verdicts}{flat}"
            + (f"  ({notes})" if notes else "")
        )


def main() -> int:
    only = sys.argv[1:]
    names = [name for name in SCRIPTS if not only or name in only]
    if os.environ.get("BENCH_SCALE") == "both":
        small: list[dict] = []
        large: list[dict] = []
        # Script by script, the 100k set then the national one: the two sizes of a figure are
        # measured minutes apart, under about the same load.
        for name in names:
            small.extend(run_script(name, "100k"))
            large.extend(run_script(name, "national"))
        print_both(small, large)
        return 0
    rows: list[dict] = []
    for name in names:
        rows.extend(run_script(name, bench_scale()))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
