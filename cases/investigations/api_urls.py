"""API routes of the onderzoeken and destruction requests (included by cases.api_urls)."""

from django.urls import path

from cases.investigations import api

CASE = "cases/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}investigations/", api.InvestigationListCreate.as_view(), name="api-investigation-list"),
    path(
        f"{CASE}destruction-requests/", api.DestructionRequestListCreate.as_view(), name="api-destruction-request-list"
    ),
]
