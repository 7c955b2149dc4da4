"""The dashboard's and the exports' filters."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.definitions import GRANULARITIES, MONTH, Filters
from metrics.models import ExportFormat, ExportKind
from partners.models import Municipality, SafetyTeam

MAX_RANGE_DAYS = 20 * 366


def default_range() -> tuple[date, date]:
    today = timezone.localdate()
    return date(today.year - 1, today.month, 1), today


class FilterForm(forms.Form):
    date_from = forms.DateField(label=_("Van"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Tot en met"), widget=forms.DateInput(attrs={"type": "date"}))
    granularity = forms.ChoiceField(label=_("Per"), choices=list(GRANULARITIES.items()), initial=MONTH)
    team = forms.ModelChoiceField(label=_("Team"), queryset=SafetyTeam.objects.order_by("name"), required=False,
                                  empty_label=_("alle teams"))  # fmt: skip
    municipality = forms.ModelChoiceField(label=_("Gemeente"), queryset=Municipality.objects.order_by("name"),
                                          required=False, empty_label=_("alle gemeenten"))  # fmt: skip

    def __init__(self, data=None, **kwargs):
        start, end = default_range()
        merged = {"date_from": start.isoformat(), "date_to": end.isoformat(), "granularity": MONTH}
        if data:
            merged.update({key: value for key, value in data.items() if value not in ("", None)})
        super().__init__(merged, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
            elif end - start > timedelta(days=MAX_RANGE_DAYS):
                self.add_error("date_from", _("Kies een periode van hoogstens twintig jaar."))
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            granularity=data["granularity"],
            team_id=data["team"].pk if data.get("team") else None,
            municipality_id=data["municipality"].pk if data.get("municipality") else None,
        )


class ExportForm(FilterForm):
    kind = forms.ChoiceField(label=_("Soort export"), choices=ExportKind.choices)
    format = forms.ChoiceField(label=_("Formaat"), choices=ExportFormat.choices)
