"""API shapes of the onderzoeken and destruction requests. Input is checked here; the rules live in
the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.investigations.selectors import OnderzoekKind

ACTION_DATE_FIELD = {"start": "started_on", "end": "ended_on"}


class OnderzoekActionSerializer(serializers.Serializer):
    """Start (with `started_on`) or end (with `ended_on`) the onderzoek of Veilig Thuis or the Raad."""

    kind = serializers.ChoiceField(choices=OnderzoekKind.choices)
    action = serializers.ChoiceField(choices=sorted(ACTION_DATE_FIELD))
    started_on = serializers.DateField(required=False)
    ended_on = serializers.DateField(required=False)

    def validate(self, attrs):
        field = ACTION_DATE_FIELD[attrs["action"]]
        if attrs.get(field) is None:
            raise serializers.ValidationError({field: _("Geef de datum.")})
        return attrs


class OnderzoekSerializer(serializers.Serializer):
    kind = serializers.CharField()
    organisation = serializers.CharField(source="start.organisation.name", default="")
    started_on = serializers.DateField()
    started_by = serializers.CharField(source="start.actor.username", default="")
    ended_on = serializers.DateField(allow_null=True)
    ended_by = serializers.SerializerMethodField()
    running = serializers.BooleanField()

    def get_ended_by(self, onderzoek) -> str | None:
        end = onderzoek.end
        return end.actor.username if end is not None and end.actor_id else None


class DestructionRequestSerializer(serializers.Serializer):
    """A registered request; `requested_by` is the id of a person of the case."""

    requested_by = serializers.IntegerField(source="person_id", min_value=1, max_value=2**63 - 1)
    requested_on = serializers.DateField()
    registered_by = serializers.CharField(source="event.actor.username", read_only=True, default="")
