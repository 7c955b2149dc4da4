"""REST API of the joint safety assessment: rounds, contributions (and their corrections), the joint
judgement (its amendments, the partners' akkoord and dissent) and veiligheidsvoorwaarden. Every case
through `case_for` (need-to-know, access log), every sub-object within that case, every write through
the services."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import IDEMPOTENCY_KEY, CaseScoped, submission_key_of
from cases.api_errors import ALREADY_RECORDED, BAD_REQUEST, CONFLICT, conflict_shape, existing_shape
from cases.assessments import amendments
from cases.assessments import services as assessment_services
from cases.assessments.confidential import judgement_as_read_by
from cases.assessments.models import (
    Agreement,
    Assessment,
    Dissent,
    JointJudgement,
    PartnerContribution,
    Veiligheidsvoorwaarde,
)
from cases.assessments.selectors import assessments_for, conditions_of, contribution_for, judgement_for
from cases.assessments.serializers import (
    AgreementSerializer,
    AssessmentSerializer,
    ConditionCheckSerializer,
    ConditionSerializer,
    ContributionCorrectionSerializer,
    ContributionSerializer,
    ContributionWithVersionsSerializer,
    DissentCreateSerializer,
    DissentSerializer,
    JudgementAmendmentSerializer,
    JudgementSerializer,
    JudgementWithVersionsSerializer,
    StandpointSerializer,
)


class AssessmentListCreate(CaseScoped, generics.ListCreateAPIView):
    """Assessment rounds of the case (GET); POST starts a new round (409 with the open round while
    one of the episode is open)."""

    serializer_class = AssessmentSerializer
    log_detail = "assessments"

    def get_queryset(self):
        return self.of_case(Assessment, lambda case: assessments_for(self.request.user, case))

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
        shown = contribution_for(request.user, contribution.pk)  # as the author reads it now
        return Response(ContributionSerializer(shown).data, status=status.HTTP_201_CREATED)


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
        shown = judgement_as_read_by(request.user, judgement.pk)
        return Response(JudgementSerializer(shown).data, status=status.HTTP_201_CREATED)


def _judgement_of(case, judgement_id) -> JointJudgement:
    judgement = get_object_or_404(
        JointJudgement.objects.select_related("assessment"), assessment__case=case, pk=judgement_id
    )
    judgement.assessment.case = case  # the case as the door gave it
    return judgement


def _with_versions(user, case, judgement_id) -> dict:
    """The judgement, every version and every standpoint, its texts as `user` may read them."""
    judgement = judgement_for(user, case, judgement_id)
    if judgement is None:
        raise Http404
    return JudgementWithVersionsSerializer(judgement).data


class JudgementDetail(CaseScoped, APIView):
    """The joint judgement as it is in force, every version and every standpoint."""

    log_detail = "judgement"

    @extend_schema(responses={200: JudgementWithVersionsSerializer})
    def get(self, request: Request, case_id: int, judgement_id: int) -> Response:
        return Response(_with_versions(request.user, self.get_case(), judgement_id))


class JudgementAmend(CaseScoped, APIView):
    """Amend the joint judgement: a new version with a reason, by its recorder or a coordinator of the
    case's team; never of a closed episode (400). A stale `version` is a 409 with the judgement now; the
    same amendment sent twice a 409 with what it recorded."""

    log_detail = "judgement"

    @extend_schema(
        request=JudgementAmendmentSerializer,
        responses={201: JudgementWithVersionsSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def post(self, request: Request, case_id: int, judgement_id: int) -> Response:
        case = self.get_case()
        judgement = _judgement_of(case, judgement_id)
        serializer = JudgementAmendmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version, reason = data.pop("version"), data.pop("reason")
        amendments.judgement_amend(
            actor=request.user, judgement=judgement, expected_version=version, reason=reason, **data
        )
        return Response(_with_versions(request.user, case, judgement.pk), status=status.HTTP_201_CREATED)


class AgreementCreate(CaseScoped, APIView):
    """The akkoord of the caller's organisation with the version of the judgement it read (`version`):
    once per organisation per version (409 with the standpoint recorded)."""

    log_detail = "judgement"

    @extend_schema(
        request=StandpointSerializer,
        responses={201: AgreementSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    )
    def post(self, request: Request, case_id: int, judgement_id: int) -> Response:
        judgement = _judgement_of(self.get_case(), judgement_id)
        serializer = StandpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = assessment_services.agreement_record(
            actor=request.user, judgement=judgement, expected_version=serializer.validated_data["version"]
        )
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class DissentCreate(CaseScoped, APIView):
    """The dissent of the caller's organisation, with its reason, on the version it read (`version`):
    once per organisation per version (409 with the standpoint recorded)."""

    log_detail = "judgement"

    @extend_schema(
        request=DissentCreateSerializer,
        responses={201: DissentSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    )
    def post(self, request: Request, case_id: int, judgement_id: int) -> Response:
        judgement = _judgement_of(self.get_case(), judgement_id)
        serializer = DissentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dissent = assessment_services.dissent_record(
            actor=request.user,
            judgement=judgement,
            reason=serializer.validated_data["reason"],
            expected_version=serializer.validated_data["version"],
        )
        return Response(DissentSerializer(dissent).data, status=status.HTTP_201_CREATED)


class ContributionCorrect(CaseScoped, APIView):
    """The author corrects their contribution: a new version with what and why; the original stays.
    A stale `version` is a 409 with the contribution now."""

    log_detail = "assessment"

    @extend_schema(
        request=ContributionCorrectionSerializer,
        responses={201: ContributionWithVersionsSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def post(self, request: Request, case_id: int, contribution_id: int) -> Response:
        case = self.get_case()
        contribution = get_object_or_404(
            PartnerContribution.objects.select_related("assessment", "organisation"),
            assessment__case=case,
            pk=contribution_id,
        )
        contribution.assessment.case = case
        serializer = ContributionCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version, reason = data.pop("version"), data.pop("reason")
        amendments.contribution_correct(
            actor=request.user, contribution=contribution, expected_version=version, reason=reason, **data
        )
        fresh = contribution_for(request.user, contribution.pk)
        return Response(ContributionWithVersionsSerializer(fresh).data, status=status.HTTP_201_CREATED)


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


class ContributionAsRead(ContributionSerializer):
    """A contribution in a 409, read again as the caller may read it (the service held it whole)."""

    def to_representation(self, instance):
        request = self.context.get("request")
        return super().to_representation(contribution_for(getattr(request, "user", None), instance.pk))


class JudgementAsRead(JudgementSerializer):
    """A joint judgement in a 409, read again as the caller may read it."""

    def to_representation(self, instance):
        request = self.context.get("request")
        return super().to_representation(judgement_as_read_by(getattr(request, "user", None), instance.pk))


conflict_shape(Veiligheidsvoorwaarde, ConditionSerializer)
conflict_shape(JointJudgement, JudgementAsRead)
conflict_shape(PartnerContribution, ContributionAsRead)
existing_shape(Agreement, AgreementSerializer)
existing_shape(Dissent, DissentSerializer)
existing_shape(Veiligheidsvoorwaarde, ConditionSerializer)
existing_shape(Assessment, AssessmentSerializer)
existing_shape(PartnerContribution, ContributionAsRead)
existing_shape(JointJudgement, JudgementAsRead)
