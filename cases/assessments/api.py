"""REST API of the joint safety assessment: rounds, contributions, the joint judgement and
veiligheidsvoorwaarden. Every case through `case_for` (need-to-know, access log), every sub-object
within that case, every write through the services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import IDEMPOTENCY_KEY, CaseScoped, submission_key_of
from cases.api_errors import ALREADY_RECORDED, BAD_REQUEST, CONFLICT, conflict_shape, existing_shape
from cases.assessments import services as assessment_services
from cases.assessments.models import Assessment, JointJudgement, PartnerContribution, Veiligheidsvoorwaarde
from cases.assessments.selectors import assessments_of, conditions_of
from cases.assessments.serializers import (
    AssessmentSerializer,
    ConditionCheckSerializer,
    ConditionSerializer,
    ContributionSerializer,
    JudgementSerializer,
)


class AssessmentListCreate(CaseScoped, generics.ListCreateAPIView):
    """Assessment rounds of the case (GET); POST starts a new round (409 with the open round while
    one of the episode is open)."""

    serializer_class = AssessmentSerializer
    log_detail = "assessments"

    def get_queryset(self):
        return self.of_case(Assessment, lambda case: assessments_of(case))

    @extend_schema(request=None, responses={201: AssessmentSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED})
    def post(self, request: Request, *args, **kwargs) -> Response:
        assessment = assessment_services.assessment_start(actor=request.user, case=self.get_case())
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class ContributionCreate(CaseScoped, APIView):
    """The caller's organisation's contribution to an assessment round (one per organisation: 409
    with the existing one)."""

    log_detail = "assessment"

    @extend_schema(
        request=ContributionSerializer,
        responses={201: ContributionSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    )
    def post(self, request: Request, case_id: int, assessment_id: int) -> Response:
        assessment = get_object_or_404(Assessment, case=self.get_case(), pk=assessment_id)
        serializer = ContributionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contribution = assessment_services.contribution_add(
            actor=request.user, assessment=assessment, **serializer.validated_data
        )
        return Response(ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED)


class JudgementCreate(CaseScoped, APIView):
    """The joint judgement of an assessment round (completes it; one per round: 409 with the
    existing one)."""

    log_detail = "assessment"

    @extend_schema(
        request=JudgementSerializer, responses={201: JudgementSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED}
    )
    def post(self, request: Request, case_id: int, assessment_id: int) -> Response:
        assessment = get_object_or_404(Assessment, case=self.get_case(), pk=assessment_id)
        serializer = JudgementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        judgement = assessment_services.judgement_record(
            actor=request.user, assessment=assessment, **serializer.validated_data
        )
        return Response(JudgementSerializer(judgement).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        parameters=[IDEMPOTENCY_KEY], responses={201: ConditionSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED}
    )
)
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
        serializer.instance = assessment_services.condition_agree(
            actor=self.request.user, judgement=judgement, submission_key=submission_key_of(self.request), **data
        )


class ConditionCheck(CaseScoped, APIView):
    log_detail = "condition"

    @extend_schema(
        request=ConditionCheckSerializer, responses={200: ConditionSerializer, 400: BAD_REQUEST, 409: CONFLICT}
    )
    def post(self, request: Request, case_id: int, condition_id: int) -> Response:
        condition = get_object_or_404(Veiligheidsvoorwaarde, case=self.get_case(), pk=condition_id)
        serializer = ConditionCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment_services.condition_check(
            actor=request.user,
            condition=condition,
            met=serializer.validated_data["met"],
            expected_version=serializer.validated_data["version"],
        )
        return Response(ConditionSerializer(condition).data)


conflict_shape(Veiligheidsvoorwaarde, ConditionSerializer)
existing_shape(Veiligheidsvoorwaarde, ConditionSerializer)
existing_shape(Assessment, AssessmentSerializer)
existing_shape(PartnerContribution, ContributionSerializer)
existing_shape(JointJudgement, JudgementSerializer)
