"""Serializers of the intervention API."""

from __future__ import annotations

from rest_framework import serializers

from cases.api_input import AsciiIntegerField, AsciiPrimaryKeyRelatedField, BoundedDateField
from cases.interventions.models import Intervention, InterventionKind
from cases.interventions.services import DUE_BEFORE_START
from partners.models import Organisation, User


class InterventionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=InterventionKind.choices)
    responsible_organisation = AsciiPrimaryKeyRelatedField(queryset=Organisation.objects.all())
    responsible_professional = AsciiPrimaryKeyRelatedField(queryset=User.objects.all())
    agreed_by = AsciiPrimaryKeyRelatedField(queryset=Organisation.objects.all(), many=True, required=False)
    start_date = BoundedDateField(label=Intervention._meta.get_field("start_date").verbose_name)
    due_date = BoundedDateField(label=Intervention._meta.get_field("due_date").verbose_name)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "episode",
            "kind",
            "description",
            "responsible_organisation",
            "responsible_professional",
            "start_date",
            "due_date",
            "status",
            "result",
            "started_at",
            "ended_at",
            "agreed_at",
            "agreed_by",
            "version",
        ]
        read_only_fields = ["id", "episode", "status", "result", "started_at", "ended_at", "agreed_at", "version"]

    def validate(self, attrs):
        if attrs["due_date"] < attrs["start_date"]:
            raise serializers.ValidationError({"due_date": DUE_BEFORE_START})
        return attrs


class InterventionActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start", "complete", "stop"])
    result = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    version = AsciiIntegerField(min_value=1)
