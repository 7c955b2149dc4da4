"""API shapes of the melder: the whole record for Veilig Thuis, its trace ("dat, niet wat") for
anyone else on the case. Input is checked here; the rules live in the services."""

from __future__ import annotations

from rest_framework import serializers

from cases.api_input import AsciiIntegerField, BoundedDateField
from cases.reporters.models import FeedbackOutcome, Reporter, ReporterKind
from cases.reporters.services import REPORTER_FIELDS


class ReporterSerializer(serializers.ModelSerializer):
    """The melder's record, for a Veilig Thuis participant of the case only."""

    kind = serializers.ChoiceField(choices=ReporterKind.choices)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    version = AsciiIntegerField(min_value=1, required=False)

    class Meta:
        model = Reporter
        fields = [
            "id",
            "episode",
            *REPORTER_FIELDS,
            "feedback_outcome",
            "feedback_on",
            "feedback_how",
            "feedback_summary",
            "feedback_recorded_at",
            "recorded_by",
            "organisation",
            "recorded_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "episode",
            "feedback_outcome",
            "feedback_on",
            "feedback_how",
            "feedback_summary",
            "feedback_recorded_at",
            "recorded_at",
        ]


class ReporterTraceSerializer(serializers.Serializer):
    """That a melder record exists, who recorded it and when: what other partners may know."""

    id = serializers.IntegerField()
    episode = serializers.IntegerField()
    recorded_by = serializers.CharField()
    organisation = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    feedback_recorded_at = serializers.DateTimeField(allow_null=True)


class FeedbackSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=FeedbackOutcome.choices)
    given_on = BoundedDateField()
    how = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    summary = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    version = AsciiIntegerField(min_value=1)
