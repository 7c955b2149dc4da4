from django.urls import path

from workflows import deadline_views
from workflows.urls_casework import urlpatterns as casework_urlpatterns

urlpatterns: list = [
    path("termijnen/", deadline_views.dashboard, name="deadline-dashboard"),
    path("termijnen/mijn/", deadline_views.my_deadlines_view, name="my-deadlines"),
    path("termijnen/<id:deadline_id>/", deadline_views.deadline_detail, name="deadline-detail"),
    path("termijnen/agenda/<str:token>.ics", deadline_views.ics_feed, name="deadline-ics"),
    path("meldingen/", deadline_views.notification_list, name="notifications"),
    path("meldingen/gelezen/", deadline_views.notification_mark_read, name="notifications-mark-read"),
    path("meldingen/voorkeuren/", deadline_views.preferences, name="notification-preferences"),
]

# Lifecycle, assessments, interventions and meetings.
urlpatterns += casework_urlpatterns
