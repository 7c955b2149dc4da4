"""Web route of the case's lifecycle steps."""

from django.urls import path

from workflows.lifecycle import views

urlpatterns = [
    path("zaken/<id:case_id>/status/", views.case_status, name="case-status"),
]
