"""REST API of meetings: the list of the caller's teams, and one meeting with its agenda as
the web page shows it (cases the caller may not see stay anonymous)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import generics

from security.services import client_ip
from workflows.meetings.models import Meeting
from workflows.meetings.selectors import meeting_agenda, meeting_for, meetings_visible_to
from workflows.meetings.serializers import MeetingDetailSerializer, MeetingSerializer


class MeetingList(generics.ListAPIView):
    """Meetings of the teams the caller works in."""

    serializer_class = MeetingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return meetings_visible_to(self.request.user).prefetch_related("attendances")


class MeetingDetail(generics.RetrieveAPIView):
    serializer_class = MeetingDetailSerializer

    def get_object(self) -> Meeting:
        meeting = meeting_for(self.request.user, self.kwargs["meeting_id"])
        # The agenda as the web page shows it: cases the caller may not see stay anonymous.
        meeting.agenda = meeting_agenda(
            self.request.user, meeting, today=timezone.localdate(), ip=client_ip(self.request)
        )
        return meeting
