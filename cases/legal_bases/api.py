"""REST API of the bases of sharing: the statutory list, a case's consents and their withdrawal.
Every case through `case_for` (need-to-know, access log; CHANGE for a POST)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api import CaseScoped
from cases.api_errors import BAD_REQUEST
from cases.legal_bases import services
from cases.legal_bases.selectors import consent_of, consents_of, legal_bases_active
from cases.legal_bases.serializers import ConsentSerializer, LegalBasisSerializer
from cases.models import Consent
from cases.serializers import ParticipantSerializer
from security.services import client_ip


@extend_schema_view(get=extend_schema(summary="Wettelijke grondslagen om uit te kiezen (in gebruik)"))
class LegalBasisList(generics.ListAPIView):
    serializer_class = LegalBasisSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        return legal_bases_active()


@extend_schema_view(get=extend_schema(summary="Toestemmingen in een casus"))
class ConsentList(CaseScoped, generics.ListAPIView):
    serializer_class = ConsentSerializer
    log_detail = "consents"
    pagination_class = None

    def get_queryset(self):
        return self.of_case(Consent, lambda case: consents_of(case, self.request.user))


@extend_schema(
    summary="Toestemming ingetrokken: beëindigt elke betrokkenheid die erop rust",
    request=None,
    responses={200: ParticipantSerializer(many=True), 400: BAD_REQUEST},
)
class ConsentWithdraw(CaseScoped, generics.GenericAPIView):
    serializer_class = ParticipantSerializer
    log_detail = "consent:withdraw"

    def post(self, request: Request, case_id: int, consent_id: int) -> Response:
        consent = consent_of(self.get_case(), consent_id)
        if consent is None:
            raise Http404("Toestemming niet gevonden")
        ended = services.consent_withdraw(actor=request.user, consent=consent, ip=client_ip(request))
        return Response(ParticipantSerializer(ended, many=True).data)
