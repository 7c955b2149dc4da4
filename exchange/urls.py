from django.urls import path

from exchange import views

urlpatterns = [
    path("beheer-import/casussen/", views.import_upload, name="exchange-import"),
]
