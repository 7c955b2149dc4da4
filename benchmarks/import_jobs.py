#!/usr/bin/env python
"""Import as a background job on real Celery workers (exchange.jobs): cases per second with one and
with two workers, the job split into chunks that the workers import side by side.

Same documents as import_cases.py (a case with history: persons, participants, an assessment round,
an intervention, four transitions), each run with fresh external references. The workers are
`celery worker -P solo` subprocesses on the bench database and the broker of CELERY_BROKER_URL.
`BENCH_IMPORT_JOB_CASES` changes the count (default 2,000; the budget is for 10,000 in 10 minutes).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess  # noqa: S404 - starts our own workers
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, report, setup_django  # noqa: E402
from import_cases import document, seed_world  # noqa: E402

COUNT = int(os.environ.get("BENCH_IMPORT_JOB_CASES", "2000"))
# ≥ 17 cases/s: 10,000 cases with history in ≤ 10 minutes on this 2-core machine, two workers.
BUDGET_TWO_WORKERS = 17
CELERY = str(Path(sys.executable).with_name("celery"))


def start_workers(count: int, log_dir: Path) -> list[subprocess.Popen]:
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "LOG_LEVEL": "WARNING",
    }
    workers = []
    for n in range(count):
        log = log_dir / f"worker{n}.log"
        workers.append(
            subprocess.Popen(  # noqa: S603
                [CELERY, "-A", "safetyteams", "worker", "-P", "solo", "-c", "1", "-Q", "celery", "-n", f"bench{n}@%h"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
                cwd=ROOT,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    deadline = time.monotonic() + 60
    for n in range(count):
        while "ready" not in (log_dir / f"worker{n}.log").read_text():
            if time.monotonic() > deadline:
                raise RuntimeError((log_dir / f"worker{n}.log").read_text()[-2000:])
            time.sleep(0.2)
    return workers


def stop(workers: list[subprocess.Popen]) -> None:
    for proc in workers:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in workers:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


class CpuMeter:
    """CPU seconds of the workers and of the database's backends serving this database (sampled while the
    job runs: a backend that ends between two samples loses at most its last half second). Their sum per
    case predicts the quiet rate on a loaded machine: two cores give about 2 / (CPU per case) cases/s."""

    def __init__(self, procs: list[subprocess.Popen]):
        import psutil
        from django.db import connection

        self.workers = {proc.pid: psutil.Process(proc.pid) for proc in procs}
        self.database = connection.settings_dict["NAME"]
        self.own = connection.connection.info.backend_pid if connection.connection else None
        self.start_worker = {pid: self._cpu(p) for pid, p in self.workers.items()}
        self.last_worker = dict(self.start_worker)
        self.backend_start: dict[int, float] = {}
        self.backend_last: dict[int, float] = {}
        self.sample()

    @staticmethod
    def _cpu(process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    @staticmethod
    def _backend_cpu(pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def sample(self) -> None:
        from django.db import connection

        for pid, process in self.workers.items():
            try:
                self.last_worker[pid] = self._cpu(process)
            except Exception:  # noqa: BLE001, S110 - a worker that ended keeps its last sample
                pass
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database])
            pids = [row[0] for row in cursor.fetchall()]
        for pid in pids:
            if pid == self.own:
                continue
            cpu = self._backend_cpu(pid)
            if cpu is None:
                continue
            self.backend_start.setdefault(pid, cpu)
            self.backend_last[pid] = cpu

    def per_case(self, cases: int) -> tuple[float, float]:
        worker = sum(self.last_worker[pid] - self.start_worker[pid] for pid in self.workers)
        backend = sum(self.backend_last[pid] - self.backend_start[pid] for pid in self.backend_last)
        return worker / max(cases, 1), backend / max(cases, 1)


def run_job(workers: int, world, log_dir: Path) -> tuple[float, int, float, tuple[float, float]]:
    from django.db import transaction
    from django.utils import timezone

    from exchange.jobs import import_job_start
    from exchange.models import ImportJob, ImportStatus
    from partners.models import User

    municipality, orgs, users = world
    run = timezone.now().strftime("%Y%m%d%H%M%S") + f"w{workers}"
    base = timezone.localtime() - timedelta(days=30)
    text = "".join(json.dumps(document(n, run, municipality, orgs, users, base)) + "\n" for n in range(1, COUNT + 1))
    admin, _ = User.objects.get_or_create(username="bench-import-admin")
    procs = start_workers(workers, log_dir)
    try:
        meter = CpuMeter(procs)
        with transaction.atomic():  # the job's task is sent when this commits
            job = import_job_start(actor=admin, file_name="bench.jsonl", text=text, dry_run=False, all_or_nothing=False)
        while True:
            job.refresh_from_db()
            meter.sample()
            if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
                break
            time.sleep(0.5)
    finally:
        stop(procs)
    assert job.status == ImportStatus.DONE and not job.failed_records, (job.status, job.error, job.failed_records)
    assert ImportJob.objects.filter(pk=job.pk, created=COUNT).exists()
    seconds = (job.finished_at - job.started_at).total_seconds()
    return job.created / seconds, job.created, seconds, meter.per_case(job.created)


def main() -> None:
    setup_django()
    world = seed_world()
    with tempfile.TemporaryDirectory() as tmp:
        rates = {}
        for workers in (1, 2):
            rate, created, seconds, (worker_cpu, backend_cpu) = run_job(workers, world, Path(tmp))
            rates[workers] = rate
            report(
                f"import job: cases/s, {workers} worker{'s' if workers > 1 else ''}",
                rate,
                "cases/s",
                budget=BUDGET_TWO_WORKERS if workers == 2 else None,
                higher_is_better=True,
                baseline=rates[1] if workers == 2 else None,
                note=f"{created} created in {seconds:.1f} s; CPU per case: workers {worker_cpu * 1000:.0f} ms, "
                f"PostgreSQL {backend_cpu * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}",
            )


if __name__ == "__main__":
    main()
