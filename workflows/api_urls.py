"""API routes of the workflows app: one api_urls module per sub-package."""

from django.urls import include, path

urlpatterns = [
    path("", include("workflows.lifecycle.api_urls")),
    path("", include("workflows.meetings.api_urls")),
    path("", include("workflows.deadlines.api_urls")),
]
