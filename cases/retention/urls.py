from django.urls import path

from cases.retention import views

urlpatterns = [
    path("privacy/vernietiging/", views.destruction_list, name="destruction-list"),
    path(
        "privacy/vernietiging/<id:destruction_id>/voorstellen/", views.destruction_propose, name="destruction-propose"
    ),
    path("privacy/vernietiging/<id:destruction_id>/bevestigen/", views.destruction_confirm, name="destruction-confirm"),
]
