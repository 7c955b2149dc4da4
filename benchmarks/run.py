#!/usr/bin/env python
"""`make bench`: run every benchmark against one PostgreSQL data set and print one table.

The data set (100k cases, 2k users, 1M timeline events, 1M deadlines) is seeded once into
`veiligheidsteam_bench` and reused by later runs. Not part of `make test`.
"""

from __future__ import annotations

import json
import os
import subprocess  # noqa: S404 - runs our own benchmark scripts
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Order matters: the data set first, then what reads it.
SCRIPTS = [
    "dataset.py",
    "case_list.py",
    "case_detail.py",
    "meeting_view.py",
    "deadline_dashboard.py",
    "deadline_sweep.py",
    "export_events.py",
    "import_cases.py",
    "import_jobs.py",
    "load_test.py",
]


def run_script(name: str) -> list[dict]:
    path = HERE / name
    if not path.exists():
        print(f"-- {name}: not present, skipped", flush=True)
        return []
    print(f"-- {name}", flush=True)
    start = time.monotonic()
    proc = subprocess.run(  # noqa: S603
        [sys.executable, str(path)], cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=False
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


def main() -> int:
    only = sys.argv[1:]
    rows: list[dict] = []
    for name in SCRIPTS:
        if only and name not in only:
            continue
        rows.extend(run_script(name))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
