from django.urls import path

from cases.requests import views

urlpatterns = [
    path("zaken/<id:case_id>/verzoeken/", views.family_requests, name="family-requests"),
    path("zaken/<id:case_id>/verzoeken/<id:request_id>/", views.family_request_detail, name="family-request"),
    path(
        "zaken/<id:case_id>/verzoeken/<id:request_id>/afschrift.pdf",
        views.family_request_afschrift,
        name="family-request-afschrift",
    ),
]
