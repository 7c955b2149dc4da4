from django.urls import path

from metrics import views

urlpatterns = [
    path("evaluatie/", views.dashboard, name="metrics-dashboard"),
    path("evaluatie/exports/", views.exports, name="metrics-exports"),
    path("evaluatie/exports/<id:job_id>/", views.export_status, name="metrics-export-status"),
    path("evaluatie/exports/<id:job_id>/bestand/", views.export_download, name="metrics-export-download"),
    path("evaluatie/definities/", views.definitions, name="metrics-definitions"),
    path("evaluatie/publicaties/", views.releases, name="metrics-releases"),
    path("evaluatie/publicaties/<id:release_id>/<str:fmt>/", views.release_download, name="metrics-release-download"),
]
