"""The privacy officer's "who looked at this file": the access log only, no case content."""

from django.urls import path

from cases.access_log import views

urlpatterns = [
    path("inzage/", views.access_report_lookup, name="access-report-lookup"),
    path("inzage/zaken/<id:case_id>/", views.access_report, name="case-access-report"),
    path("inzage/zaken/<id:case_id>/csv/", views.access_report_csv, name="case-access-report-csv"),
]
