"""Forms of the privacy officer's access report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AccessReportLookupForm(forms.Form):
    reference = forms.CharField(label=_("Zaaknummer"), max_length=32, help_text=_("Bijvoorbeeld: VT-2026-000123"))
