"""Forms of the case pages: thin, Dutch, validating input before a service sees it."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.confidentiality import CLASS_UNKNOWN
from cases.corrections import NOTE_CORRECTION_EMPTY, PERSON_REMOVAL_REASON_REQUIRED
from cases.families import FAMILY_CONFIRM_FIELD
from cases.models import (
    CHOSEN_BASIS_KINDS,
    BasisKind,
    Case,
    CaseStatus,
    Confidentiality,
    Consent,
    ConsentGiver,
    Intake,
    LegalBasis,
    ParticipantRole,
    Person,
    PersonRole,
)
from cases.participant_basis import BASIS_REQUIRED, PURPOSE_REQUIRED
from cases.record_reads import readable_persons
from cases.services import PARTICIPANT_NOT_WORKING, TEAM_DOES_NOT_SERVE, team_serves
from cases.timeline import TIMELINE_GROUPS
from cases.validators import BSN_INVALID, bsn_from_input, bsn_is_valid, validate_date_in_range
from cases.versioning import VERSION_REQUIRED
from partners.models import WORKING_ROLES, Membership, Municipality, Role, SafetyTeam, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def submission_key_field() -> forms.UUIDField:
    """A create form's one-time key (cases.idempotency): new with every empty form, sent back with
    the post, so the same form sent twice creates one record."""
    return forms.UUIDField(label=_("formuliersleutel"), widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


def clean_bsn_value(value: str) -> str:
    """A typed BSN, checked: empty, or 9 ASCII digits that pass the 11-proof."""
    value = bsn_from_input(value)
    if value and not bsn_is_valid(value):
        raise forms.ValidationError(BSN_INVALID)
    return value


def bsn_field(**kwargs) -> forms.CharField:
    field = forms.CharField(max_length=11, **kwargs)  # 9 digits, and the spaces or dots people type
    field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
    return field


def confidentiality_field(help_text, *, keep_label=None) -> forms.TypedChoiceField:
    """Who reads the item's content (cases.confidentiality); the service checks who may choose which.
    Left empty: gedeeld, or with `keep_label` (a correction) the class the item has."""
    choices = Confidentiality.choices if keep_label is None else [("", keep_label), *Confidentiality.choices]
    return forms.TypedChoiceField(
        label=_("Vertrouwelijkheid"),
        choices=choices,
        initial=Confidentiality.GEDEELD if keep_label is None else "",
        required=False,
        empty_value=Confidentiality.GEDEELD if keep_label is None else "",
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"invalid_choice": CLASS_UNKNOWN},
    )


def family_confirm_field() -> forms.BooleanField:
    """ "Toch doorgaan" after the one-case-per-family warning (cases.families); hidden until it is given."""
    return forms.BooleanField(
        label=_("Ik heb de waarschuwing gelezen en ga toch door"),
        required=False,
        widget=forms.HiddenInput,
        help_text=_("Alleen als dit echt een ander gezin is of u met de coördinator hebt overlegd."),
    )


class FamilyCheckedForm(forms.Form):
    """A form that may warn that the family has a case already: the warning shows the confirmation."""

    def add_error(self, field, error):
        super().add_error(field, error)
        if field == FAMILY_CONFIRM_FIELD:
            self.fields[FAMILY_CONFIRM_FIELD].widget = forms.CheckboxInput()


def _not_in_future(value, label: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(gettext("%(field)s ligt in de toekomst.") % {"field": label})
    return value


class VersionedForm(forms.Form):
    """A form that edits a versioned record: it sends back the version its editor loaded, and without
    one nothing is saved. After a stale save the page re-shows it from the record as it is now
    (`cases.view_helpers.run_form`)."""

    # Fields of the record besides the form's own that the conflict table shows when a colleague changed them.
    record_fields: tuple[str, ...] = ()

    version = forms.IntegerField(
        label=_("Versie"),
        widget=forms.HiddenInput,
        error_messages={"required": VERSION_REQUIRED, "invalid": VERSION_REQUIRED},
    )

    def add_error(self, field, error):
        # The hidden field's error would be invisible beside it: it goes to the top of the form.
        super().add_error(None if field == "version" else field, error)


class CaseFilterForm(forms.Form):
    """Filters and search of the case lists; unknown values are ignored as 'no filter'."""

    q = forms.CharField(
        label=_("Zoeken"), required=False, max_length=100, help_text=_("Gezinsnaam, naam van een persoon of zaaknummer")
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"), required=False, queryset=Municipality.objects.none(), empty_label=_("Alle gemeenten")
    )
    overdue = forms.BooleanField(label=_("Alleen met verlopen termijnen"), required=False)

    def __init__(self, *args, municipalities, show_overdue: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Alle statussen")), *CaseStatus.choices]
        self.fields["municipality"].queryset = municipalities
        self.fields["q"].widget.attrs["type"] = "search"
        if not show_overdue:
            del self.fields["overdue"]


class CaseOpenForm(FamilyCheckedForm):
    team = forms.ModelChoiceField(label=_("Veiligheidsteam"), queryset=SafetyTeam.objects.none())
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"), queryset=Municipality.objects.none(), help_text=_("Een gemeente die dit team bedient.")
    )
    family_name = forms.CharField(label=_("Gezin"), max_length=200, help_text=_("Bijvoorbeeld: gezin De Vries"))
    intake = forms.ChoiceField(label=_("Binnengekomen via"), choices=Intake.choices)
    reported_on = forms.DateField(
        label=_("Datum melding/signaal"), widget=DATE_WIDGET, validators=[validate_date_in_range]
    )
    vast_gezicht = forms.ModelChoiceField(
        label=_("Vast gezicht"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("Optioneel: de vaste professional voor het gezin."),
    )
    family_bsn = bsn_field(
        label=_("BSN van een gezinslid"),
        required=False,
        help_text=_("Optioneel, voor de controle of er al een casus voor dit gezin is. Wordt niet opgeslagen."),
    )
    family_date_of_birth = forms.DateField(
        label=_("Geboortedatum van een gezinslid"),
        required=False,
        widget=DATE_WIDGET,
        validators=[validate_date_in_range],
        help_text=_("Optioneel, met de gezinsnaam voor dezelfde controle. Wordt niet opgeslagen."),
    )
    confirm_family = family_confirm_field()
    submission_key = submission_key_field()

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        only = list(teams[:2])
        if len(only) == 1:  # one team to open in: chosen already, no "---------" to pick from
            self.fields["team"].initial = only[0].pk
            self.fields["team"].empty_label = None
        self.fields["municipality"].queryset = Municipality.objects.filter(teams__in=teams).distinct()
        self.fields["vast_gezicht"].queryset = User.objects.filter(
            pk__in=Membership.objects.active().filter(team__in=teams, role=Role.PROFESSIONAL).values("user")
        ).order_by("full_name", "username")

    def clean_family_name(self):
        value = self.cleaned_data["family_name"].strip()
        if not value:
            raise forms.ValidationError(gettext("Vul de naam van het gezin in."))
        return value

    def clean_reported_on(self):
        return _not_in_future(self.cleaned_data["reported_on"], gettext("Datum melding/signaal"))

    def clean_family_bsn(self):
        return clean_bsn_value(self.cleaned_data["family_bsn"])

    def clean(self):
        data = super().clean()
        team, municipality = data.get("team"), data.get("municipality")
        if team and municipality and not team_serves(team, municipality):
            self.add_error("municipality", TEAM_DOES_NOT_SERVE)
        return data


class PersonForm(FamilyCheckedForm):
    role = forms.ChoiceField(label=_("Rol in het gezin"), choices=PersonRole.choices)
    full_name = forms.CharField(label=_("Naam"), max_length=200)
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"), required=False, widget=DATE_WIDGET, validators=[validate_date_in_range]
    )
    bsn = bsn_field(
        label=_("BSN"),
        required=False,
        help_text=_("Optioneel: 9 cijfers, wordt gecontroleerd met de elfproef."),
    )
    confidentiality = confidentiality_field(
        _("Wie naam, geboortedatum en BSN leest. Anderen op de casus zien alleen dát deze persoon er is, en de rol.")
    )
    confirm_family = family_confirm_field()
    submission_key = submission_key_field()

    def __init__(self, *args, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None:
            # A change is guarded by its version instead; the family check is made when a person is added.
            del self.fields["submission_key"]
            del self.fields[FAMILY_CONFIRM_FIELD]
        if person is not None and person.bsn:
            # The BSN is never shown in full: an empty field keeps the one on file.
            self.fields["bsn"].help_text = gettext(
                "Huidig BSN: %(masked)s. Laat leeg om het te houden; vul een nieuw BSN in om het te vervangen."
            ) % {"masked": person.masked_bsn}

    def clean_full_name(self):
        value = self.cleaned_data["full_name"].strip()
        if not value:
            raise forms.ValidationError(gettext("Vul de naam in."))
        return value

    def clean_date_of_birth(self):
        return _not_in_future(self.cleaned_data["date_of_birth"], gettext("Geboortedatum"))

    def clean_bsn(self):
        value = clean_bsn_value(self.cleaned_data["bsn"])
        if not value and self.person is not None:
            return self.person.bsn
        return value


class PersonEditForm(VersionedForm, PersonForm):
    """Changing a person: the same fields, and the version the editor loaded."""


class ParticipantForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=None)
    professional = forms.ModelChoiceField(
        label=_("Professional"),
        queryset=None,
        help_text=_("Een professional die voor deze organisatie in het team werkt."),
    )
    role = forms.ChoiceField(label=_("Rol in de casus"), choices=ParticipantRole.choices)
    # The basis of sharing (cases.participant_basis): the service checks what each kind needs.
    basis_kind = forms.ChoiceField(
        label=_("Grondslag voor het delen van gegevens"),
        choices=[(kind.value, kind.label) for kind in CHOSEN_BASIS_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": BASIS_REQUIRED, "invalid_choice": BASIS_REQUIRED},
    )
    purpose = forms.CharField(
        label=_("Doel"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarvoor heeft deze betrokkene de gegevens van het gezin nodig?"),
        error_messages={"required": PURPOSE_REQUIRED},
    )
    legal_basis = forms.ModelChoiceField(
        label=_("Wettelijke grondslag"),
        queryset=LegalBasis.objects.filter(active=True),
        required=False,
        help_text=_("Bij een wettelijke grondslag."),
    )
    consent = forms.ModelChoiceField(
        label=_("Eerder gegeven toestemming"),
        queryset=None,
        required=False,
        help_text=_("Bij toestemming: kies een toestemming die al is vastgelegd, of leg hieronder een nieuwe vast."),
    )
    consent_given_by = forms.ChoiceField(
        label=_("Toestemming van"), choices=[("", "---------"), *ConsentGiver.choices], required=False
    )
    consent_person = forms.ModelChoiceField(
        label=_("Persoon die toestemming gaf"),
        queryset=None,
        required=False,
        help_text=_("Als deze persoon bij de casus staat."),
    )
    consent_given_on = forms.DateField(label=_("Datum toestemming"), required=False, widget=DATE_WIDGET)
    consent_scope = forms.CharField(
        label=_("Reikwijdte van de toestemming"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Welke gegevens, met wie en waarvoor."),
    )
    conflict_argument = forms.CharField(
        label=_("Onderbouwing conflict van plichten"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bij een conflict van plichten: waarom delen zonder toestemming hier zwaarder weegt."),
    )
    basis_ends_on = forms.DateField(
        label=_("Grondslag geldig tot"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Optioneel. Voor die datum moet de grondslag opnieuw beoordeeld worden."),
    )

    def __init__(self, *args, team: SafetyTeam, case: Case | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = (
            Consent.objects.filter(case=case, withdrawn_at__isnull=True) if case else Consent.objects.none()
        )
        self.fields["consent"].label_from_instance = lambda consent: (
            f"{consent.get_given_by_display()}, {date_format(consent.given_on)}"
        )
        # Only persons whose details the user reads can be chosen (and named) here.
        self.fields["consent_person"].queryset = (
            readable_persons(user, case.persons.all()) if case else Person.objects.none()
        )
        self.fields["organisation"].queryset = team.organisations.order_by("name")
        members = Membership.objects.active().filter(team=team, role__in=WORKING_ROLES)
        self.fields["professional"].queryset = User.objects.filter(pk__in=members.values("user")).order_by(
            "full_name", "username"
        )
        # Anyone else (an evaluator, administrator or privacy officer): the service's rule, in its words.
        self.fields["professional"].error_messages["invalid_choice"] = PARTICIPANT_NOT_WORKING
        # Each professional's organisations in this team, shown with the name so the pair is clear.
        labels: dict[int, list[str]] = {}
        for user_id, org_name in members.values_list("user_id", "organisation__name"):
            labels.setdefault(user_id, []).append(org_name)
        self.fields["professional"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({', '.join(sorted(labels.get(user.pk, [])))})"
        )

    def clean(self):
        data = super().clean()
        kind = data.get("basis_kind")
        # Only what belongs to the chosen basis goes to the service; the other fields may hold leftovers.
        if kind != BasisKind.WETTELIJK:
            data["legal_basis"] = None
        if kind != BasisKind.CONFLICT_VAN_PLICHTEN:
            data["conflict_argument"] = ""
        if kind != BasisKind.TOESTEMMING:
            data.update(consent=None, consent_given_by="", consent_person=None, consent_given_on=None, consent_scope="")
        elif data.get("consent") is not None:
            data.update(consent_given_by="", consent_person=None, consent_given_on=None, consent_scope="")
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Notitie"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Platte tekst. Schrijf feiten en afspraken, geen meningen over personen."),
    )
    confidentiality = confidentiality_field(
        _("Wie de tekst leest. Anderen op de casus zien alleen dát er een notitie is, van wie en wanneer.")
    )
    submission_key = submission_key_field()

    def clean_text(self):
        value = self.cleaned_data["text"].strip()
        if not value:
            raise forms.ValidationError(gettext("Notitie: schrijf eerst een notitie."))
        return value


def apply_service_errors(form: forms.Form, exc) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class TimelineFilterForm(forms.Form):
    """The case page's timeline filter (GET): which groups of events to show; none ticked shows all."""

    soort = forms.MultipleChoiceField(
        label=_("Soort gebeurtenis"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(key, label) for key, (label, _kinds) in TIMELINE_GROUPS.items()],
    )


