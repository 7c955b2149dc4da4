"""The evaluators' API: suppressed aggregates and their own export jobs. Nothing else answers them."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListCreateAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import actor_for
from metrics.access import IsEvaluator
from metrics.exports import filters_json, log_export
from metrics.forms import NOT_AN_OBJECT, ExportForm, FilterForm, ReleaseForm
from metrics.models import ExportJob
from metrics.releases import release_publish, releases_for
from metrics.report import as_json, published_tables
from metrics.selectors import export_job_for, export_jobs_of
from metrics.services import export_job_create
from metrics.views import job_error, job_status
from security.api import MethodCheckedFirst
from security.services import client_ip


class MetricsView(MethodCheckedFirst, APIView):
    """GET /api/v1/metrics/?date_from=&date_to=&granularity=&team=&municipality= — suppressed tables."""

    permission_classes = [IsEvaluator]

    @extend_schema(summary="Kerncijfers (met celonderdrukking)", responses={200: dict})
    def get(self, request: Request) -> Response:
        form = FilterForm(request.query_params or None)
        if not form.is_valid():
            return Response(form.errors, status=400)
        filters = form.filters()
        payload = {"filters": filters_json(filters), "tables": as_json(published_tables(filters))}
        log_export(actor_for(request.user, ip=client_ip(request)), kind="api-aggregates", fmt="json", filters=filters)
        return Response(payload)


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "format",
            "params",
            "status",
            "progress",
            "rows",
            "created_at",
            "expires_at",
            "download_url",
            "error",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        return job_status(job)["download_url"]

    def get_error(self, job) -> str | None:
        """Why a failed job failed, for the requester; null otherwise."""
        return job_error(job)


class ExportListCreateView(MethodCheckedFirst, ListCreateAPIView):
    """List the caller's own export jobs, or start one (kind, format and the filters)."""

    permission_classes = [IsEvaluator]
    serializer_class = ExportJobSerializer

    def get_queryset(self):
        return export_jobs_of(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not isinstance(request.data, Mapping):  # a JSON list, string or number: not the fields
            return Response({"non_field_errors": [str(NOT_AN_OBJECT)]}, status=400)
        form = ExportForm(request.data)
        if not form.is_valid():
            return Response(form.errors, status=400)
        job = export_job_create(
            requester=request.user,
            kind=form.cleaned_data["kind"],
            fmt=form.cleaned_data["format"],
            filters=form.filters(),
        )
        return Response(ExportJobSerializer(job).data, status=201)


class ExportDetailView(MethodCheckedFirst, RetrieveAPIView):
    permission_classes = [IsEvaluator]
    serializer_class = ExportJobSerializer

    def get_object(self):
        return export_job_for(self.request.user, self.kwargs["job_id"])


def release_json(release) -> dict:
    return {
        "id": release.pk,
        "period": release.label,
        "period_start": release.period_start.isoformat(),
        "period_end": release.period_end.isoformat(),
        "version": release.version,
        "published_at": release.published_at.isoformat(),
        "published_by": release.published_by.username,
        "changelog": release.changelog,
        "csv_sha256": release.csv_sha256,
        "json_sha256": release.json_sha256,
        "csv_url": reverse("metrics-release-download", args=[release.pk, "csv"]),
        "json_url": reverse("metrics-release-download", args=[release.pk, "json"]),
    }


@method_decorator(transaction.non_atomic_requests, name="dispatch")  # publishing takes its own snapshot
class ReleaseListCreateView(MethodCheckedFirst, APIView):
    """GET: every published quarter and version. POST {year, quarter, changelog}: publish a quarter;
    201 with a new version, 200 with the existing one when its figures are unchanged (a repeat)."""

    permission_classes = [IsEvaluator]

    @extend_schema(summary="Publicaties van de kerncijfers", responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response([release_json(r) for r in releases_for(request.user)])

    @extend_schema(summary="Een kwartaal publiceren", request=dict, responses={200: dict, 201: dict})
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, Mapping):
            return Response({"non_field_errors": [str(NOT_AN_OBJECT)]}, status=400)
        form = ReleaseForm(request.data)
        if not form.is_valid():
            return Response(form.errors, status=400)
        try:
            release, created = release_publish(
                actor=actor_for(request.user, ip=client_ip(request)),
                user=request.user,
                year=form.cleaned_data["year"],
                quarter=int(form.cleaned_data["quarter"]),
                changelog=form.cleaned_data["changelog"],
            )
        except ValidationError as error:
            return Response(error.message_dict, status=400)
        return Response(release_json(release), status=201 if created else 200)
