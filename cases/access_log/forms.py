"""Forms of the privacy officer's access report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AccessReportLookupForm(forms.Form):
    reference = forms.CharField(label=_("Zaaknummer"), max_length=32, help_text=_("Bijvoorbeeld: VT-2026-000123"))


class AccessReportPersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Naam of BSN van een gezinslid"),
        min_length=3,
        max_length=200,
        help_text=_("Een deel van de naam, of het hele BSN (9 cijfers)."),
    )
