from django.urls import include, path

from cases import views

urlpatterns: list = [
    path("mijn-zaken/", views.my_cases, name="my-cases"),
    path("teamzaken/", views.team_cases, name="team-cases"),
    path("zaken/nieuw/", views.case_open, name="case-open"),
    path("zaken/zoeken-op-bsn/", views.bsn_search, name="case-bsn-search"),
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
    path("zaken/<id:case_id>/notities/<id:note_id>/corrigeren/", views.note_correct, name="note-correct"),
    path("zaken/<id:case_id>/personen/<id:person_id>/verwijderen/", views.person_remove, name="person-remove"),
    path("", include("cases.assessments.urls")),
    path("", include("cases.interventions.urls")),
    path("", include("cases.safety_plans.urls")),
    path("", include("cases.investigations.urls")),
    path("", include("cases.reporters.urls")),
    path("", include("cases.documents.urls")),
    path("", include("cases.access_log.urls")),
    path("", include("cases.legal_bases.urls")),
    path("", include("cases.requests.urls")),
    path("", include("cases.retention.urls")),
]
