"""API routes of the documents (included by cases.api_urls)."""

from django.urls import path

from cases.documents import api

CASE = "cases/<id:case_id>/"
DOCUMENT = f"{CASE}documents/<id:document_id>/"

urlpatterns = [
    path(f"{CASE}documents/", api.DocumentListCreate.as_view(), name="api-document-list"),
    path(DOCUMENT, api.DocumentDetail.as_view(), name="api-document-detail"),
    path(f"{DOCUMENT}versions/", api.DocumentVersions.as_view(), name="api-document-versions"),
    path(f"{DOCUMENT}measures/<id:measure_id>/end/", api.MeasureEnd.as_view(), name="api-document-measure-end"),
    path(f"{DOCUMENT}versions/<id:version_id>/download/", api.DocumentDownload.as_view(), name="api-document-download"),
]
