"""REST API of assessments, interventions, veiligheidsvoorwaarden, the lifecycle and meetings.
Same rules as the web pages: every case through `case_for` (need-to-know, access log), every
sub-object within that case, every write through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import assessment_services, intervention_services
from cases.api import CaseScoped, run_service
from cases.assessment_selectors import assessments_of, conditions_of, interventions_of
from cases.exceptions import ConcurrentEditError
from cases.models import Assessment, Intervention, JointJudgement, Veiligheidsvoorwaarde
from security.services import client_ip
from workflows import lifecycle
from workflows.api_serializers import (
    AssessmentSerializer,
    CaseStateSerializer,
    ConditionCheckSerializer,
    ConditionSerializer,
    ContributionSerializer,
    ErrorSerializer,
    InterventionActionSerializer,
    InterventionSerializer,
    JudgementSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    TransitionSerializer,
)
from workflows.meeting_models import Meeting
from workflows.meeting_selectors import meeting_agenda, meeting_for, meetings_visible_to


def run(func: Callable[..., Any], **kwargs) -> Any:
    """`cases.api.run_service` (refusals become 400 with the field named); a stale version is a 409."""
    try:
        return run_service(func, **kwargs)
    except ConcurrentEditError as exc:
        raise Conflict(" ".join(exc.messages)) from exc


class Conflict(serializers.ValidationError):
    status_code = status.HTTP_409_CONFLICT


class AssessmentListCreate(CaseScoped, generics.ListCreateAPIView):
    """Assessment rounds of the case (GET); POST starts a new round."""

    serializer_class = AssessmentSerializer
    log_detail = "assessments"

    def get_queryset(self):
        return self.of_case(Assessment, lambda case: assessments_of(case))

    @extend_schema(request=None, responses={201: AssessmentSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        assessment = run(assessment_services.assessment_start, actor=request.user, case=self.get_case(),
                         ip=client_ip(request))  # fmt: skip
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class ContributionCreate(CaseScoped, APIView):
    """The caller's organisation's contribution to an assessment round."""

    log_detail = "assessment"

    @extend_schema(request=ContributionSerializer, responses={201: ContributionSerializer})
    def post(self, request: Request, case_id: int, assessment_id: int) -> Response:
        assessment = get_object_or_404(Assessment, case=self.get_case(), pk=assessment_id)
        serializer = ContributionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contribution = run(assessment_services.contribution_add, actor=request.user, assessment=assessment,
                           ip=client_ip(request), **serializer.validated_data)  # fmt: skip
        return Response(ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED)


class JudgementCreate(CaseScoped, APIView):
    """The joint judgement of an assessment round (completes it)."""

    log_detail = "assessment"

    @extend_schema(request=JudgementSerializer, responses={201: JudgementSerializer})
    def post(self, request: Request, case_id: int, assessment_id: int) -> Response:
        assessment = get_object_or_404(Assessment, case=self.get_case(), pk=assessment_id)
        serializer = JudgementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        judgement = run(assessment_services.judgement_record, actor=request.user, assessment=assessment,
                        ip=client_ip(request), **serializer.validated_data)  # fmt: skip
        return Response(JudgementSerializer(judgement).data, status=status.HTTP_201_CREATED)


class InterventionListCreate(CaseScoped, generics.ListCreateAPIView):
    """Agreed interventions of the case; POST agrees one (needs a completed joint judgement)."""

    serializer_class = InterventionSerializer
    log_detail = "interventions"

    def get_queryset(self):
        return self.of_case(Intervention, lambda case: interventions_of(case).order_by("due_date", "id"))

    def perform_create(self, serializer: InterventionSerializer) -> None:
        serializer.instance = run(intervention_services.intervention_agree, actor=self.request.user,
                                  case=self.get_case(), ip=client_ip(self.request),
                                  **serializer.validated_data)  # fmt: skip


class InterventionDetail(CaseScoped, generics.RetrieveAPIView):
    serializer_class = InterventionSerializer
    log_detail = "intervention"

    def get_object(self) -> Intervention:
        return get_object_or_404(interventions_of(self.get_case()), pk=self.kwargs["intervention_id"])


class InterventionStatus(CaseScoped, APIView):
    """Start, complete or stop an intervention (with the version the caller last saw)."""

    log_detail = "intervention"

    @extend_schema(request=InterventionActionSerializer, responses={200: InterventionSerializer,
                                                                    409: ErrorSerializer})  # fmt: skip
    def post(self, request: Request, case_id: int, intervention_id: int) -> Response:
        intervention = get_object_or_404(Intervention, case=self.get_case(), pk=intervention_id)
        serializer = InterventionActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run(intervention_services.intervention_move, action=data["action"], actor=request.user,
            intervention=intervention, expected_version=data["version"], result=data.get("result", ""),
            ip=client_ip(request))  # fmt: skip
        return Response(InterventionSerializer(intervention).data)


class ConditionListCreate(CaseScoped, generics.ListCreateAPIView):
    """Veiligheidsvoorwaarden of the case; POST agrees one in a joint judgement of this case."""

    serializer_class = ConditionSerializer
    log_detail = "conditions"

    def get_queryset(self):
        return self.of_case(Veiligheidsvoorwaarde, lambda case: conditions_of(case))

    def perform_create(self, serializer: ConditionSerializer) -> None:
        data = dict(serializer.validated_data)
        judgement = JointJudgement.objects.filter(assessment__case=self.get_case(), pk=data.pop("judgement_id")).first()
        if judgement is None:
            raise serializers.ValidationError({"judgement": ["Onbekend gezamenlijk oordeel van deze casus."]})
        serializer.instance = run(assessment_services.condition_agree, actor=self.request.user, judgement=judgement,
                                  ip=client_ip(self.request), **data)  # fmt: skip


class ConditionCheck(CaseScoped, APIView):
    log_detail = "condition"

    @extend_schema(request=ConditionCheckSerializer, responses={200: ConditionSerializer, 409: ErrorSerializer})
    def post(self, request: Request, case_id: int, condition_id: int) -> Response:
        condition = get_object_or_404(Veiligheidsvoorwaarde, case=self.get_case(), pk=condition_id)
        serializer = ConditionCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run(assessment_services.condition_check, actor=request.user, condition=condition,
            met=serializer.validated_data["met"], expected_version=serializer.validated_data["version"],
            ip=client_ip(request))  # fmt: skip
        return Response(ConditionSerializer(condition).data)


class CaseTransition(CaseScoped, APIView):
    """A lifecycle step: to:<status>, crisis, resolve_crisis or reopen; refused with the reason."""

    log_detail = "status"

    @extend_schema(request=TransitionSerializer, responses={200: CaseStateSerializer, 409: ErrorSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = self.get_case()
        run(lifecycle.case_step, actor=request.user, case=case, step=data["step"], reason=data["reason"],
            expected_version=data["version"], override_reason=data.get("override_reason", ""),
            ip=client_ip(request))  # fmt: skip
        return Response(CaseStateSerializer(case).data)


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
        meeting.agenda = meeting_agenda(self.request.user, meeting, today=timezone.localdate(),
                                        ip=client_ip(self.request))  # fmt: skip
        return meeting
