"""Forms of agreed interventions: thin, Dutch, checking input before a service sees it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.assessments.forms import _participating
from cases.forms import DATE_WIDGET, VersionedForm, submission_key_field
from cases.interventions.models import InterventionKind
from cases.interventions.services import DUE_BEFORE_START
from cases.models import Case
from cases.validators import validate_date_in_range
from partners.models import Organisation, User


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort inzet"), choices=InterventionKind.choices)
    description = forms.CharField(label=_("Omschrijving"), required=False, widget=forms.Textarea)
    responsible_organisation = forms.ModelChoiceField(
        label=_("Verantwoordelijke organisatie"),
        queryset=Organisation.objects.none(),
        help_text=_("Alleen organisaties die bij de casus betrokken zijn."),
    )
    responsible_professional = forms.ModelChoiceField(label=_("Verantwoordelijke"), queryset=User.objects.none())
    start_date = forms.DateField(label=_("Startdatum"), widget=DATE_WIDGET, validators=[validate_date_in_range])
    due_date = forms.DateField(label=_("Uiterlijk klaar op"), widget=DATE_WIDGET, validators=[validate_date_in_range])
    agreed_by = forms.ModelMultipleChoiceField(
        label=_("Afgesproken door"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leeg: uw eigen organisatie."),
    )
    submission_key = submission_key_field()

    def __init__(self, *args, case: Case, with_agreed_by: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        organisations, professionals = _participating(case)
        self.fields["responsible_organisation"].queryset = organisations
        self.fields["responsible_professional"].queryset = professionals
        self.fields["agreed_by"].queryset = organisations
        if not with_agreed_by:
            del self.fields["agreed_by"]

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", DUE_BEFORE_START)
        return data


class InterventionEndForm(VersionedForm):
    record_fields = ("status",)

    result = forms.CharField(label=_("Resultaat of reden"), widget=forms.Textarea, required=False)
