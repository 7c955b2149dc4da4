"""API routes of the family's requests (included by cases.api_urls)."""

from django.urls import path

from cases.requests import api

CASE = "cases/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}requests/", api.FamilyRequestListCreate.as_view(), name="api-family-request-list"),
    path(f"{CASE}requests/<id:request_id>/", api.FamilyRequestDetail.as_view(), name="api-family-request-detail"),
    path(
        f"{CASE}requests/<id:request_id>/decision/", api.FamilyRequestDecide.as_view(), name="api-family-request-decide"
    ),
]
