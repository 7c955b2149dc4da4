"""A 1,000-case upload through the page runs as a job on a real Celery worker; the worker is killed
half-way, another one takes over, and every case is imported exactly once."""

import json
import os
import time

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from exchange.jobs import import_jobs_resume
from exchange.models import ImportJob, ImportStatus
from tests.celery_stack import Stack
from tests.conftest import require_service
from tests.exchange.world import make_world, minimal_document
from tests.helpers import login

CASES = 1000


@pytest.fixture
def stack(transactional_db, tmp_path):
    # The worker listens where this process sends its tasks (the page enqueues the job itself).
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        require_service("Redis", str(exc))
    s = Stack(tmp_path, settings.CELERY_BROKER_URL)
    yield s
    s.stop()


def _job_status(client, job_id) -> dict:
    response = client.get(reverse("exchange-import-job", args=[job_id]), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _wait(check, seconds, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(message)


@pytest.mark.skipif(os.environ.get("SKIP_SLOW") == "1", reason="slow: a real worker imports 1,000 cases")
def test_a_killed_worker_leaves_every_case_of_a_large_upload_imported_once(stack, client):
    world = make_world()
    text = "\n".join(json.dumps(minimal_document(world, f"BULK-{i:04d}")) for i in range(CASES)) + "\n"
    login(client, world.admin)
    first = stack.start_worker("w1", queues="celery", IMPORT_JOB_CLAIM_SECONDS="3")

    upload = SimpleUploadedFile("groot.jsonl", text.encode(), content_type="application/octet-stream")
    response = client.post(reverse("exchange-import"), {"file": upload})
    assert response.status_code == 302
    job_id = ImportJob.objects.get().pk

    # The page answers while the worker imports; progress only goes up.
    seen = []
    _wait(lambda: seen.append(_job_status(client, job_id)["processed"]) or seen[-1] >= 100, 300, "no progress")
    assert seen == sorted(seen)
    stack.kill(first)
    killed_at = ImportJob.objects.get().processed
    assert 0 < killed_at < CASES

    stack.start_worker("w2", queues="celery", IMPORT_JOB_CLAIM_SECONDS="3")
    time.sleep(3.5)  # the dead run's claim expires
    # The sweep queues the dead chunk again, unless the new worker has already taken it over between
    # its own chunks (the deterministic resume is tested in test_import_jobs.py).
    assert import_jobs_resume() in (0, 1)
    _wait(lambda: _job_status(client, job_id)["finished"], 900, "the job did not finish")

    job = ImportJob.objects.get()
    assert (job.status, job.total, job.processed, job.created, job.failed_records) == (
        ImportStatus.DONE,
        CASES,
        CASES,
        CASES,
        0,
    )
    references = list(
        Case.objects.filter(external_reference__startswith="BULK-").values_list("external_reference", flat=True)
    )
    assert len(references) == len(set(references)) == CASES


@pytest.mark.skipif(os.environ.get("SKIP_SLOW") == "1", reason="slow: two real workers import 300 cases")
def test_two_workers_share_the_chunks_of_one_job_and_import_every_case_once(stack, client, tmp_path):
    world = make_world()
    count = 300
    text = "\n".join(json.dumps(minimal_document(world, f"PAIR-{i:04d}")) for i in range(count)) + "\n"
    login(client, world.admin)
    for name in ("w1", "w2"):
        stack.start_worker(name, queues="celery", IMPORT_JOB_CHUNK_RECORDS="50")

    upload = SimpleUploadedFile("paar.jsonl", text.encode(), content_type="application/octet-stream")
    assert client.post(reverse("exchange-import"), {"file": upload}).status_code == 302
    job_id = ImportJob.objects.get().pk
    _wait(lambda: _job_status(client, job_id)["finished"], 600, "the job did not finish")

    job = ImportJob.objects.get()
    assert (job.status, job.total, job.processed, job.created) == (ImportStatus.DONE, count, count, count)
    assert job.chunks.count() == 6 and not job.chunks.filter(done=False).exists()
    references = list(
        Case.objects.filter(external_reference__startswith="PAIR-").values_list("external_reference", flat=True)
    )
    assert len(references) == len(set(references)) == count
    # Both workers imported: one split the job and worked on it, the other took chunks of its own.
    logs = {name: (tmp_path / f"{name}.log").read_text() for name in ("w1", "w2")}
    assert all("exchange.import_job_" in log and "succeeded" in log for log in logs.values()), logs
