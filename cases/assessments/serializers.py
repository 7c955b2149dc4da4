"""Serializers of the assessment and veiligheidsvoorwaarde API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api_input import AsciiIntegerField, AsciiPrimaryKeyRelatedField, BoundedDateField
from cases.assessments.models import (
    CONTRIBUTION_CONTENT_FIELDS,
    JUDGEMENT_CONTENT_FIELDS,
    Agreement,
    Assessment,
    Classification,
    Dissent,
    JointJudgement,
    JointJudgementVersion,
    PartnerContribution,
    PartnerContributionVersion,
    RiskLevel,
    Veiligheidsvoorwaarde,
)
from cases.assessments.services import SCORE_OUT_OF_RANGE, SCORE_RANGE
from cases.confidentiality import CLASS_UNKNOWN
from cases.models import Confidentiality
from partners.models import Organisation, User


def score_field(**kwargs) -> serializers.IntegerField:
    return AsciiIntegerField(
        min_value=SCORE_RANGE.start,
        max_value=SCORE_RANGE.stop - 1,
        error_messages=dict.fromkeys(("min_value", "max_value", "invalid"), SCORE_OUT_OF_RANGE),
        **kwargs,
    )


def confidentiality_field(**kwargs) -> serializers.ChoiceField:
    """Who reads the content: gedeeld (default), eigen_organisatie, melder (Veilig Thuis only)."""
    return serializers.ChoiceField(
        choices=Confidentiality.choices, error_messages={"invalid_choice": CLASS_UNKNOWN}, **kwargs
    )


class Readable(serializers.Serializer):
    """`readable`: whether the caller may read the content; where not, every content field is null
    ("dat, niet wat": who, when and which organisation stay)."""

    readable = serializers.SerializerMethodField()

    def get_readable(self, obj) -> bool:
        return bool(getattr(obj, "readable", False))


class ContributionSerializer(Readable, serializers.ModelSerializer):
    safety_score = score_field()
    classification = serializers.ChoiceField(choices=Classification.choices)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False, allow_blank=True)
    confidentiality = confidentiality_field(required=False, default=Confidentiality.GEDEELD)
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
            "confidentiality",
            "readable",
            "recorded_at",
        ]
        read_only_fields = ["id", "organisation", "author", "recorded_at", "readable"]


class ContributionVersionSerializer(Readable, serializers.ModelSerializer):
    class Meta:
        model = PartnerContributionVersion
        fields = ["number", *CONTRIBUTION_CONTENT_FIELDS, "readable", "recorded_by", "recorded_at", "reason"]
        read_only_fields = fields


class ContributionWithVersionsSerializer(ContributionSerializer):
    """A contribution with every version: the original and the author's corrections."""

    versions = ContributionVersionSerializer(many=True, read_only=True)

    class Meta(ContributionSerializer.Meta):
        fields = [*ContributionSerializer.Meta.fields, "version", "versions"]
        read_only_fields = [*ContributionSerializer.Meta.read_only_fields, "version", "versions"]


class ContributionCorrectionSerializer(serializers.Serializer):
    """A correction: the content as it should be (fields left out stay as they are), what and why,
    and the version the author read."""

    worries = serializers.CharField(required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    must_happen = serializers.CharField(required=False, allow_blank=True)
    safety_score = score_field(required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    arij_outcome = serializers.CharField(required=False, allow_blank=True, max_length=200)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False, allow_blank=True)
    lirik_outcome = serializers.CharField(required=False, allow_blank=True, max_length=200)
    confidentiality = confidentiality_field(required=False)
    reason = serializers.CharField()
    version = AsciiIntegerField(min_value=1)


class DissentSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Dissent
        fields = ["id", "organisation", "recorded_by", "reason", "recorded_at", "version"]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "organisation", "recorded_by", "recorded_at", "version"]
        read_only_fields = fields


class StandpointSerializer(serializers.Serializer):
    """A standpoint is about the version the partner read (`version`); a dissent gives its reason."""

    version = AsciiIntegerField(min_value=1)


class DissentCreateSerializer(StandpointSerializer):
    reason = serializers.CharField()


class JudgementVersionSerializer(Readable, serializers.ModelSerializer):
    class Meta:
        model = JointJudgementVersion
        fields = ["number", *JUDGEMENT_CONTENT_FIELDS, "readable", "recorded_by", "recorded_at", "reason"]
        read_only_fields = fields


class JudgementSerializer(Readable, serializers.ModelSerializer):
    """The joint judgement: classification, score and presence are the team's decision, seen by all on
    the case; the texts (`rationale`, `parents_view`, `children_view`) are null for a caller without
    the class. `organisation`: the one its recorder worked for."""

    joint_score = score_field()
    classification = serializers.ChoiceField(choices=Classification.choices)
    confidentiality = confidentiality_field(required=False, default=Confidentiality.GEDEELD)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
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
            "confidentiality",
            "organisation",
            "readable",
            "recorded_by",
            "recorded_at",
            "version",
            "dissents",
        ]
        read_only_fields = ["id", "organisation", "readable", "recorded_by", "recorded_at", "version", "dissents"]


class JudgementWithVersionsSerializer(JudgementSerializer):
    """The joint judgement as it is in force, every version, and the standpoints on every version."""

    versions = JudgementVersionSerializer(many=True, read_only=True)
    agreements = AgreementSerializer(many=True, read_only=True)

    class Meta(JudgementSerializer.Meta):
        fields = [*JudgementSerializer.Meta.fields, "versions", "agreements"]
        read_only_fields = [*JudgementSerializer.Meta.read_only_fields, "versions", "agreements"]


class JudgementAmendmentSerializer(serializers.Serializer):
    """An amendment: the content as it should be (fields left out stay as they are), the reason, and
    the version the amender read."""

    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    joint_score = score_field(required=False)
    rationale = serializers.CharField(required=False)
    parents_view = serializers.CharField(required=False, allow_blank=True)
    children_view = serializers.CharField(required=False, allow_blank=True)
    parents_present = serializers.BooleanField(required=False)
    children_present = serializers.BooleanField(required=False)
    confidentiality = confidentiality_field(required=False)
    reason = serializers.CharField()
    version = AsciiIntegerField(min_value=1)


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
