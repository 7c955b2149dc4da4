"""API routes of the bases of sharing (included by cases.api_urls)."""

from django.urls import path

from cases.legal_bases import api

CASE = "cases/<id:case_id>/"

urlpatterns = [
    path("legal-bases/", api.LegalBasisList.as_view(), name="api-legal-basis-list"),
    path(f"{CASE}consents/", api.ConsentList.as_view(), name="api-consent-list"),
    path(f"{CASE}consents/<id:consent_id>/withdraw/", api.ConsentWithdraw.as_view(), name="api-consent-withdraw"),
]
