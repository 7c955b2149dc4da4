"""REST API of the veiligheidsplan: the plan with every version and akkoord, a new version (with the
version number the caller last saw: stale → 409), an akkoord with the newest version."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import CaseScoped
from cases.api_errors import ALREADY_RECORDED, BAD_REQUEST, CONFLICT, conflict_shape, existing_shape
from cases.safety_plans import services
from cases.safety_plans.models import PlanAgreement, SafetyPlan, SafetyPlanVersion
from cases.safety_plans.selectors import plan_of, versions_of
from cases.safety_plans.serializers import (
    PlanAgreementSerializer,
    PlanSerializer,
    PlanVersionCreateSerializer,
    PlanVersionSerializer,
)


class SafetyPlanDetail(CaseScoped, APIView):
    """The plan of the case's current episode with every version, newest first (404: no plan yet)."""

    log_detail = "safety-plan"

    @extend_schema(responses={200: PlanSerializer})
    def get(self, request: Request, case_id: int) -> Response:
        plan = plan_of(self.get_case())
        if plan is None:
            raise Http404
        return Response(PlanSerializer(plan, context={"versions": list(versions_of(plan, request.user))}).data)


class SafetyPlanVersionCreate(CaseScoped, APIView):
    """Record the next version; `expected_version` is the newest version number the caller saw (0: none)."""

    log_detail = "safety-plan"

    @extend_schema(
        request=PlanVersionCreateSerializer,
        responses={201: PlanVersionSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def post(self, request: Request, case_id: int) -> Response:
        serializer = PlanVersionCreateSerializer(data=request.data, case=self.get_case(), user=request.user)
        serializer.is_valid(raise_exception=True)
        version = services.plan_version_record(actor=request.user, case=self.get_case(), **serializer.to_service())
        version = versions_of(version.plan, request.user).get(pk=version.pk)
        return Response(PlanVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class SafetyPlanAgreementCreate(CaseScoped, APIView):
    """Record an akkoord with version `plan_version` (the newest): a `person` of the family or an `organisation`."""

    log_detail = "safety-plan"

    @extend_schema(
        request=PlanAgreementSerializer,
        responses={201: PlanAgreementSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    )
    def post(self, request: Request, case_id: int, plan_version: int) -> Response:
        plan = get_object_or_404(SafetyPlan, case=self.get_case(), episode=self.get_case().episode)
        version = get_object_or_404(SafetyPlanVersion, plan=plan, number=plan_version)
        serializer = PlanAgreementSerializer(data=request.data, case=self.get_case(), user=request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        agreement = services.plan_agreement_record(
            actor=request.user,
            version=version,
            agreed_on=data["agreed_on"],
            way=data["way"],
            person=data.get("person"),
            organisation=data.get("organisation"),
        )
        return Response(PlanAgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class PlanStateSerializer(PlanSerializer):
    """A stale version's 409 shows the plan as it is now."""

    def get_versions(self, plan: SafetyPlan) -> list:
        request = self.context.get("request")
        return PlanVersionSerializer(versions_of(plan, getattr(request, "user", None))[:1], many=True).data


conflict_shape(SafetyPlan, PlanStateSerializer)
existing_shape(SafetyPlanVersion, PlanVersionSerializer)
existing_shape(PlanAgreement, PlanAgreementSerializer)
