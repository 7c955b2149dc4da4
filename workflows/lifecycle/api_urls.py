"""API route of the case's lifecycle steps."""

from django.urls import path

from workflows.lifecycle import api

urlpatterns = [
    path("cases/<id:case_id>/transitions/", api.CaseTransition.as_view(), name="api-case-transition"),
]
