"""REST API of the melder. Every case through `CaseScoped` (need-to-know, access log), the record
through the need-to-know selectors, every write through the services.

A Veilig Thuis participant gets the records; anyone else on the case gets their trace from the list
("dat, niet wat") and 404 on a record, as if it did not exist.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import IDEMPOTENCY_KEY, CaseScoped, submission_key_of
from cases.api_errors import ALREADY_RECORDED, BAD_REQUEST, CONFLICT, conflict_shape, existing_shape
from cases.reporters import services
from cases.reporters.models import Reporter
from cases.reporters.selectors import may_read_reporters, reporter_for, reporter_traces_of, reporters_readable_by
from cases.reporters.serializers import FeedbackSerializer, ReporterSerializer, ReporterTraceSerializer
from cases.versioning import VERSION_REQUIRED


@extend_schema_view(
    get=extend_schema(
        summary="Melder van een casus: de gegevens voor Veilig Thuis, anders alleen dat er een is",
        responses={200: ReporterSerializer(many=True)},
    ),
    post=extend_schema(
        summary="Melder vastleggen (alleen Veilig Thuis; opent de termijn voor de terugkoppeling)",
        request=ReporterSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ReporterSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    ),
)
class ReporterListCreate(CaseScoped, APIView):
    log_detail = "reporter"

    def get(self, request: Request, case_id: int) -> Response:
        case = self.get_case()
        if may_read_reporters(request.user, case):
            return Response(ReporterSerializer(reporters_readable_by(request.user, case), many=True).data)
        return Response(ReporterTraceSerializer(reporter_traces_of(request.user, case), many=True).data)

    def post(self, request: Request, case_id: int) -> Response:
        case = self.get_case()
        serializer = ReporterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        reporter = services.reporter_record(
            actor=request.user, case=case, submission_key=submission_key_of(request), **data
        )
        return Response(ReporterSerializer(reporter).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="Eén melder (alleen Veilig Thuis)"),
    put=extend_schema(
        summary="Melder wijzigen (met versie)", responses={200: ReporterSerializer, 400: BAD_REQUEST, 409: CONFLICT}
    ),
    patch=extend_schema(
        summary="Melder deels wijzigen (met versie)",
        responses={200: ReporterSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    ),
)
class ReporterDetail(CaseScoped, generics.RetrieveUpdateAPIView):
    serializer_class = ReporterSerializer
    log_detail = "reporter"

    def get_object(self) -> Reporter:
        case = self.get_case()
        reporter = reporter_for(self.request.user, case, self.kwargs["reporter_id"])
        reporter.case = case
        return reporter

    def update(self, request: Request, *args, **kwargs) -> Response:
        reporter = self.get_object()
        serializer = self.get_serializer(reporter, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            raise serializers.ValidationError({"version": [str(VERSION_REQUIRED)]})
        expected = data.pop("version")
        services.reporter_change(actor=request.user, reporter=reporter, expected_version=expected, **data)
        return Response(ReporterSerializer(reporter).data)


class ReporterFeedback(CaseScoped, APIView):
    """Record the feedback to the melder (alleen Veilig Thuis; with the version last seen)."""

    log_detail = "reporter:feedback"

    @extend_schema(
        summary="Terugkoppeling aan de melder vastleggen (sluit de termijn)",
        request=FeedbackSerializer,
        responses={200: ReporterSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def post(self, request: Request, case_id: int, reporter_id: int) -> Response:
        case = self.get_case()
        reporter = reporter_for(request.user, case, reporter_id)
        reporter.case = case
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.reporter_feedback_record(
            actor=request.user,
            reporter=reporter,
            expected_version=data["version"],
            outcome=data["outcome"],
            given_on=data["given_on"],
            how=data["how"],
            summary=data["summary"],
        )
        return Response(ReporterSerializer(reporter).data)


conflict_shape(Reporter, ReporterSerializer)
existing_shape(Reporter, ReporterSerializer)
