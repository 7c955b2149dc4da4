"""Forms of the case pages: thin, Dutch, validating input before a service sees it."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import (
    CHOSEN_BASIS_KINDS,
    BasisKind,
    Case,
    CaseStatus,
    Consent,
    ConsentGiver,
    Intake,
    LegalBasis,
    ParticipantRole,
    Person,
    PersonRole,
)
from cases.participant_basis import BASIS_REQUIRED, PURPOSE_REQUIRED
from cases.services import PARTICIPANT_NOT_WORKING, TEAM_DOES_NOT_SERVE, team_serves
from cases.validators import bsn_is_valid, validate_date_in_range
from cases.versioning import VERSION_REQUIRED
from partners.models import WORKING_ROLES, Membership, Municipality, Role, SafetyTeam, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def submission_key_field() -> forms.UUIDField:
    """A create form's one-time key (cases.idempotency): new with every empty form, sent back with
    the post, so the same form sent twice creates one record."""
    return forms.UUIDField(label=_("formuliersleutel"), widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


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


class CaseOpenForm(forms.Form):
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
    submission_key = submission_key_field()

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
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

    def clean(self):
        data = super().clean()
        team, municipality = data.get("team"), data.get("municipality")
        if team and municipality and not team_serves(team, municipality):
            self.add_error("municipality", TEAM_DOES_NOT_SERVE)
        return data


class PersonForm(forms.Form):
    role = forms.ChoiceField(label=_("Rol in het gezin"), choices=PersonRole.choices)
    full_name = forms.CharField(label=_("Naam"), max_length=200)
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"), required=False, widget=DATE_WIDGET, validators=[validate_date_in_range]
    )
    bsn = forms.CharField(
        label=_("BSN"),
        required=False,
        max_length=9,
        help_text=_("Optioneel: 9 cijfers, wordt gecontroleerd met de elfproef."),
    )
    submission_key = submission_key_field()

    def __init__(self, *args, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None:
            del self.fields["submission_key"]  # a change is guarded by its version instead
        self.fields["bsn"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
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
        value = self.cleaned_data["bsn"].strip().replace(" ", "").replace(".", "")
        if value and not bsn_is_valid(value):
            raise forms.ValidationError(gettext("BSN: dit is geen geldig BSN (9 cijfers die voldoen aan de elfproef)."))
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

    def __init__(self, *args, team: SafetyTeam, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = (
            Consent.objects.filter(case=case, withdrawn_at__isnull=True) if case else Consent.objects.none()
        )
        self.fields["consent"].label_from_instance = lambda consent: (
            f"{consent.get_given_by_display()}, {date_format(consent.given_on)}"
        )
        self.fields["consent_person"].queryset = case.persons.all() if case else Person.objects.none()
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
