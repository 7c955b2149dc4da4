"""Serializers of the assessment, intervention, condition, lifecycle and meeting API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    Assessment,
    CaseStatus,
    Classification,
    Dissent,
    Intervention,
    InterventionKind,
    JointJudgement,
    PartnerContribution,
    RiskLevel,
    Veiligheidsvoorwaarde,
)
from partners.models import Organisation, User
from workflows.meeting_models import Attendance, Meeting

SCORE_MESSAGE = "De veiligheidsscore moet een geheel getal van 0 tot en met 10 zijn."


def score_field() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=10, error_messages={
        "min_value": SCORE_MESSAGE, "max_value": SCORE_MESSAGE, "invalid": SCORE_MESSAGE})  # fmt: skip


class ContributionSerializer(serializers.ModelSerializer):
    safety_score = score_field()
    classification = serializers.ChoiceField(choices=Classification.choices)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False, allow_blank=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    author = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = PartnerContribution
        fields = ["id", "organisation", "author", "worries", "strengths", "must_happen", "safety_score",
                  "classification", "arij_outcome", "risk_level", "lirik_outcome", "recorded_at"]  # fmt: skip
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
        fields = ["id", "classification", "joint_score", "rationale", "parents_view", "children_view",
                  "parents_present", "children_present", "recorded_by", "recorded_at", "version",
                  "dissents"]  # fmt: skip
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


class InterventionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=InterventionKind.choices)
    responsible_organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    responsible_professional = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    agreed_by = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), many=True, required=False)

    class Meta:
        model = Intervention
        fields = ["id", "episode", "kind", "description", "responsible_organisation", "responsible_professional",
                  "start_date", "due_date", "status", "result", "started_at", "ended_at", "agreed_at", "agreed_by",
                  "version"]  # fmt: skip
        read_only_fields = ["id", "episode", "status", "result", "started_at", "ended_at", "agreed_at", "version"]

    def validate(self, attrs):
        if attrs["due_date"] < attrs["start_date"]:
            raise serializers.ValidationError({"due_date": "De einddatum kan niet vóór de startdatum liggen."})
        return attrs


class InterventionActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start", "complete", "stop"])
    result = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    version = serializers.IntegerField(min_value=1)


class ConditionSerializer(serializers.ModelSerializer):
    judgement = serializers.IntegerField(source="judgement_id", min_value=1, max_value=2**62)
    owner_organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())

    class Meta:
        model = Veiligheidsvoorwaarde
        fields = ["id", "judgement", "description", "owner_organisation", "owner", "check_date", "status",
                  "agreed_at", "checked_at", "version"]  # fmt: skip
        read_only_fields = ["id", "status", "agreed_at", "checked_at", "version"]


class ConditionCheckSerializer(serializers.Serializer):
    met = serializers.BooleanField()
    version = serializers.IntegerField(min_value=1)


class TransitionSerializer(serializers.Serializer):
    step = serializers.ChoiceField(
        choices=[*[f"to:{value}" for value in CaseStatus.values], "crisis", "resolve_crisis", "reopen"]
    )
    reason = serializers.CharField(max_length=500)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    version = serializers.IntegerField(min_value=1)


class CaseStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    crisis = serializers.BooleanField()
    episode = serializers.IntegerField()
    version = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


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
