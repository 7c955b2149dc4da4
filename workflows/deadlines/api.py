"""API: /api/v1/deadlines/ and /api/v1/notifications/, within need-to-know."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api_input import AsciiIntegerField, BoundedDateTimeField
from cases.selectors import log_search
from security.api import BoundedJSONParser
from security.digits import BIGINT_MAX
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
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


MOMENT_FORMAT = _("Gebruik ISO 8601, bijvoorbeeld 2026-05-01T00:00:00+02:00.")


def _moment_field() -> BoundedDateTimeField:
    return BoundedDateTimeField(required=False, error_messages={"invalid": MOMENT_FORMAT})


class DeadlineFilterSerializer(serializers.Serializer):
    """The list's query parameters: a malformed one is a 400 naming it, never a 500 or ignored."""

    case = AsciiIntegerField(
        required=False, min_value=1, max_value=BIGINT_MAX, error_messages={"invalid": _("Geef een casusnummer (id).")}
    )
    state = serializers.ChoiceField(
        choices=[*DeadlineState.values, "overdue"],
        required=False,
        error_messages={"invalid_choice": _("Onbekende status."), "blank": _("Onbekende status.")},
    )
    due_from = _moment_field()
    due_to = _moment_field()


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
        # A plain dict: with a QueryDict DRF would treat "case=" as absent instead of invalid.
        filters = DeadlineFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        log_search(self.request.user, ip=client_ip(self.request), detail="api deadlines")
        return deadlines_filtered(
            self.request.user,
            case_id=params.get("case"),
            state=params.get("state"),
            due_from=params.get("due_from"),
            due_to=params.get("due_to"),
        )


class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return notifications_of(self.request.user)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=AsciiIntegerField(min_value=1, max_value=BIGINT_MAX), required=False, max_length=1000
    )


class MarkReadResult(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationMarkRead(APIView):
    # JSON only: a form field "ids=0" is not a list, and guessing would accept what the schema refuses.
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=MarkReadSerializer, responses=MarkReadResult)
    def post(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, notification_ids=data.validated_data.get("ids"))
        return Response({"marked": marked})
