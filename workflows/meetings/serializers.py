"""Serializers of the meeting API."""

from __future__ import annotations

from rest_framework import serializers

from workflows.meetings.models import Attendance, Meeting


class AgendaRowSerializer(serializers.Serializer):
    """One agenda item as the caller may see it: case and minutes only for a case they may see."""

    id = serializers.IntegerField(source="item.id")
    position = serializers.IntegerField(source="item.position")
    discussed_at = serializers.DateTimeField(source="item.discussed_at", allow_null=True)
    case = serializers.SerializerMethodField()
    minutes = serializers.SerializerMethodField()

    def get_case(self, row) -> int | None:
        return row.case.pk if row.case is not None else None

    def get_minutes(self, row) -> str | None:
        return row.item.minutes if row.case is not None else None


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["user", "organisation"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting in a list: no agenda (its cases and minutes are read through the detail only)."""

    attendances = AttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "team", "scheduled_at", "chair", "location", "attendances"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its agenda as `meeting_agenda` gives it: need-to-know applied, reads logged."""

    agenda_items = AgendaRowSerializer(many=True, read_only=True, source="agenda")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda_items"]
        read_only_fields = fields
