from django.urls import include, path

from cases import api

urlpatterns: list = [
    path("cases/", api.CaseListCreate.as_view(), name="api-case-list"),
    path("cases/<id:case_id>/", api.CaseRetrieve.as_view(), name="api-case-detail"),
    path("cases/<id:case_id>/persons/", api.PersonListCreate.as_view(), name="api-person-list"),
    path("cases/<id:case_id>/persons/<id:person_id>/", api.PersonDetail.as_view(), name="api-person-detail"),
    path("cases/<id:case_id>/participants/", api.ParticipantListCreate.as_view(), name="api-participant-list"),
    path(
        "cases/<id:case_id>/participants/<id:participant_id>/",
        api.ParticipantDetail.as_view(),
        name="api-participant-detail",
    ),
    path("cases/<id:case_id>/notes/", api.NoteListCreate.as_view(), name="api-note-list"),
    path(
        "cases/<id:case_id>/notes/<id:note_id>/corrections/",
        api.NoteCorrectionCreate.as_view(),
        name="api-note-correction",
    ),
    path("cases/<id:case_id>/persons/<id:person_id>/removal/", api.PersonRemoval.as_view(), name="api-person-removal"),
    path("cases/<id:case_id>/timeline/", api.TimelineList.as_view(), name="api-timeline"),
    path("", include("cases.assessments.api_urls")),
    path("", include("cases.interventions.api_urls")),
    path("", include("cases.safety_plans.api_urls")),
    path("", include("cases.investigations.api_urls")),
    path("", include("cases.requests.api_urls")),
    path("", include("cases.reporters.api_urls")),
    path("", include("cases.legal_bases.api_urls")),
    path("", include("cases.documents.api_urls")),
]
