from django.urls import path

from partners import views

urlpatterns = [
    path("lidmaatschappen/bevestigen/", views.membership_confirmations, name="membership-confirmations"),
    path("lidmaatschappen/<int:membership_id>/besluit/", views.membership_decide, name="membership-decide"),
]
