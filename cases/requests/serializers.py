"""API shapes of the family's requests; the rules are in the services."""

from __future__ import annotations

from rest_framework import serializers

from cases.requests.models import (
    FamilyRequest,
    IdentityCheck,
    RefusalGround,
    RequestDecision,
    RequesterRelation,
    RequestKind,
)


class FamilyRequestSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField(allow_null=True, required=False)
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    relation = serializers.ChoiceField(choices=RequesterRelation.choices)
    identity_check = serializers.ChoiceField(choices=IdentityCheck.choices)
    requester_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    text = serializers.CharField(max_length=10000, required=False, allow_blank=True)

    class Meta:
        model = FamilyRequest
        fields = [
            "id",
            "kind",
            "person_id",
            "requester_name",
            "relation",
            "identity_check",
            "received_on",
            "text",
            "registered_at",
            "extended_at",
            "extension_reason",
            "decision",
            "refusal_ground",
            "decision_reason",
            "decided_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "registered_at",
            "extended_at",
            "extension_reason",
            "decision",
            "refusal_ground",
            "decision_reason",
            "decided_at",
            "version",
        ]


class FamilyRequestDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=RequestDecision.choices)
    refusal_ground = serializers.ChoiceField(choices=RefusalGround.choices, required=False, allow_blank=True)
    decision_reason = serializers.CharField(max_length=5000, allow_blank=True)
