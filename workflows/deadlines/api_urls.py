"""API routes of deadlines and notifications."""

from django.urls import path

from workflows.deadlines import api

urlpatterns = [
    path("deadlines/", api.DeadlineList.as_view(), name="api-deadlines"),
    path("notifications/", api.NotificationList.as_view(), name="api-notifications"),
    path("notifications/read/", api.NotificationMarkRead.as_view(), name="api-notifications-read"),
]
