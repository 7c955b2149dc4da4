"""API shapes of the case record. Input is validated here; the rules live in the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api_input import AsciiIntegerField, AsciiPrimaryKeyRelatedField, BoundedDateField
from cases.confidentiality import CLASS_UNKNOWN
from cases.corrections import NOTE_CORRECTION_EMPTY, PERSON_REMOVAL_REASON_REQUIRED
from cases.models import (
    CHOSEN_BASIS_KINDS,
    Case,
    CaseStatus,
    Confidentiality,
    Consent,
    ConsentGiver,
    Intake,
    LegalBasis,
    Note,
    Participant,
    ParticipantRole,
    Person,
    PersonRole,
    TimelineEvent,
)
from cases.participant_basis import BASIS_REQUIRED, PURPOSE_REQUIRED, UNRECORDED_NOT_ALLOWED
from cases.validators import BSN_INVALID, bsn_from_input, bsn_is_valid, validate_not_in_future
from partners.models import Municipality, Organisation, SafetyTeam, User


def checked_bsn(value: str) -> str:
    """A BSN from the API: empty, or 9 ASCII digits that pass the 11-proof (spaces and dots dropped)."""
    value = bsn_from_input(value)
    if value and not bsn_is_valid(value):
        raise serializers.ValidationError(BSN_INVALID)
    return value


def confidentiality_field(*, required: bool = False) -> serializers.ChoiceField:
    messages = {"invalid_choice": CLASS_UNKNOWN, "required": CLASS_UNKNOWN, "null": CLASS_UNKNOWN}
    return serializers.ChoiceField(
        choices=Confidentiality.choices,
        required=required,
        label=_("vertrouwelijkheid"),
        error_messages=messages,
        help_text="gedeeld (alle betrokkenen), eigen_organisatie (alleen de eigen organisatie) of melder "
        "(alleen Veilig Thuis). Zonder de klasse ziet een lezer alleen dát het item er is (de inhoud is null).",
    )


def family_confirm_field() -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False,
        write_only=True,
        help_text="Bevestigt dat u toch doorgaat na de waarschuwing dat er al een casus voor dit gezin is.",
    )


class _Shown:
    """A row read through cases.record_reads, seen by a serializer: each content column answers its
    `shown_<column>` (NULL for a reader without the class); the column itself is never touched (it
    was not loaded). A row without the annotations is one its author just wrote, who reads it."""

    def __init__(self, row, columns: tuple[str, ...]):
        self._row = row
        self._columns = columns

    def __getattr__(self, name: str):
        if name in self._columns and hasattr(self._row, f"shown_{name}"):
            return getattr(self._row, f"shown_{name}")
        return getattr(self._row, name)


class _PersonShown(_Shown):
    def __init__(self, person: Person):
        super().__init__(person, ("full_name", "date_of_birth", "removal_reason", "masked_bsn"))


class CaseSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)

    class Meta:
        model = Case
        fields = (
            "id",
            "reference",
            "family_name",
            "team",
            "team_name",
            "municipality",
            "municipality_name",
            "status",
            "crisis",
            "vast_gezicht",
            "intake",
            "reported_on",
            "opened_at",
            "closed_at",
            "episode",
            "version",
        )
        read_only_fields = fields


class CaseCreateSerializer(serializers.Serializer):
    team = AsciiPrimaryKeyRelatedField(queryset=SafetyTeam.objects.none(), label=_("veiligheidsteam"))
    municipality = AsciiPrimaryKeyRelatedField(queryset=Municipality.objects.all(), label=_("gemeente"))
    family_name = serializers.CharField(max_length=200, label=_("gezin"))
    intake = serializers.ChoiceField(choices=Intake.choices, label=_("binnengekomen via"))
    reported_on = BoundedDateField(label=_("datum melding/signaal"), validators=[validate_not_in_future])
    vast_gezicht = AsciiPrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, label=_("vast gezicht")
    )
    family_bsn = serializers.CharField(
        required=False, allow_blank=True, max_length=11, write_only=True, label=_("BSN van een gezinslid")
    )
    family_date_of_birth = BoundedDateField(
        required=False, allow_null=True, write_only=True, label=_("geboortedatum van een gezinslid")
    )
    confirm_family = family_confirm_field()

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"].queryset = teams

    def validate_family_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Vul de naam van het gezin in."))
        return value.strip()

    def validate_family_bsn(self, value: str) -> str:
        return checked_bsn(value)


class PersonSerializer(serializers.ModelSerializer):
    """The BSN goes in whole and comes out masked; `version` is required to change a person."""

    bsn = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=11, label=_("BSN"))
    masked_bsn = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=PersonRole.choices, label=_("rol in het gezin"))
    date_of_birth = BoundedDateField(
        required=False, allow_null=True, validators=[validate_not_in_future], label=_("geboortedatum")
    )
    version = AsciiIntegerField(required=False, min_value=1, help_text="Required on update: the version you read.")
    confirm_family = family_confirm_field()
    confidentiality = confidentiality_field()
    readable = serializers.SerializerMethodField()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None)

    class Meta:
        model = Person
        fields = (
            "id",
            "case",
            "role",
            "full_name",
            "date_of_birth",
            "bsn",
            "masked_bsn",
            "confidentiality",
            "readable",
            "organisation",
            "organisation_name",
            "version",
            "confirm_family",
            "removed_at",
            "removal_reason",
        )
        read_only_fields = ("id", "case", "masked_bsn", "removed_at", "removal_reason", "organisation")

    def get_readable(self, person: Person) -> bool:
        return bool(getattr(person, "readable", True))

    def to_representation(self, instance):
        # The details as the reader may see them (cases.record_reads): NULL without the class.
        data = super().to_representation(_PersonShown(instance))
        return data

    def validate_bsn(self, value: str) -> str:
        return checked_bsn(value)

    def validate_full_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Vul de naam in."))
        return value.strip()

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": _("Geef de versie mee die u hebt gelezen.")})
        return attrs


class ParticipantSerializer(serializers.ModelSerializer):
    """A participation with its basis. On creation `basis_kind` and `purpose` are required, and what the
    kind needs: `legal_basis`; `conflict_argument`; or `consent` (an existing one of the case) or a new
    consent given as `consent_given_by`, `consent_given_on`, `consent_scope` and optionally `consent_person`."""

    organisation = AsciiPrimaryKeyRelatedField(queryset=Organisation.objects.all(), label=_("organisatie"))
    professional = AsciiPrimaryKeyRelatedField(queryset=User.objects.all(), label=_("professional"))
    role = serializers.ChoiceField(choices=ParticipantRole.choices, label=_("rol in de casus"))
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    professional_name = serializers.CharField(source="professional.get_full_name", read_only=True)
    basis_kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in CHOSEN_BASIS_KINDS],
        label=_("grondslag"),
        error_messages={"required": BASIS_REQUIRED, "null": BASIS_REQUIRED, "invalid_choice": UNRECORDED_NOT_ALLOWED},
    )
    purpose = serializers.CharField(
        max_length=2000, label=_("doel"), error_messages={"required": PURPOSE_REQUIRED, "blank": PURPOSE_REQUIRED}
    )
    legal_basis = AsciiPrimaryKeyRelatedField(
        queryset=LegalBasis.objects.all(), required=False, allow_null=True, label=_("wettelijke grondslag")
    )
    consent = AsciiPrimaryKeyRelatedField(
        queryset=Consent.objects.none(), required=False, allow_null=True, label=_("toestemming")
    )
    consent_given_by = serializers.ChoiceField(
        choices=ConsentGiver.choices, required=False, allow_blank=True, write_only=True, label=_("toestemming van")
    )
    consent_person = AsciiPrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, allow_null=True, write_only=True, label=_("persoon")
    )
    consent_given_on = BoundedDateField(required=False, allow_null=True, write_only=True, label=_("datum toestemming"))
    consent_scope = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, write_only=True, label=_("reikwijdte")
    )
    conflict_argument = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, label=_("onderbouwing conflict van plichten")
    )
    basis_ends_on = BoundedDateField(required=False, allow_null=True, label=_("grondslag geldig tot"))

    class Meta:
        model = Participant
        fields = (
            "id",
            "case",
            "organisation",
            "organisation_name",
            "professional",
            "professional_name",
            "role",
            "started_at",
            "ended_at",
            "basis_kind",
            "purpose",
            "legal_basis",
            "consent",
            "consent_given_by",
            "consent_person",
            "consent_given_on",
            "consent_scope",
            "conflict_argument",
            "basis_ends_on",
        )
        read_only_fields = ("id", "case", "started_at", "ended_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.context.get("case")
        if case is not None:  # a consent or person of another case is "not found", like a missing id
            self.fields["consent"].queryset = Consent.objects.filter(case=case)
            self.fields["consent_person"].queryset = Person.objects.filter(case=case)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["basis_kind"] = instance.basis_kind  # also the kinds the system records (not choosable)
        return data


class NoteSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.get_full_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    text = serializers.CharField(max_length=10000, label=_("notitie"))
    confidentiality = confidentiality_field()
    readable = serializers.SerializerMethodField()

    class Meta:
        model = Note
        fields = (
            "id",
            "case",
            "author",
            "author_name",
            "organisation",
            "organisation_name",
            "text",
            "confidentiality",
            "readable",
            "created_at",
            "version",
            "corrects",
            "corrected_at",
            "corrected_by",
        )
        read_only_fields = (
            "id",
            "case",
            "author",
            "organisation",
            "created_at",
            "version",
            "corrects",
            "corrected_at",
            "corrected_by",
        )

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Notitie: schrijf eerst een notitie."))
        return value

    def get_readable(self, note: Note) -> bool:
        return bool(getattr(note, "readable", True))

    def to_representation(self, instance):
        return super().to_representation(_Shown(instance, ("text",)))


class TimelineEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = (
            "id",
            "case",
            "kind",
            "occurred_at",
            "episode",
            "actor",
            "actor_name",
            "organisation",
            "summary",
            "data",
        )
        read_only_fields = fields

    def get_actor_name(self, event: TimelineEvent) -> str:
        return event.actor.get_full_name() if event.actor else ""

    def to_representation(self, instance):
        return super().to_representation(_Shown(instance, ("summary",)))


class NoteCorrectionSerializer(serializers.Serializer):
    """The corrected text and the version of the note you read."""

    text = serializers.CharField(max_length=10000, label=_("gecorrigeerde notitie"))
    version = AsciiIntegerField(min_value=1, label=_("versie"))
    confidentiality = serializers.ChoiceField(
        choices=Confidentiality.choices,
        required=False,
        label=_("vertrouwelijkheid"),
        error_messages={"invalid_choice": CLASS_UNKNOWN},
        help_text="Zonder: die van de notitie. Een correctie houdt de klasse of maakt die strenger.",
    )

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(NOTE_CORRECTION_EMPTY)
        return value.strip()


class PersonRemovalSerializer(serializers.Serializer):
    """Why the person was added by mistake, and the version of the person you read."""

    reason = serializers.CharField(
        max_length=1000, label=_("reden"), error_messages={"blank": PERSON_REMOVAL_REASON_REQUIRED}
    )
    version = AsciiIntegerField(min_value=1, label=_("versie"))

    def validate_reason(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(PERSON_REMOVAL_REASON_REQUIRED)
        return value.strip()
