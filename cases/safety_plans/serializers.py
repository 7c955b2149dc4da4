"""Serializers of the veiligheidsplan API. Input rules are the services' (the same messages)."""

from __future__ import annotations

from rest_framework import serializers

from cases.api_input import AsciiIntegerField, AsciiPrimaryKeyRelatedField, BoundedDateField
from cases.assessments.models import Veiligheidsvoorwaarde
from cases.interventions.models import Intervention
from cases.models import Person
from cases.record_reads import readable_persons
from cases.safety_plans import services
from cases.safety_plans.models import AgreementWay, NetworkCommitment, PlanAgreement, SafetyPlan, SafetyPlanVersion
from cases.safety_plans.selectors import is_agreed
from partners.models import Organisation

LIMIT = services.MAX_ITEMS


class ScaleField(AsciiIntegerField):
    default_error_messages = dict.fromkeys(
        ("invalid", "min_value", "max_value", "max_string_length"), services.SCALE_OUT_OF_RANGE
    )

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=10, **kwargs)


class GoalSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, error_messages={"blank": services.GOAL_EMPTY})
    scale = ScaleField()


class WarningSignSerializer(serializers.Serializer):
    sign = serializers.CharField(max_length=2000, error_messages={"blank": services.WARNING_SIGN_INCOMPLETE})
    action = serializers.CharField(max_length=2000, error_messages={"blank": services.WARNING_SIGN_INCOMPLETE})


class CommitmentSerializer(serializers.Serializer):
    person = AsciiPrimaryKeyRelatedField(queryset=Person.objects.all())
    commitment = serializers.CharField(max_length=2000, error_messages={"blank": services.COMMITMENT_EMPTY})


class CommitmentOutSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()

    class Meta:
        model = NetworkCommitment
        fields = ["person", "person_name", "commitment"]

    def get_person_name(self, obj) -> str | None:
        """The name where the reader may read the person's details (cases.confidentiality); else None."""
        return obj.person.shown_full_name if getattr(obj.person, "readable", False) else None


class PlanAgreementSerializer(serializers.ModelSerializer):
    person = AsciiPrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    organisation = AsciiPrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    agreed_on = BoundedDateField()
    way = serializers.ChoiceField(
        choices=AgreementWay.choices, error_messages={"invalid_choice": services.AGREEMENT_WAY_INVALID}
    )

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:  # a person whose details the caller may not read is unknown, as on the form
            self.fields["person"].queryset = readable_persons(user, Person.objects.filter(case=case))

    class Meta:
        model = PlanAgreement
        fields = ["id", "person", "organisation", "agreed_on", "way", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]


class PlanVersionSerializer(serializers.ModelSerializer):
    commitments = CommitmentOutSerializer(many=True, read_only=True)
    agreements = PlanAgreementSerializer(many=True, read_only=True)
    conditions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    interventions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    agreed = serializers.SerializerMethodField()

    class Meta:
        model = SafetyPlanVersion
        fields = [
            "number",
            "danger_statements",
            "safety_goals",
            "commitments",
            "warning_signs",
            "monitoring",
            "evaluation_on",
            "conditions",
            "interventions",
            "reason",
            "recorded_by",
            "organisation",
            "recorded_at",
            "agreements",
            "agreed",
        ]
        read_only_fields = fields

    def get_agreed(self, version: SafetyPlanVersion) -> bool:
        return is_agreed(version)


class PlanSerializer(serializers.ModelSerializer):
    versions = serializers.SerializerMethodField()

    class Meta:
        model = SafetyPlan
        fields = ["id", "episode", "version", "evaluation_on", "versions"]

    def get_versions(self, plan: SafetyPlan) -> list:
        return PlanVersionSerializer(self.context.get("versions", []), many=True).data


class PlanVersionCreateSerializer(serializers.Serializer):
    expected_version = AsciiIntegerField(min_value=0)
    danger_statements = serializers.ListField(
        child=serializers.CharField(max_length=2000, error_messages={"blank": services.DANGER_STATEMENT_EMPTY}),
        max_length=LIMIT,
        allow_empty=False,
        error_messages={"empty": services.DANGER_STATEMENT_REQUIRED},
    )
    safety_goals = GoalSerializer(many=True, max_length=LIMIT, allow_empty=False)
    commitments = CommitmentSerializer(many=True, max_length=LIMIT, allow_empty=False)
    warning_signs = WarningSignSerializer(many=True, max_length=LIMIT, required=False)
    monitoring = serializers.CharField(max_length=5000, error_messages={"blank": services.MONITORING_REQUIRED})
    evaluation_on = BoundedDateField()
    conditions = AsciiPrimaryKeyRelatedField(queryset=Veiligheidsvoorwaarde.objects.all(), many=True, required=False)
    interventions = AsciiPrimaryKeyRelatedField(queryset=Intervention.objects.all(), many=True, required=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:  # ids of another case, or of a person the caller may not read, are unknown here
            persons = readable_persons(user, Person.objects.filter(case=case))
            self.fields["commitments"].child.fields["person"].queryset = persons
            self.fields["conditions"].child_relation.queryset = Veiligheidsvoorwaarde.objects.filter(case=case)
            self.fields["interventions"].child_relation.queryset = Intervention.objects.filter(case=case)

    def to_service(self) -> dict:
        data = dict(self.validated_data)
        data["commitments"] = [services.Commitment(c["person"], c["commitment"]) for c in data["commitments"]]
        data["safety_goals"] = [dict(goal) for goal in data["safety_goals"]]
        data["warning_signs"] = [dict(sign) for sign in data.get("warning_signs", [])]
        return data
