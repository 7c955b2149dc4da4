"""Web routes of the documents (included by cases.urls)."""

from django.urls import path

from cases.documents import views

CASE = "zaken/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}documenten/", views.document_list, name="document-list"),
    path(f"{CASE}documenten/nieuw/", views.document_add, name="document-add"),
    path(f"{CASE}documenten/<id:document_id>/", views.document_detail, name="document-detail"),
    path(
        f"{CASE}documenten/<id:document_id>/maatregelen/<id:measure_id>/einde/",
        views.measure_end,
        name="document-measure-end",
    ),
    path(
        f"{CASE}documenten/<id:document_id>/versies/<id:version_id>/downloaden/",
        views.document_download,
        name="document-download",
    ),
]
