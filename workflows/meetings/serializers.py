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

    snapshot = serializers.SerializerMethodField()

    def get_snapshot(self, row) -> dict | None:
        """The case as frozen when the meeting closed (schema in its `schema` key); null while open."""
        return row.item.snapshot if row.case is not None else None


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
        fields = ["id", "team", "scheduled_at", "chair", "location", "attendances", "version", "closed_at", "closed_by"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its agenda as `meeting_agenda` gives it: need-to-know applied, reads logged."""

    agenda_items = AgendaRowSerializer(many=True, read_only=True, source="agenda")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda_items"]
        read_only_fields = fields


class MeetingCloseSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="De versie van het overleg zoals u het las.")


class AgendaItemMinutesSerializer(serializers.Serializer):
    """The minutes of one agenda case; writing them needs the version read."""

    id = serializers.IntegerField(read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True)
    minutes = serializers.CharField(max_length=20000, allow_blank=True, trim_whitespace=False)
    version = serializers.IntegerField()
    discussed_at = serializers.DateTimeField(read_only=True, allow_null=True)
