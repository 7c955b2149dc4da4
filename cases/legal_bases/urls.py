"""Web routes of the bases of sharing (included by cases.urls)."""

from django.urls import path

from cases.legal_bases import views

CASE = "zaken/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}grondslagen/", views.case_bases, name="case-bases"),
    path(
        f"{CASE}toestemmingen/<id:consent_id>/intrekken/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
]
