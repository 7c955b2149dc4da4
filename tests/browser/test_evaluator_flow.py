"""An evaluator reads the charts, downloads an export, and cannot open a case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import case_open
from metrics.models import ExportJob
from metrics.services import export_job_run
from tests.browser.world import make_world


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.METRICS_EXPORT_DIR = tmp_path
    w = make_world()
    w.case = case_open(
        actor=w.professional,
        team=w.team,
        municipality=w.municipality,
        family_name="Gezin Hendriks",
        intake="melding_vt",
        reported_on=timezone.localdate() - timedelta(days=2),
        vast_gezicht=w.professional,
    )
    return w


def test_evaluator_sees_charts_downloads_an_export_and_no_case(page, world, browser_login, shot, assert_accessible):
    browser_login(page, world.evaluator)
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Evaluatie").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluatie")
    expect(page.locator("main svg, main img, main canvas").first).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Gezin Hendriks")
    shot(page, "metrics-dashboard")
    assert_accessible(page)

    page.get_by_role("link", name="Naar de exports").click()
    page.get_by_label("Soort export").select_option("events")
    page.get_by_label("Formaat").select_option("csv")
    assert_accessible(page)
    page.get_by_role("button", name="Export maken").click()
    job = ExportJob.objects.get(requester=world.evaluator)
    export_job_run(job.pk)  # what the Celery worker does
    page.reload()
    link = page.get_by_role("link", name="Download het bestand")
    expect(link).to_be_visible()
    shot(page, "export-ready")
    assert_accessible(page)
    with page.expect_download() as download_info:
        link.click()
    content = open(download_info.value.path(), encoding="utf-8").read()
    assert content.strip(), "the export has rows"
    assert "Gezin Hendriks" not in content and world.case.reference not in content

    response = page.goto(f"/zaken/{world.case.pk}/")
    assert response.status == 404
    shot(page, "case-404")
