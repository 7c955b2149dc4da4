from django.urls import path

from workflows import deadline_api
from workflows.api_urls_casework import urlpatterns as casework_urlpatterns

urlpatterns: list = [
    path("deadlines/", deadline_api.DeadlineList.as_view(), name="api-deadlines"),
    path("notifications/", deadline_api.NotificationList.as_view(), name="api-notifications"),
    path("notifications/read/", deadline_api.NotificationMarkRead.as_view(), name="api-notifications-read"),
]

# Assessments, interventions, conditions, lifecycle and meetings.
urlpatterns += casework_urlpatterns
