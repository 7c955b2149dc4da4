"""Serializers of the lifecycle API."""

from __future__ import annotations

from rest_framework import serializers

from cases.api_input import AsciiIntegerField
from cases.models import CaseStatus


class TransitionSerializer(serializers.Serializer):
    step = serializers.ChoiceField(
        choices=[*[f"to:{value}" for value in CaseStatus.values], "crisis", "resolve_crisis", "reopen"]
    )
    reason = serializers.CharField(max_length=500)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    version = AsciiIntegerField(min_value=1)


class CaseStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    crisis = serializers.BooleanField()
    episode = serializers.IntegerField()
    version = serializers.IntegerField()
