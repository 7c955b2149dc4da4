from django.urls import path

from metrics import views

urlpatterns = [
    path("evaluatie/", views.dashboard, name="metrics-dashboard"),
    path("evaluatie/exports/", views.exports, name="metrics-exports"),
    path("evaluatie/exports/<id:job_id>/", views.export_status, name="metrics-export-status"),
    path("evaluatie/exports/<id:job_id>/bestand/", views.export_download, name="metrics-export-download"),
]
