"""REST API of agreed interventions. Every case through `case_for` (need-to-know, access log),
every intervention within that case, every write through the services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import IDEMPOTENCY_KEY, CaseScoped, submission_key_of
from cases.api_errors import ALREADY_RECORDED, BAD_REQUEST, CONFLICT, conflict_shape, existing_shape
from cases.interventions import services as intervention_services
from cases.interventions.models import Intervention
from cases.interventions.selectors import interventions_of
from cases.interventions.serializers import InterventionActionSerializer, InterventionSerializer


@extend_schema_view(
    post=extend_schema(
        parameters=[IDEMPOTENCY_KEY], responses={201: InterventionSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED}
    )
)
class InterventionListCreate(CaseScoped, generics.ListCreateAPIView):
    """Agreed interventions of the case; POST agrees one (needs a completed joint judgement)."""

    serializer_class = InterventionSerializer
    log_detail = "interventions"

    def get_queryset(self):
        return self.of_case(Intervention, lambda case: interventions_of(case).order_by("due_date", "id"))

    def perform_create(self, serializer: InterventionSerializer) -> None:
        serializer.instance = intervention_services.intervention_agree(
            actor=self.request.user,
            case=self.get_case(),
            submission_key=submission_key_of(self.request),
            **serializer.validated_data,
        )


class InterventionDetail(CaseScoped, generics.RetrieveAPIView):
    serializer_class = InterventionSerializer
    log_detail = "intervention"

    def get_object(self) -> Intervention:
        return get_object_or_404(interventions_of(self.get_case()), pk=self.kwargs["intervention_id"])


class InterventionStatus(CaseScoped, APIView):
    """Start, complete or stop an intervention (with the version the caller last saw)."""

    log_detail = "intervention"

    @extend_schema(
        request=InterventionActionSerializer, responses={200: InterventionSerializer, 400: BAD_REQUEST, 409: CONFLICT}
    )
    def post(self, request: Request, case_id: int, intervention_id: int) -> Response:
        intervention = get_object_or_404(Intervention, case=self.get_case(), pk=intervention_id)
        serializer = InterventionActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        intervention_services.intervention_move(
            action=data["action"],
            actor=request.user,
            intervention=intervention,
            expected_version=data["version"],
            result=data.get("result", ""),
        )
        return Response(InterventionSerializer(intervention).data)


conflict_shape(Intervention, InterventionSerializer)
existing_shape(Intervention, InterventionSerializer)
