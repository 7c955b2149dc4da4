"""API routes of the safety team's meetings."""

from django.urls import path

from workflows.meetings import api

urlpatterns = [
    path("meetings/", api.MeetingList.as_view(), name="api-meeting-list"),
    path("meetings/<id:meeting_id>/", api.MeetingDetail.as_view(), name="api-meeting-detail"),
    path("meetings/<id:meeting_id>/close/", api.MeetingClose.as_view(), name="api-meeting-close"),
    path("meetings/<id:meeting_id>/agenda/<id:item_id>/", api.AgendaItemMinutes.as_view(), name="api-meeting-item"),
]
