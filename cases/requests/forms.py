"""Forms of the family's request desk: thin, Dutch; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_WIDGET, VersionedForm, submission_key_field
from cases.models import Case, Person, PersonRole
from cases.record_reads import readable_persons
from cases.requests.models import IdentityCheck, RefusalGround, RequestDecision, RequesterRelation, RequestKind
from cases.validators import validate_date_in_range


class RequestRegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort verzoek"), choices=RequestKind.choices)
    person = forms.ModelChoiceField(
        label=_("Verzoeker uit het gezin"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Verplicht bij vernietiging. Leeg als de verzoeker niet bij de casus staat."),
    )
    requester_name = forms.CharField(
        label=_("Naam verzoeker"), max_length=200, required=False, help_text=_("Leeg: de naam van de gekozen persoon.")
    )
    relation = forms.ChoiceField(label=_("Relatie tot de casus"), choices=RequesterRelation.choices)
    identity_check = forms.ChoiceField(label=_("Identiteit vastgesteld met"), choices=IdentityCheck.choices)
    received_on = forms.DateField(
        label=_("Ontvangen op"), widget=DATE_WIDGET, initial=timezone.localdate, validators=[validate_date_in_range]
    )
    text = forms.CharField(
        label=_("Inhoud van het verzoek"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bij een eigen verklaring: de verklaring zelf, die bij het dossier komt."),
    )
    submission_key = submission_key_field()

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only persons whose details the user reads can be chosen (and named) here.
        family = readable_persons(user, case.persons.current().exclude(role=PersonRole.NETWERK))
        self.fields["person"].queryset = family.order_by("full_name")


class RequestDecideForm(VersionedForm):
    record_fields = ("decision", "refusal_ground", "decision_reason")

    decision = forms.ChoiceField(label=_("Besluit"), choices=RequestDecision.choices, widget=forms.RadioSelect)
    refusal_ground = forms.ChoiceField(
        label=_("Grond van afwijzing"),
        choices=[("", _("geen (niet afgewezen)")), *RefusalGround.choices],
        required=False,
    )
    decision_reason = forms.CharField(
        label=_("Motivering"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class RequestExtendForm(VersionedForm):
    record_fields = ("extension_reason",)

    reason = forms.CharField(
        label=_("Reden van verlenging"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
