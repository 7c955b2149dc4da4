"""Serializers of the bases of sharing (read only: a consent is given with a participation)."""

from __future__ import annotations

from rest_framework import serializers

from cases.models import Consent, LegalBasis


class LegalBasisSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = ("id", "code", "title", "article", "active")
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    given_by_label = serializers.CharField(source="get_given_by_display", read_only=True)

    class Meta:
        model = Consent
        fields = (
            "id",
            "case",
            "given_by",
            "given_by_label",
            "person",
            "given_on",
            "scope",
            "recorded_at",
            "withdrawn_at",
        )
        read_only_fields = fields
