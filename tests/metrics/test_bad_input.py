"""Bad input on the metrics and exports is a 4xx with the field named, never a 5xx: bodies of the wrong
shape, extreme years, digits of other scripts; and an export job cannot hang in "running"."""

import json
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import services
from metrics.definitions import DATE_OUT_OF_RANGE
from metrics.forms import DATE_INVALID, NOT_AN_OBJECT
from metrics.models import ExportJob, ExportStatus
from metrics.services import EXPORT_FAILED, EXPORT_TOO_LONG, export_job_create, export_job_run
from metrics.tasks import export_job_run_task
from tests import factories

EXPORTS, METRICS = "/api/v1/exports/", "/api/v1/metrics/"
GOOD = {
    "date_from": "2025-01-01",
    "date_to": "2025-03-31",
    "granularity": "month",
    "kind": "aggregates",
    "format": "csv",
}
FIELDS = list(GOOD) + ["team", "municipality"]


@pytest.fixture
def evaluator(db, make_member):
    team = factories.SafetyTeamFactory(municipalities=[factories.MunicipalityFactory()])
    return make_member(team, role="evaluator")


@pytest.fixture
def api(client, login_verified, evaluator):
    login_verified(client, evaluator)
    return client


def post(client, body):
    return client.post(EXPORTS, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("body", [[], [GOOD], "aggregates", 5, True, None, 1.5])
def test_an_export_body_that_is_not_an_object_is_a_400_and_makes_no_job(api, body):
    response = post(api, body)
    assert response.status_code == 400
    if body not in (None,):  # JSON null reads as an empty body: every field is missing
        assert response.json() == {"non_field_errors": [str(NOT_AN_OBJECT)]}
    assert not ExportJob.objects.exists()


WRONG_TYPES = [{"a": 1}, [GOOD["date_from"]], 20250101, True, 1.5, {"nested": {"deeper": [1, {"x": None}]}}]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", WRONG_TYPES, ids=["object", "list", "number", "true", "float", "nested"])
def test_each_field_of_the_wrong_type_is_a_400_naming_that_field(api, field, value):
    response = post(api, {**GOOD, field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999-12-31", DATE_OUT_OF_RANGE),
        ("0001-01-01", DATE_OUT_OF_RANGE),
        ("1999-12-31", DATE_OUT_OF_RANGE),
        ("10000-01-01", DATE_INVALID),
        ("2025-0٣-01", DATE_INVALID),  # Arabic-Indic three
        ("٢٠٢٥-٠١-٠١", DATE_INVALID),
        ("２０２５-01-01", DATE_INVALID),  # full width
        ("2025-01-0²", DATE_INVALID),  # superscript two
        ("2025-02-30", DATE_INVALID),
        ("01-0١-2025", DATE_INVALID),
    ],
)
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_extreme_years_and_digits_of_other_scripts_are_a_400_in_the_api_and_on_the_pages(api, field, value, message):
    other = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
    params = {**other, field: value, "granularity": "month"}
    for response in (api.get(METRICS, params), post(api, {**GOOD, **params})):
        assert response.status_code == 400
        assert response.json()[field] == [str(message)]
    page = api.get("/evaluatie/", params)
    assert page.status_code == 400 and str(message)[:20] in page.content.decode()
    form = api.post("/evaluatie/exports/", {**GOOD, **params})
    assert form.status_code == 400
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("value", ["٣", "３", "1.0", "-1", "1e3", " 1", "99999999999999999999", "0x1"])
def test_an_id_that_is_not_ascii_digits_is_no_choice(api, value):
    response = api.get(METRICS, {"date_from": "2025-01-01", "date_to": "2025-03-31", "team": value})
    assert response.status_code == 400 and list(response.json()) == ["team"]


# --- Properties: whatever the inputs, no 5xx.

digits = st.sampled_from("0123456789٠١٢٣٤٥٦٧٨٩０１２３４５６７８９²³¹")
date_like = st.one_of(
    st.builds(
        lambda y, m, d: f"{y}-{m}-{d}",
        st.text(digits, min_size=1, max_size=5),
        st.text(digits, min_size=1, max_size=2),
        st.text(digits, min_size=1, max_size=2),
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01", "9999-12-31", "2025-01-01", "2025-12-31", "31-12-2025", ""]),
    st.text(max_size=12),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | date_like,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
bodies = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(FIELDS), json_values | date_like, max_size=len(FIELDS)),
    st.fixed_dictionaries({}, optional={key: json_values | date_like | st.just(value) for key, value in GOOD.items()}),
)
query = st.dictionaries(st.sampled_from([*FIELDS, "x"]), date_like | st.text(max_size=10), max_size=6)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(body=bodies)
def test_no_export_body_gives_a_server_error(api, body):
    response = api.post(EXPORTS, json.dumps(body, allow_nan=True), content_type="application/json")
    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        assert ExportJob.objects.get(pk=response.json()["id"]).status == ExportStatus.QUEUED


@FUZZ
@given(params=query)
def test_no_metrics_query_gives_a_server_error(api, params):
    response = api.get(METRICS, params)
    # 404 too: DRF reads ?format= as the answer's format, and an unknown one is not found.
    assert response.status_code in (200, 400, 404), response.content


@FUZZ
@given(params=query)
def test_no_dashboard_query_gives_a_server_error(api, params):
    assert api.get("/evaluatie/", params).status_code in (200, 400)


# --- Jobs end: done or failed, with a reason; never "running" for ever.


def test_a_job_whose_work_raises_fails_with_a_readable_reason(api, evaluator, monkeypatch):
    job = export_job_create(requester=evaluator, kind="events", fmt="csv", filters=_filters())

    def broken(*args, **kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(services, "write_export", broken)
    export_job_run(job.pk)  # recorded, not raised into the worker
    job.refresh_from_db()
    assert (job.status, job.error, job.claimed_until) == (ExportStatus.FAILED, str(EXPORT_FAILED), None)
    status = api.get(f"/evaluatie/exports/{job.pk}/", {"format": "json"}).json()
    assert status["status"] == "failed" and status["error"] == str(EXPORT_FAILED)
    assert api.get(f"{EXPORTS}{job.pk}/").json()["error"] == str(EXPORT_FAILED)
    assert str(EXPORT_FAILED) in api.get(f"/evaluatie/exports/{job.pk}/").content.decode()
    assert not list(services.settings.METRICS_EXPORT_DIR.glob(f"export-{job.pk}-*"))  # no half-written file


def test_a_job_for_an_extreme_period_fails_instead_of_staying_running(evaluator):
    """Written around the form (an old row, a script): the date overflowed and the job stayed "running"."""
    job = ExportJob.objects.create(
        requester=evaluator,
        kind="events",
        format="csv",
        params={"date_from": "9999-01-01", "date_to": "9999-12-31"},
        expires_at=timezone.now() + timedelta(hours=1),
    )
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.error == str(DATE_OUT_OF_RANGE)


def test_a_job_stopped_at_the_soft_time_limit_fails_as_too_long(evaluator, monkeypatch):
    job = export_job_create(requester=evaluator, kind="events", fmt="xlsx", filters=_filters())

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()  # what Celery raises inside the task at soft_time_limit

    monkeypatch.setattr(services, "write_export", slow)
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.error == str(EXPORT_TOO_LONG)


def test_the_export_task_has_time_limits_within_its_claim():
    assert export_job_run_task.soft_time_limit == services.EXPORT_SOFT_TIME_LIMIT
    assert export_job_run_task.soft_time_limit < export_job_run_task.time_limit
    assert timedelta(seconds=export_job_run_task.time_limit) < services.CLAIM_TIME


def test_a_job_left_running_by_a_killed_worker_is_failed_by_the_hourly_sweep(evaluator):
    job = export_job_create(requester=evaluator, kind="events", fmt="csv", filters=_filters())
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, claimed_until=now - timedelta(minutes=5))
    assert services.export_jobs_fail_abandoned(now=now) == 0  # its message may still come back: take-over
    assert services.export_jobs_fail_abandoned(now=now + services.ABANDONED_AFTER) == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.error == str(services.EXPORT_ABANDONED)


def _filters():
    from datetime import date

    from metrics.definitions import Filters

    return Filters(date(2025, 1, 1), date(2025, 3, 31))


def test_the_exports_page_opens_without_errors(api):
    page = api.get("/evaluatie/exports/")
    assert page.status_code == 200 and "error-message" not in page.content.decode()