class NoteCorrectionForm(VersionedForm):
    """The corrected text of a note; the original stays and is shown as corrected."""

    text = forms.CharField(
        label=_("Gecorrigeerde notitie"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("De oorspronkelijke notitie blijft zichtbaar, gemarkeerd als gecorrigeerd."),
    )
    confidentiality = confidentiality_field(
        _("Een correctie houdt de vertrouwelijkheid van de notitie, of maakt die strenger."),
        keep_label=_("zoals de notitie"),
    )
    submission_key = submission_key_field()

    def clean_text(self):
        value = self.cleaned_data["text"].strip()
        if not value:
            raise forms.ValidationError(NOTE_CORRECTION_EMPTY)
        return value


class PersonRemoveForm(VersionedForm):
    """Removing a person added by mistake: the reason is required and kept."""

    reason = forms.CharField(
        label=_("Reden"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom is deze persoon ten onrechte toegevoegd? De persoon blijft in de geschiedenis staan."),
        error_messages={"required": PERSON_REMOVAL_REASON_REQUIRED},
    )

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(PERSON_REMOVAL_REASON_REQUIRED)
        return value


class BsnSearchForm(forms.Form):
    """Search the cases the user may see for a person with this BSN (exact)."""

    bsn = bsn_field(label=_("BSN"), help_text=_("9 cijfers. U ziet alleen casussen waar u toegang toe hebt."))

    def clean_bsn(self):
        return clean_bsn_value(self.cleaned_data["bsn"])
