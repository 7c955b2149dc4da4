"""Web routes of the safety team's meetings and each organisation's actions."""

from django.urls import path

from workflows.meetings import views

urlpatterns = [
    path("overleggen/", views.meeting_list, name="meeting-list"),
    path("overleggen/<id:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("overleggen/<id:meeting_id>/agenda/", views.agenda_add, name="meeting-agenda-add"),
    path("overleggen/<id:meeting_id>/aanwezigen/", views.attendance_add, name="meeting-attendance-add"),
    path("overleggen/<id:meeting_id>/agenda/<id:item_id>/", views.agenda_item, name="meeting-item"),
    path("overleggen/<id:meeting_id>/sluiten/", views.meeting_close, name="meeting-close"),
    path("overleggen/<id:meeting_id>/verslag/", views.meeting_minutes_page, name="meeting-minutes"),
    path("overleggen/<id:meeting_id>/verslag.pdf", views.meeting_minutes_download, name="meeting-minutes-pdf"),
    path("acties/", views.my_actions, name="my-actions"),
]
