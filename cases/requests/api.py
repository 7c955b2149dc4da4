"""REST API of the family's requests. Every case through the one door (`CaseScoped`: need-to-know,
access log) before any input is read; every write through the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api import CaseScoped
from cases.api_errors import conflict_shape, existing_shape
from cases.requests import services
from cases.requests.models import FamilyRequest
from cases.requests.selectors import request_of, requests_of
from cases.requests.serializers import FamilyRequestDecisionSerializer, FamilyRequestSerializer


@extend_schema_view(
    get=extend_schema(summary="Verzoeken van het gezin in een casus"),
    post=extend_schema(summary="Verzoek van het gezin registreren (start de termijn)"),
)
class FamilyRequestListCreate(CaseScoped, generics.ListCreateAPIView):
    serializer_class = FamilyRequestSerializer
    log_detail = "family-requests"

    def get_queryset(self):
        return self.of_case(FamilyRequest, requests_of)

    def perform_create(self, serializer: FamilyRequestSerializer) -> None:
        case = self.get_case()
        data = serializer.validated_data
        person = None
        if data.get("person_id") is not None:
            person = case.persons.filter(pk=data["person_id"]).first()
            if person is None:
                raise serializers.ValidationError({"person_id": [str(services.REQUEST_PERSON_NOT_OF_CASE)]})
        serializer.instance = services.family_request_register(
            actor=self.request.user,
            case=case,
            kind=data["kind"],
            person=person,
            requester_name=data.get("requester_name", ""),
            relation=data["relation"],
            identity_check=data["identity_check"],
            received_on=data["received_on"],
            text=data.get("text", ""),
        )


@extend_schema_view(get=extend_schema(summary="Eén verzoek van het gezin"))
class FamilyRequestDetail(CaseScoped, generics.RetrieveAPIView):
    serializer_class = FamilyRequestSerializer
    log_detail = "family-request"

    def get_object(self) -> FamilyRequest:
        return request_of(self.get_case(), self.kwargs["request_id"])


class FamilyRequestDecide(CaseScoped, generics.GenericAPIView):
    serializer_class = FamilyRequestDecisionSerializer
    log_detail = "family-request:decide"

    @extend_schema(
        summary="Besluiten op een verzoek van het gezin (met versie; sluit de termijn)",
        request=FamilyRequestDecisionSerializer,
        responses={200: FamilyRequestSerializer},
    )
    def post(self, request: Request, case_id: int, request_id: int) -> Response:
        item = request_of(self.get_case(), request_id)
        serializer = FamilyRequestDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.family_request_decide(
            actor=request.user,
            request=item,
            decision=data["decision"],
            refusal_ground=data.get("refusal_ground", ""),
            decision_reason=data["decision_reason"],
            expected_version=data["version"],
        )
        return Response(FamilyRequestSerializer(item).data, status=status.HTTP_200_OK)


conflict_shape(FamilyRequest, FamilyRequestSerializer)
existing_shape(FamilyRequest, FamilyRequestSerializer)
