"""Web routes of the workflows app: one urls module per sub-package."""

from django.urls import include, path

urlpatterns = [
    path("", include("workflows.lifecycle.urls")),
    path("", include("workflows.meetings.urls")),
    path("", include("workflows.deadlines.urls")),
]
