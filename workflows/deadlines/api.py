"""API: /api/v1/deadlines/ and /api/v1/notifications/, within need-to-know."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import log_search
from security.services import client_ip
from workflows.deadlines.inbox import notifications_mark_read
from workflows.deadlines.models import Deadline, DeadlineState, Notification
from workflows.deadlines.selectors import deadlines_filtered, notifications_of


class DeadlineSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    responsible_organisation = serializers.CharField(
        source="responsible_organisation.name", default=None, read_only=True
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "case",
            "case_reference",
            "rule_code",
            "name",
            "subject",
            "started_at",
            "due_at",
            "latest_due_at",
            "statutory",
            "state",
            "closed_at",
            "overdue",
            "responsible_organisation",
            "responsible_user",
        ]

    def get_overdue(self, obj: Deadline) -> bool:
        return obj.is_overdue()


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


def _when(request, name):
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise ValidationError({name: "Gebruik ISO 8601, bijvoorbeeld 2026-05-01T00:00:00+02:00."})
    return value


@extend_schema(
    parameters=[
        OpenApiParameter("case", OpenApiTypes.INT),
        OpenApiParameter("state", OpenApiTypes.STR, enum=[*DeadlineState.values, "overdue"]),
        OpenApiParameter("due_from", OpenApiTypes.DATETIME),
        OpenApiParameter("due_to", OpenApiTypes.DATETIME),
    ]
)
class DeadlineList(generics.ListAPIView):
    serializer_class = DeadlineSerializer

    def get_queryset(self):
        params = self.request.query_params
        state = params.get("state") or None
        if state and state not in [*DeadlineState.values, "overdue"]:
            raise ValidationError({"state": "Onbekende status."})
        case = params.get("case")
        if case is not None and not case.isdigit():
            raise ValidationError({"case": "Geef een casusnummer (id)."})
        log_search(self.request.user, ip=client_ip(self.request), detail="api deadlines")
        return deadlines_filtered(
            self.request.user,
            case_id=int(case) if case else None,
            state=state,
            due_from=_when(self.request, "due_from"),
            due_to=_when(self.request, "due_to"),
        )


class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return notifications_of(self.request.user)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class MarkReadResult(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationMarkRead(APIView):
    # JSON only: a form field "ids=0" is not a list, and guessing would accept what the schema refuses.
    parser_classes = [JSONParser]

    @extend_schema(request=MarkReadSerializer, responses=MarkReadResult)
    def post(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, notification_ids=data.validated_data.get("ids"))
        return Response({"marked": marked})
