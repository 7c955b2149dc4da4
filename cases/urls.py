from django.urls import path

from cases import views, views_access_report

urlpatterns: list = [
    path("mijn-zaken/", views.my_cases, name="my-cases"),
    path("teamzaken/", views.team_cases, name="team-cases"),
    path("zaken/nieuw/", views.case_open, name="case-open"),
    path("zaken/<id:case_id>/", views.case_detail, name="case-detail"),
    path("zaken/<id:case_id>/personen/nieuw/", views.person_add, name="person-add"),
    path("personen/<id:person_id>/wijzigen/", views.person_edit, name="person-edit"),
    path("zaken/<id:case_id>/betrokkenen/nieuw/", views.participant_add, name="participant-add"),
    path(
        "zaken/<id:case_id>/betrokkenen/<id:participant_id>/beeindigen/",
        views.participant_end,
        name="participant-end",
    ),
    path("zaken/<id:case_id>/notities/nieuw/", views.note_add, name="note-add"),
    # The privacy officer's "who looked at this file": the access log only, no case content.
    path("inzage/", views_access_report.access_report_lookup, name="access-report-lookup"),
    path("inzage/zaken/<id:case_id>/", views_access_report.access_report, name="case-access-report"),
    path("inzage/zaken/<id:case_id>/csv/", views_access_report.access_report_csv, name="case-access-report-csv"),
]
