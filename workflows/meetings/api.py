"""REST API of meetings: the list of the caller's teams, and one meeting with its agenda as
the web page shows it (cases the caller may not see stay anonymous)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api_errors import BAD_REQUEST, CONFLICT, conflict_shape
from cases.selectors import case_for_request
from security.services import client_ip
from workflows.meetings import services
from workflows.meetings.models import AgendaItem, Meeting
from workflows.meetings.selectors import agenda_item_for, meeting_agenda, meeting_for, meetings_visible_to
from workflows.meetings.serializers import (
    AgendaItemMinutesSerializer,
    MeetingCloseSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
)


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


class MeetingClose(APIView):
    """The chair (or a coordinator) closes the meeting: minutes, decisions, attendance and each agenda
    case's state are frozen; the meeting is read-only from then on. Closing it again changes nothing."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if not getattr(self, "swagger_fake_view", False):
            self.meeting = meeting_for(request.user, self.kwargs["meeting_id"])  # 404 before any input

    @extend_schema(
        summary="Overleg sluiten",
        request=MeetingCloseSerializer,
        responses={200: MeetingSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        serializer = MeetingCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.meeting_close(
            actor=request.user, meeting=self.meeting, expected_version=serializer.validated_data["version"]
        )
        return Response(MeetingSerializer(self.meeting).data)


class AgendaItemMinutes(APIView):
    """The minutes of one agenda case: read, or written with the version read (refused once the
    meeting is closed)."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if not getattr(self, "swagger_fake_view", False):
            meeting = meeting_for(request.user, self.kwargs["meeting_id"])
            self.item = agenda_item_for(meeting, self.kwargs["item_id"])
            # The case through the one door (404 and logged as denied for a case the caller may not see).
            self.item.case = case_for_request(request, self.item.case_id, detail=f"meeting:{meeting.pk}")

    @extend_schema(summary="Verslag van een agendapunt", responses={200: AgendaItemMinutesSerializer})
    def get(self, request: Request, meeting_id: int, item_id: int) -> Response:
        return Response(AgendaItemMinutesSerializer(self.item).data)

    @extend_schema(
        summary="Verslag van een agendapunt vastleggen",
        request=AgendaItemMinutesSerializer,
        responses={200: AgendaItemMinutesSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def put(self, request: Request, meeting_id: int, item_id: int) -> Response:
        serializer = AgendaItemMinutesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.minutes_record(
            actor=request.user, item=self.item, minutes=data["minutes"], expected_version=data["version"]
        )
        return Response(AgendaItemMinutesSerializer(self.item).data)


conflict_shape(Meeting, MeetingSerializer)
conflict_shape(AgendaItem, AgendaItemMinutesSerializer)
