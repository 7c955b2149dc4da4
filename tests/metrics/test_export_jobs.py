"""Export jobs: progress from 0 to 100, the same file as the synchronous export, idempotent,
downloadable only by the requester and only while it lives, and logged."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from cases.access_log.models import AccessAction
from cases.access_log.services import access_log_rows
from metrics import exports, services
from metrics.definitions import Filters
from metrics.models import ExportJob, ExportStatus
from metrics.services import export_job_create, export_job_run
from partners.models import Role
from tests import factories

ALL_2025 = Filters(date(2025, 1, 1), date(2025, 12, 31))


def finished_job(scenario_region, fmt="csv", kind="events"):
    job = export_job_create(requester=scenario_region.evaluator, kind=kind, fmt=fmt, filters=ALL_2025)
    export_job_run(job.pk)
    job.refresh_from_db()
    return job


def test_progress_moves_from_0_to_100_and_the_file_matches_the_synchronous_export(
    scenario_region, monkeypatch, settings, tmp_path
):
    settings.METRICS_SUPPRESSION_K = 1  # nothing hidden: the extract holds every episode
    seen = []
    original = services._set_progress
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    monkeypatch.setattr(services, "_set_progress", lambda job_id, pct: (seen.append(pct), original(job_id, pct)))
    job = export_job_create(requester=scenario_region.evaluator, kind="events", fmt="csv", filters=ALL_2025)
    assert (job.status, job.progress) == (ExportStatus.QUEUED, 0)
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.progress == 100
    assert seen == sorted(seen) and len(set(seen)) >= 3 and 0 < seen[0] and seen[-1] < 100
    synchronous = tmp_path / "sync.csv"
    exports.write_events(synchronous, ALL_2025, "csv")
    assert (settings.METRICS_EXPORT_DIR / job.file_path).read_bytes() == synchronous.read_bytes()


def test_running_a_finished_job_again_does_nothing(scenario_region, settings):
    job = finished_job(scenario_region)
    logged = access_log_rows().filter(action=AccessAction.EXPORT).count()
    export_job_run(job.pk)
    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file_path, again.finished_at, again.progress) == (job.file_path, job.finished_at, 100)
    assert access_log_rows().filter(action=AccessAction.EXPORT).count() == logged
    assert len(list(settings.METRICS_EXPORT_DIR.iterdir())) == 1


def test_every_job_is_in_the_access_log_without_a_case(scenario_region):
    job = finished_job(scenario_region, fmt="xlsx", kind="aggregates")
    entry = access_log_rows().filter(action=AccessAction.EXPORT).order_by("-id").first()
    assert entry.user_id == scenario_region.evaluator.pk and entry.case_id is None
    assert "kind=aggregates" in entry.detail and "format=xlsx" in entry.detail and f"rows={job.rows}" in entry.detail


def test_the_task_runs_on_commit_with_an_eager_worker(scenario_region, django_capture_on_commit_callbacks, settings):
    from safetyteams.celery import app

    settings.METRICS_SUPPRESSION_K = 1  # nothing hidden: the extract holds every episode
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = export_job_create(requester=scenario_region.evaluator, kind="events", fmt="json", filters=ALL_2025)
    finally:
        app.conf.task_always_eager = eager
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.progress == 100 and job.rows > 0


def test_only_the_requester_can_download_the_file(scenario_region, client, login_verified):
    job = finished_job(scenario_region)
    login_verified(client, scenario_region.evaluator)
    url = reverse("metrics-export-download", args=[job.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"casus_pseudoniem,")
    other = factories.MembershipFactory(team=scenario_region.team, role=Role.EVALUATOR).user
    client.logout()
    login_verified(client, other)
    assert client.get(url).status_code == 404
    assert client.get(reverse("metrics-export-status", args=[job.pk])).status_code == 404


def test_an_expired_file_is_gone(scenario_region, client, login_verified, settings):
    job = finished_job(scenario_region)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    login_verified(client, scenario_region.evaluator)
    assert client.get(reverse("metrics-export-download", args=[job.pk])).status_code == 404
    assert services.export_jobs_expire() == 1
    assert not (settings.METRICS_EXPORT_DIR / job.file_path).exists()


def test_the_status_page_polls_json_and_shows_an_accessible_progress_bar(scenario_region, client, login_verified):
    job = export_job_create(requester=scenario_region.evaluator, kind="events", fmt="csv", filters=ALL_2025)
    login_verified(client, scenario_region.evaluator)
    page = client.get(reverse("metrics-export-status", args=[job.pk]))
    assert b"<progress" in page.content and b"export_progress.js" in page.content and b"<noscript>" in page.content
    assert client.get(reverse("metrics-export-status", args=[job.pk]), {"format": "json"}).json()["progress"] == 0
    export_job_run(job.pk)
    status = client.get(reverse("metrics-export-status", args=[job.pk]), {"format": "json"}).json()
    assert status["progress"] == 100 and status["download_url"] == reverse("metrics-export-download", args=[job.pk])


def test_the_export_form_queues_a_job_for_the_requester(scenario_region, client, login_verified):
    login_verified(client, scenario_region.evaluator)
    form = {
        "date_from": "2025-01-01",
        "date_to": "2025-12-31",
        "granularity": "month",
        "kind": "events",
        "format": "csv",
    }
    response = client.post(reverse("metrics-exports"), form)
    job = ExportJob.objects.get(requester=scenario_region.evaluator)
    assert response.status_code == 302 and response["Location"] == reverse("metrics-export-status", args=[job.pk])
    assert job.params["date_from"] == "2025-01-01"


def test_a_job_whose_worker_died_is_taken_over_once_its_claim_expires(scenario_region):
    running = export_job_create(requester=scenario_region.evaluator, kind="events", fmt="csv", filters=ALL_2025)
    ExportJob.objects.filter(pk=running.pk).update(
        status=ExportStatus.RUNNING, claimed_until=timezone.now() + timedelta(minutes=5)
    )
    export_job_run(running.pk)  # another worker still holds it
    assert ExportJob.objects.get(pk=running.pk).status == ExportStatus.RUNNING
    ExportJob.objects.filter(pk=running.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    export_job_run(running.pk)
    assert ExportJob.objects.get(pk=running.pk).status == ExportStatus.DONE
