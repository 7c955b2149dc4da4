"""Web routes of the onderzoeken and destruction requests (included by cases.urls)."""

from django.urls import path

from cases.investigations import views

CASE = "zaken/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}onderzoek/", views.investigations, name="case-investigations"),
    path(f"{CASE}vernietigingsverzoeken/", views.destruction_requests, name="destruction-requests"),
]
