"""API routes of the melder (included by cases.api_urls)."""

from django.urls import path

from cases.reporters import api

CASE = "cases/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}reporters/", api.ReporterListCreate.as_view(), name="api-reporter-list"),
    path(f"{CASE}reporters/<id:reporter_id>/", api.ReporterDetail.as_view(), name="api-reporter-detail"),
    path(f"{CASE}reporters/<id:reporter_id>/feedback/", api.ReporterFeedback.as_view(), name="api-reporter-feedback"),
]
