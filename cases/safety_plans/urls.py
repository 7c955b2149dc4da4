"""Web routes of the veiligheidsplan (included by cases.urls)."""

from django.urls import path

from cases.safety_plans import views

CASE = "zaken/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}veiligheidsplan/", views.plan_detail, name="safety-plan"),
    path(f"{CASE}veiligheidsplan/akkoord/", views.plan_agree, name="safety-plan-agree"),
    path(f"{CASE}veiligheidsplan/voor-het-gezin/", views.family_page, name="safety-plan-family"),
    path(f"{CASE}veiligheidsplan/voor-het-gezin.pdf", views.family_pdf, name="safety-plan-family-pdf"),
]
