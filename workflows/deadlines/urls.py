"""Web routes of deadlines, notifications and the calendar feed."""

from django.urls import path

from workflows.deadlines import views

urlpatterns = [
    path("termijnen/", views.dashboard, name="deadline-dashboard"),
    path("termijnen/mijn/", views.my_deadlines_view, name="my-deadlines"),
    path("termijnen/<id:deadline_id>/", views.deadline_detail, name="deadline-detail"),
    path("termijnen/agenda/team/", views.team_feed, name="deadline-team-feed"),
    path("termijnen/agenda/<str:token>.ics", views.ics_feed, name="deadline-ics"),
    path("meldingen/", views.notification_list, name="notifications"),
    path("meldingen/gelezen/", views.notification_mark_read, name="notifications-mark-read"),
    path("meldingen/voorkeuren/", views.preferences, name="notification-preferences"),
]
