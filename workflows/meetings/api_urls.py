"""API routes of the safety team's meetings."""

from django.urls import path

from workflows.meetings import api

urlpatterns = [
    path("meetings/", api.MeetingList.as_view(), name="api-meeting-list"),
    path("meetings/<id:meeting_id>/", api.MeetingDetail.as_view(), name="api-meeting-detail"),
]
