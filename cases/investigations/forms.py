"""Forms of the onderzoek and destruction-request pages: thin, Dutch; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_WIDGET
from cases.investigations.selectors import OnderzoekKind
from cases.models import Case, Person, PersonRole
from cases.record_reads import readable_persons


class OnderzoekStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Onderzoek"), choices=OnderzoekKind.choices, widget=forms.RadioSelect)
    started_on = forms.DateField(label=_("Gestart op"), widget=DATE_WIDGET, initial=timezone.localdate)


class OnderzoekEndForm(forms.Form):
    kind = forms.ChoiceField(label=_("Onderzoek"), choices=OnderzoekKind.choices, widget=forms.RadioSelect)
    ended_on = forms.DateField(label=_("Afgerond op"), widget=DATE_WIDGET, initial=timezone.localdate)


class DestructionRequestForm(forms.Form):
    requested_by = forms.ModelChoiceField(
        label=_("Gevraagd door"),
        queryset=Person.objects.none(),
        help_text=_("Een ouder of verzorger, of de jeugdige zelf vanaf 12 jaar."),
    )
    requested_on = forms.DateField(label=_("Datum van het verzoek"), widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only persons whose details the user reads can be chosen (and named) here.
        family = readable_persons(user, case.persons.current().exclude(role=PersonRole.NETWERK))
        self.fields["requested_by"].queryset = family.order_by("full_name")
