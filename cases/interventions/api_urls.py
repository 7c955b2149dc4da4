"""API routes of the agreed interventions (included by cases.api_urls)."""

from django.urls import path

from cases.interventions import api

CASE = "cases/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}interventions/", api.InterventionListCreate.as_view(), name="api-intervention-list"),
    path(
        f"{CASE}interventions/<id:intervention_id>/",
        api.InterventionDetail.as_view(),
        name="api-intervention-detail",
    ),
    path(
        f"{CASE}interventions/<id:intervention_id>/status/",
        api.InterventionStatus.as_view(),
        name="api-intervention-status",
    ),
]
