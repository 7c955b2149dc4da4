"""Web routes of the melder (included by cases.urls)."""

from django.urls import path

from cases.reporters import views

CASE = "zaken/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}melder/", views.reporter_list, name="reporter-list"),
    path(f"{CASE}melder/<id:reporter_id>/wijzigen/", views.reporter_edit, name="reporter-edit"),
    path(f"{CASE}melder/<id:reporter_id>/terugkoppeling/", views.reporter_feedback, name="reporter-feedback"),
]
