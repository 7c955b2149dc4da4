"""Web routes of the agreed interventions (included by cases.urls)."""

from django.urls import path

from cases.interventions import views

CASE = "zaken/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}inzet/", views.intervention_list, name="intervention-list"),
    path(f"{CASE}inzet/<id:intervention_id>/", views.intervention_detail, name="intervention-detail"),
]
