from django.urls import path

from exchange import views

urlpatterns = [
    path("beheer-import/casussen/", views.import_upload, name="exchange-import"),
    path("beheer-import/casussen/<id:job_id>/", views.import_job, name="exchange-import-job"),
    path("beheer-import/casussen/<id:job_id>/rapport.csv", views.import_report, name="exchange-import-report"),
]
