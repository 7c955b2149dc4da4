"""Forms of the melder pages: thin, Dutch; the rules and their messages are in the services."""

from __future__ import annotations

from typing import cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_WIDGET, VersionedForm, submission_key_field
from cases.reporters.models import FeedbackOutcome, Reporter, ReporterKind
from cases.reporters.services import REPORTER_FIELDS
from cases.validators import validate_date_in_range


def _model_field(name: str, **kwargs) -> forms.Field:
    """The model field's form field, with its label and length (every name here is a plain field)."""
    field = cast(models.Field, Reporter._meta.get_field(name))
    return cast(forms.Field, field.formfield(**kwargs))


class ReporterFields(forms.Form):
    """The melder's fields, labelled from the model."""

    full_name = _model_field("full_name")
    relation = _model_field("relation")
    kind = forms.ChoiceField(label=_("Soort melder"), choices=ReporterKind.choices, widget=forms.RadioSelect)
    profession = _model_field("profession", help_text=_("Alleen bij een beroepskracht."))
    organisation_name = _model_field("organisation_name", help_text=_("Alleen bij een beroepskracht."))
    phone = _model_field("phone")
    email = _model_field("email")
    contact_notes = _model_field("contact_notes")
    anonymity_requested = forms.BooleanField(label=_("De melder vroeg om anonimiteit"), required=False)
    anonymity_promised = forms.BooleanField(label=_("Veilig Thuis heeft anonimiteit toegezegd"), required=False)
    promise = _model_field(
        "promise",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht als anonimiteit is toegezegd: wat precies, en wat niet."),
    )


class ReporterForm(ReporterFields):
    submission_key = submission_key_field()


class ReporterEditForm(VersionedForm, ReporterFields):
    pass


def reporter_edit_form(reporter: Reporter, data=None) -> ReporterEditForm:
    initial = {name: getattr(reporter, name) for name in REPORTER_FIELDS}
    return ReporterEditForm(data, initial={**initial, "version": reporter.version})


class FeedbackForm(VersionedForm):
    record_fields = ("feedback_outcome", "feedback_on", "feedback_how", "feedback_summary")

    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=FeedbackOutcome.choices, widget=forms.RadioSelect)
    given_on = forms.DateField(
        label=_("Datum"),
        widget=DATE_WIDGET,
        validators=[validate_date_in_range],
        initial=timezone.localdate,
        help_text=_("Wanneer is teruggekoppeld, of wanneer bleek dat het niet kon of niet gewenst was."),
    )
    how = forms.CharField(
        label=_("Hoe teruggekoppeld"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: telefonisch, per brief."),
    )
    summary = forms.CharField(
        label=_("Wat is in algemene termen gezegd"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Geen inhoud van het onderzoek: alleen wat de melder mag weten."),
    )


def feedback_form(reporter: Reporter, data=None) -> FeedbackForm:
    initial = {
        "outcome": reporter.feedback_outcome or None,
        "given_on": reporter.feedback_on or timezone.localdate(),
        "how": reporter.feedback_how,
        "summary": reporter.feedback_summary,
        "version": reporter.version,
    }
    return FeedbackForm(data, initial=initial)
