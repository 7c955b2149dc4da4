"""REST API of the lifecycle: one step of a case (to:<status>, crisis, resolve_crisis, reopen)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import CaseScoped
from cases.api_errors import BAD_REQUEST, CONFLICT, conflict_shape
from cases.models import Case
from workflows.lifecycle import services as lifecycle
from workflows.lifecycle.serializers import CaseStateSerializer, TransitionSerializer


class CaseTransition(CaseScoped, APIView):
    """A lifecycle step: to:<status>, crisis, resolve_crisis or reopen; refused with the reason."""

    log_detail = "status"

    @extend_schema(request=TransitionSerializer, responses={200: CaseStateSerializer, 400: BAD_REQUEST, 409: CONFLICT})
    def post(self, request: Request, case_id: int) -> Response:
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = self.get_case()
        lifecycle.case_step(
            actor=request.user,
            case=case,
            step=data["step"],
            reason=data["reason"],
            expected_version=data["version"],
            override_reason=data.get("override_reason", ""),
        )
        return Response(CaseStateSerializer(case).data)


conflict_shape(Case, CaseStateSerializer)
