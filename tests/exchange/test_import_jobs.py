"""The upload page starts an import job: progress on its page, the report when done (on the page and
as CSV), dry run and all-or-nothing as before, and a job whose run died resumes without doubling."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from exchange import importer, jobs
from exchange.models import ImportJob, ImportJobChunk, ImportJobError, ImportStatus
from tests.exchange.world import make_world, minimal_document
from tests.helpers import login


def _upload(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def _lines(documents) -> str:
    return "\n".join(json.dumps(d) for d in documents) + "\n"


def _bad(world, reference):
    document = minimal_document(world, reference)
    document["persons"][0]["bsn"] = "123456789"  # fails the elfproef
    return document


def _post(client, text, **fields):
    response = client.post(reverse("exchange-import"), {"file": _upload("zaken.jsonl", text), **fields})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def test_an_upload_becomes_a_job_whose_page_shows_progress_then_the_report(client, db):
    world = make_world()
    login(client, world.admin)
    job = _post(client, _lines([minimal_document(world, "JOB-1"), _bad(world, "JOB-2")]))

    # Nothing is imported inside the web request: the job waits for a worker.
    assert job.status == ImportStatus.QUEUED and not Case.objects.filter(external_reference="JOB-1").exists()
    waiting = client.get(reverse("exchange-import-job", args=[job.pk]))
    assert "in de wachtrij" in waiting.content.decode()
    assert client.get(reverse("exchange-import-report", args=[job.pk])).status_code == 404  # not done yet

    jobs.import_job_run(job.pk)

    status = client.get(reverse("exchange-import-job", args=[job.pk]), {"format": "json"}).json()
    assert (status["status"], status["total"], status["processed"]) == ("done", 2, 2)
    assert (status["created"], status["failed_records"], status["progress"]) == (1, 1, 100)
    page = client.get(reverse("exchange-import-job", args=[job.pk])).content.decode()
    assert "Resultaat van de import" in page and "JOB-2" in page and "/persons/0/bsn" in page
    assert Case.objects.filter(external_reference="JOB-1").exists()
    assert not Case.objects.filter(external_reference="JOB-2").exists()

    report = client.get(reverse("exchange-import-report", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert rows[0] == ["Regel", "Extern kenmerk", "Veld", "Wat is er mis"]
    assert [row[:3] for row in rows[1:]] == [["2", "JOB-2", "/persons/0/bsn"]] and "elfproef" in rows[1][3]


def test_a_job_run_again_after_it_finished_changes_nothing(client, db):
    world = make_world()
    login(client, world.admin)
    job = _post(client, _lines([minimal_document(world, "JOB-3")]))
    jobs.import_job_run(job.pk)
    jobs.import_job_run(job.pk)  # a redelivered task

    job.refresh_from_db()
    assert (job.created, job.processed, job.unchanged) == (1, 1, 0)
    assert Case.objects.filter(external_reference="JOB-3").count() == 1


def test_only_the_uploading_administrator_sees_the_job(client, db):
    world = make_world()
    login(client, world.admin)
    job = _post(client, _lines([minimal_document(world, "JOB-4")]))
    other = make_world("Ander team").admin
    login(client, other)
    assert client.get(reverse("exchange-import-job", args=[job.pk])).status_code == 404
    login(client, world.cvc_user)
    assert client.get(reverse("exchange-import-job", args=[job.pk])).status_code == 403


class Died(BaseException):
    """What a killed worker looks like to the job: the run stops between two cases, uncaught."""


def test_a_run_that_died_resumes_after_its_last_committed_case_and_imports_each_once(client, db, monkeypatch):
    world = make_world()
    login(client, world.admin)
    documents = [minimal_document(world, f"JOB-R{i}") for i in range(5)] + [_bad(world, "JOB-RX")]
    job = _post(client, _lines(documents))
    real = importer.import_record
    calls = []

    def dies_at_the_fourth(prepared, record, **kwargs):
        calls.append(record.line)
        if len(calls) == 4:
            raise Died
        return real(prepared, record, **kwargs)

    monkeypatch.setattr(jobs, "import_record", dies_at_the_fourth)
    with pytest.raises(Died):
        jobs.import_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed, job.created) == (ImportStatus.RUNNING, 3, 3)

    # Another run may not take it over while the claim lasts; once it has expired it goes on.
    monkeypatch.setattr(jobs, "import_record", real)
    jobs.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.processed == 3
    ImportJobChunk.objects.filter(job=job).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert jobs.import_jobs_resume() == 1
    jobs.import_job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.processed, job.created, job.failed_records) == (ImportStatus.DONE, 6, 5, 1)
    assert job.errors.count() == 1
    assert Case.objects.filter(external_reference__startswith="JOB-R").count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_dry_run_reports_everything_and_writes_nothing(client):
    world = make_world()
    login(client, world.admin)
    job = _post(client, _lines([minimal_document(world, "JOB-D1"), _bad(world, "JOB-D2")]), dry_run="on")
    jobs.import_job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.created, job.failed_records) == ("done", 2, 2, 1, 1)
    assert not Case.objects.filter(external_reference__startswith="JOB-D").exists()
    page = client.get(reverse("exchange-import-job", args=[job.pk])).content.decode()
    assert "Resultaat van de proefimport (niets opgeslagen)" in page and "JOB-D2" in page


@pytest.mark.django_db(transaction=True)
def test_all_or_nothing_with_one_error_imports_nothing_and_says_so(client):
    world = make_world()
    login(client, world.admin)
    text = _lines([minimal_document(world, "JOB-A1"), _bad(world, "JOB-A2")])
    job = _post(client, text, all_or_nothing="on")
    jobs.import_job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.failed_records, job.written) == ("done", 1, False)
    assert not Case.objects.filter(external_reference__startswith="JOB-A").exists()
    assert (
        "Niets geïmporteerd (alles of niets)"
        in client.get(reverse("exchange-import-job", args=[job.pk])).content.decode()
    )


def test_a_file_that_is_not_utf8_is_refused_on_the_form_and_starts_no_job(client, db):
    world = make_world()
    login(client, world.admin)
    upload = SimpleUploadedFile("zaken.jsonl", "é".encode("latin-1"), content_type="application/octet-stream")
    response = client.post(reverse("exchange-import"), {"file": upload})
    assert response.status_code == 400 and "geen UTF-8-tekst" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_job_in_chunks_runs_them_side_by_side_resumes_a_dead_one_and_sums_their_counters(
    client, db, monkeypatch, settings
):
    settings.IMPORT_JOB_CHUNK_RECORDS = 2
    world = make_world()
    login(client, world.admin)
    documents = [minimal_document(world, f"JOB-C{i}") for i in range(5)]
    # A bad record, and line 7 repeats line 1: a duplicate in another chunk is still one.
    documents += [_bad(world, "JOB-CX"), minimal_document(world, "JOB-C0")]
    job = _post(client, _lines(documents))
    real = importer.import_record
    calls = []

    def dies_in_the_second_chunk(prepared, record, **kwargs):
        calls.append(record.line)
        if record.line == 4:
            raise Died
        return real(prepared, record, **kwargs)

    monkeypatch.setattr(jobs, "import_record", dies_in_the_second_chunk)
    with pytest.raises(Died):
        jobs.import_job_run(job.pk)
    chunks = list(ImportJobChunk.objects.filter(job=job).values_list("first", "end", "processed", "done"))
    assert chunks == [(0, 2, 2, True), (2, 4, 1, False), (4, 6, 0, False), (6, 7, 0, False)]

    # A second worker takes the chunks nobody holds and leaves the dead run's chunk alone.
    monkeypatch.setattr(jobs, "import_record", real)
    jobs.import_job_work(job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed) == (ImportStatus.RUNNING, 6)
    # Once its claim has expired, the sweep queues the job again and the chunk goes on after line 3.
    ImportJobChunk.objects.filter(job=job).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert jobs.import_jobs_resume() == 1
    calls.clear()

    def counted(prepared, record, **kwargs):
        calls.append(record.line)
        return real(prepared, record, **kwargs)

    monkeypatch.setattr(jobs, "import_record", counted)
    jobs.import_job_run(job.pk)

    assert calls == [4]
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.created, job.failed_records) == (ImportStatus.DONE, 7, 7, 5, 2)
    assert sorted(job.errors.values_list("line", "pointer")) == [(6, "/persons/0/bsn"), (7, "/external_reference")]
    assert Case.objects.filter(external_reference__startswith="JOB-C").count() == 5
    assert not ImportJobChunk.objects.filter(job=job, done=False).exists()


def test_without_parallel_chunks_one_run_takes_every_chunk_in_turn(client, db, monkeypatch, settings):
    # SQLite's one writer: chunks side by side would only wait for each other's lock.
    settings.IMPORT_JOB_CHUNK_RECORDS = 2
    settings.IMPORT_JOB_PARALLEL = False
    world = make_world()
    login(client, world.admin)
    job = _post(client, _lines([minimal_document(world, f"JOB-S{i}") for i in range(5)]))
    queued = []
    monkeypatch.setattr(jobs, "_enqueue_work", queued.append)
    jobs.import_job_run(job.pk)
    job.refresh_from_db()
    assert queued == []
    assert (job.status, job.processed, job.created) == (ImportStatus.DONE, 5, 5)
    assert ImportJobChunk.objects.filter(job=job, done=True).count() == 3
    settings.IMPORT_JOB_PARALLEL = True
    other = _post(client, _lines([minimal_document(world, f"JOB-P{i}") for i in range(5)]))
    jobs.import_job_run(other.pk)
    assert queued == [other.pk, other.pk]  # the other two chunks, each for a run of its own


@pytest.mark.parametrize(("language", "words"), [("nl", "Dit is geen geldig BSN"), ("en", "This is not a valid BSN")])
def test_the_report_is_written_in_the_uploaders_language(client, db, settings, language, words):
    world = make_world()
    login(client, world.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    job = _post(client, _lines([_bad(world, "JOB-L1")]))
    assert job.language == language
    jobs.import_job_run(job.pk)  # in the worker, whose own language is the site's default
    assert [e.message.startswith(words) for e in ImportJobError.objects.filter(job=job)] == [True]
    page = client.get(reverse("exchange-import-report", args=[job.pk])).content.decode()
    assert words in page


def test_a_destruction_clears_the_uploaded_files_of_finished_jobs(client, db):
    from cases.retention.hooks import erase_elsewhere

    world = make_world()
    login(client, world.admin)
    done = _post(client, _lines([minimal_document(world, "JOB-E1")]))
    jobs.import_job_run(done.pk)
    waiting = _post(client, _lines([minimal_document(world, "JOB-E2")]))

    erase_elsewhere(Case.objects.get(external_reference="JOB-E1").pk)

    done.refresh_from_db()
    waiting.refresh_from_db()
    assert done.source == "" and (done.created, done.status) == (1, ImportStatus.DONE)  # the report stays
    assert "JOB-E2" in waiting.source  # a job still to run keeps its file
