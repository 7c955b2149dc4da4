"""Serializers of the assessment and veiligheidsvoorwaarde API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api_input import AsciiIntegerField, AsciiPrimaryKeyRelatedField, BoundedDateField
from cases.assessments.models import (
    Assessment,
    Classification,
    Dissent,
    JointJudgement,
    PartnerContribution,
    RiskLevel,
    Veiligheidsvoorwaarde,
)
from cases.assessments.services import SCORE_OUT_OF_RANGE, SCORE_RANGE
from partners.models import Organisation, User


def score_field() -> serializers.IntegerField:
    return AsciiIntegerField(
        min_value=SCORE_RANGE.start,
        max_value=SCORE_RANGE.stop - 1,
        error_messages=dict.fromkeys(("min_value", "max_value", "invalid"), SCORE_OUT_OF_RANGE),
    )


class ContributionSerializer(serializers.ModelSerializer):
    safety_score = score_field()
    classification = serializers.ChoiceField(choices=Classification.choices)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False, allow_blank=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    author = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = PartnerContribution
        fields = [
            "id",
            "organisation",
            "author",
            "worries",
            "strengths",
            "must_happen",
            "safety_score",
            "classification",
            "arij_outcome",
            "risk_level",
            "lirik_outcome",
            "recorded_at",
        ]
        read_only_fields = ["id", "organisation", "author", "recorded_at"]


class DissentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dissent
        fields = ["id", "organisation", "recorded_by", "reason", "recorded_at"]
        read_only_fields = fields


class JudgementSerializer(serializers.ModelSerializer):
    joint_score = score_field()
    classification = serializers.ChoiceField(choices=Classification.choices)
    dissents = DissentSerializer(many=True, read_only=True)

    class Meta:
        model = JointJudgement
        fields = [
            "id",
            "classification",
            "joint_score",
            "rationale",
            "parents_view",
            "children_view",
            "parents_present",
            "children_present",
            "recorded_by",
            "recorded_at",
            "version",
            "dissents",
        ]
        read_only_fields = ["id", "recorded_by", "recorded_at", "version", "dissents"]


class AssessmentSerializer(serializers.ModelSerializer):
    contributions = ContributionSerializer(many=True, read_only=True)
    judgement = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = ["id", "episode", "started_at", "contributions", "judgement"]
        read_only_fields = fields

    @extend_schema_field(JudgementSerializer(allow_null=True))
    def get_judgement(self, obj) -> dict | None:
        judgement = getattr(obj, "judgement", None)
        return JudgementSerializer(judgement).data if judgement is not None else None


class ConditionSerializer(serializers.ModelSerializer):
    judgement = AsciiIntegerField(source="judgement_id", min_value=1, max_value=2**62)
    owner_organisation = AsciiPrimaryKeyRelatedField(queryset=Organisation.objects.all())
    owner = AsciiPrimaryKeyRelatedField(queryset=User.objects.all())
    check_date = BoundedDateField(label=Veiligheidsvoorwaarde._meta.get_field("check_date").verbose_name)

    class Meta:
        model = Veiligheidsvoorwaarde
        fields = [
            "id",
            "judgement",
            "description",
            "owner_organisation",
            "owner",
            "check_date",
            "status",
            "agreed_at",
            "checked_at",
            "version",
        ]
        read_only_fields = ["id", "status", "agreed_at", "checked_at", "version"]


class ConditionCheckSerializer(serializers.Serializer):
    met = serializers.BooleanField()
    version = AsciiIntegerField(min_value=1)
