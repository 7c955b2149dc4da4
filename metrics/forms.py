"""The dashboard's and the exports' filters. Whatever arrives (a query string, a form, a JSON body of any
shape) is answered with a field error, never a server error: dates in ASCII digits within bounds, ids as
ASCII digits, and whole periods for every table with suppression (metrics.definitions)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.definitions import (
    DATE_OUT_OF_RANGE,
    FIRST_DATE,
    GRANULARITIES,
    LAST_DATE,
    MONTH,
    PEILDATUM_NOT_MONTH_END,
    PERIOD_NOT_WHOLE,
    Filters,
    is_month_end,
    period_end,
    period_start,
)
from metrics.models import ExportFormat, ExportKind
from partners.models import Municipality, SafetyTeam

MAX_RANGE_DAYS = 20 * 366
DATE_INVALID = _("Vul een geldige datum in als JJJJ-MM-DD of DD-MM-JJJJ, met de cijfers 0-9.")
NOT_AN_OBJECT = _('Stuur de velden als één JSON-object, bijvoorbeeld {"kind": "events", "format": "csv"}.')
# [0-9], not \d: \d also matches other scripts' digits (Arabic-Indic ٣, full-width ３), which int() accepts.
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
DUTCH_DATE = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
ASCII_ID = re.compile(r"[0-9]{1,19}")


def default_range(granularity: str = MONTH) -> tuple[date, date]:
    """About the last year, in whole periods of the granularity, up to the end of the current one."""
    today = timezone.localdate()
    return period_start(date(today.year - 1, today.month, 1), granularity), period_end(today, granularity)


class MetricsDateField(forms.DateField):
    """A day as JJJJ-MM-DD (or DD-MM-JJJJ) in ASCII digits, between FIRST_DATE and LAST_DATE."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        text = value.strip() if isinstance(value, str) else ""
        if match := ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
        elif match := DUTCH_DATE.fullmatch(text):
            day, month, year = match.groups()
        else:
            raise ValidationError(DATE_INVALID, code="invalid")
        try:
            parsed = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(DATE_INVALID, code="invalid") from None
        if not FIRST_DATE <= parsed <= LAST_DATE:
            raise ValidationError(DATE_OUT_OF_RANGE, code="out_of_range")
        return parsed


class IdChoiceField(forms.ModelChoiceField):
    """An object by its id: an integer or ASCII digits; anything else (a list, true, "٣") is no choice."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, bool) or not isinstance(value, int | str) or not ASCII_ID.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if int(value) > 2**63 - 1:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(str(value))


class StrictChoiceField(forms.ChoiceField):
    """A choice given as text: a list or an object is not turned into its text and then refused later."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, str):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": type(value).__name__}
            )
        return super().to_python(value)


class FilterForm(forms.Form):
    date_from = MetricsDateField(label=_("Van"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = MetricsDateField(label=_("Tot en met"), widget=forms.DateInput(attrs={"type": "date"}))
    granularity = StrictChoiceField(label=_("Per"), choices=list(GRANULARITIES.items()), initial=MONTH)
    team = IdChoiceField(
        label=_("Team"), queryset=SafetyTeam.objects.order_by("name"), required=False, empty_label=_("alle teams")
    )
    municipality = IdChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("alle gemeenten"),
    )
    peildatum = MetricsDateField(
        label=_("Peildatum voorraad"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("De laatste dag van een maand; leeg: de einddatum."),
    )

    # The dashboard shows the default range at once: without data the form is bound to the defaults.
    bind_defaults = True

    def __init__(self, data: Mapping | None = None, **kwargs):
        given = {key: value for key, value in (data or {}).items() if value not in ("", None)}
        granularity = given.get("granularity")
        start, end = default_range(
            granularity if isinstance(granularity, str) and granularity in GRANULARITIES else MONTH
        )
        defaults = {"date_from": start.isoformat(), "date_to": end.isoformat(), "granularity": MONTH}
        if data is None and not self.bind_defaults:
            super().__init__(initial=defaults, **kwargs)
        else:
            super().__init__({**defaults, **given}, **kwargs)

    def needs_whole_periods(self, cleaned: dict) -> bool:
        """Every table on the dashboard and in the API carries suppression."""
        return True

    def clean(self):
        cleaned = super().clean()
        start, end, granularity = cleaned.get("date_from"), cleaned.get("date_to"), cleaned.get("granularity")
        if start and end:
            if end < start:
                self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
            elif end - start > timedelta(days=MAX_RANGE_DAYS):
                self.add_error("date_from", _("Kies een periode van hoogstens twintig jaar."))
            elif granularity and self.needs_whole_periods(cleaned):
                message = PERIOD_NOT_WHOLE % {"period": GRANULARITIES[granularity]}
                if start != period_start(start, granularity):
                    self.add_error("date_from", message)
                if end != period_end(end, granularity):
                    self.add_error("date_to", message)
        peildatum = cleaned.get("peildatum")
        if peildatum and not is_month_end(peildatum):
            self.add_error("peildatum", PEILDATUM_NOT_MONTH_END)
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            granularity=data["granularity"],
            team_id=data["team"].pk if data.get("team") else None,
            municipality_id=data["municipality"].pk if data.get("municipality") else None,
            peildatum=data.get("peildatum"),
        )


class ExportForm(FilterForm):
    kind = StrictChoiceField(label=_("Soort export"), choices=ExportKind.choices)
    format = StrictChoiceField(label=_("Formaat"), choices=ExportFormat.choices)
    bind_defaults = False  # the page opens with an empty form, not with "required" errors and a 400

    # Both kinds need whole periods: the tables for their suppression, the extract because it holds the
    # episodes of whole months whose figures are all published (metrics.exports.extract_months).


QUARTERS = [("1", _("1e kwartaal")), ("2", _("2e kwartaal")), ("3", _("3e kwartaal")), ("4", _("4e kwartaal"))]
YEAR_INVALID = _("Vul een jaar in tussen 2000 en 2099, met de cijfers 0-9.")


class YearField(forms.CharField):
    """A year in ASCII digits between the metrics' bounds (an integer in a JSON body is fine too)."""

    def to_python(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}", value.strip()):
            raise ValidationError(YEAR_INVALID, code="invalid")
        year = int(value.strip())
        if not FIRST_DATE.year <= year <= LAST_DATE.year:
            raise ValidationError(YEAR_INVALID, code="invalid")
        return year


class QuarterField(StrictChoiceField):
    """1-4, as text or (in a JSON body) as an integer."""

    def to_python(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super().to_python(value)


class ReleaseForm(forms.Form):
    """Publish a quarter; a correction of a published quarter says what changed."""

    year = YearField(label=_("Jaar"))
    quarter = QuarterField(label=_("Kwartaal"), choices=QUARTERS)
    changelog = forms.CharField(
        label=_("Wat is er veranderd (verplicht bij een correctie)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_changelog(self):
        value = self.cleaned_data.get("changelog")
        return value if isinstance(value, str) else ""
