"""REST API of the onderzoeken and destruction requests. Every case through `case_for` (need-to-know,
access log; CHANGE for a POST), every write through the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api import CaseScoped
from cases.investigations import services
from cases.investigations.selectors import DestructionRequest, destruction_requests_of, onderzoeken_of
from cases.investigations.serializers import (
    ACTION_DATE_FIELD,
    DestructionRequestSerializer,
    OnderzoekActionSerializer,
    OnderzoekSerializer,
)


@extend_schema_view(
    get=extend_schema(summary="Onderzoeken van Veilig Thuis en de Raad in een casus"),
    post=extend_schema(
        summary="Start of einde van een onderzoek vastleggen (alleen een betrokkene van die organisatie)",
        request=OnderzoekActionSerializer,
        responses={201: OnderzoekSerializer},
    ),
)
class InvestigationListCreate(CaseScoped, generics.ListAPIView):
    serializer_class = OnderzoekSerializer
    log_detail = "investigations"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        return onderzoeken_of(self.get_case())

    def post(self, request: Request, case_id: int) -> Response:
        serializer = OnderzoekActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        field = ACTION_DATE_FIELD[data["action"]]
        service = services.onderzoek_start if data["action"] == "start" else services.onderzoek_end
        case = self.get_case()
        event = service(actor=request.user, case=case, kind=data["kind"], **{field: data[field]})
        onderzoek = next(o for o in onderzoeken_of(case) if event.pk in (o.start.pk, o.end and o.end.pk))
        return Response(OnderzoekSerializer(onderzoek).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="Verzoeken tot vernietiging van een casus"),
    post=extend_schema(summary="Verzoek tot vernietiging registreren (start de termijn van drie maanden)"),
)
class DestructionRequestListCreate(CaseScoped, generics.ListCreateAPIView):
    serializer_class = DestructionRequestSerializer
    log_detail = "destruction-requests"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        return destruction_requests_of(self.get_case())

    def perform_create(self, serializer: DestructionRequestSerializer) -> None:
        case = self.get_case()
        person = case.persons.filter(pk=serializer.validated_data["person_id"]).first()
        if person is None:
            raise serializers.ValidationError({"requested_by": [str(services.DESTRUCTION_PERSON_NOT_OF_CASE)]})
        event = services.destruction_request_register(
            actor=self.request.user,
            case=case,
            requested_by=person,
            requested_on=serializer.validated_data["requested_on"],
        )
        serializer.instance = DestructionRequest(event=event, person_id=person.pk)
