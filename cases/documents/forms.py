"""Forms of the document pages: thin, Dutch; the rules and their messages are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.documents.models import Confidentiality, DocumentKind, Measure, MeasureEndReason
from cases.documents.selectors import persons_of_case
from cases.forms import DATE_WIDGET, submission_key_field
from cases.models import Case
from cases.validators import validate_date_in_range


class FileField(forms.FileField):
    """The file; its size, name and type are checked by the service, by content."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            label=_("Bestand"),
            help_text=_("PDF, Word (docx), Excel (xlsx), OpenDocument, PNG, JPEG of platte tekst."),
            allow_empty_file=True,
            **kwargs,
        )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Titel"), max_length=200)
    document_date = forms.DateField(
        label=_("Datum van het document"), widget=DATE_WIDGET, validators=[validate_date_in_range]
    )
    confidentiality = forms.ChoiceField(
        label=_("Vertrouwelijkheid"),
        choices=Confidentiality.choices,
        initial=Confidentiality.GEDEELD,
        widget=forms.RadioSelect,
        help_text=_(
            "Wie de titel en de inhoud leest. Anderen op de casus zien alleen dát er een document is, "
            "van wie en wanneer."
        ),
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("Betreft"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bij een beschikking: de maatregel geldt voor elk gekozen kind (jeugdige)."),
    )
    file = FileField()
    measure = forms.ChoiceField(
        label=_("Maatregel (bij een beschikking)"), choices=[("", "—"), *Measure.choices], required=False
    )
    decided_on = forms.DateField(
        label=_("Datum van de beschikking"), widget=DATE_WIDGET, required=False, validators=[validate_date_in_range]
    )
    measure_start = forms.DateField(
        label=_("Ingangsdatum van de maatregel"),
        widget=DATE_WIDGET,
        required=False,
        validators=[validate_date_in_range],
    )
    measure_end = forms.DateField(
        label=_("Einddatum van de maatregel"),
        widget=DATE_WIDGET,
        required=False,
        validators=[validate_date_in_range],
        help_text=_("Opent de termijn voor het verzoek tot verlenging."),
    )
    submission_key = submission_key_field()

    def __init__(self, case: Case, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        persons = self.fields["persons"]
        assert isinstance(persons, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        persons.queryset = persons_of_case(case, user)
        persons.label_from_instance = lambda person: person.full_name


class VersionForm(forms.Form):
    file = FileField()


class MeasureEndForm(forms.Form):
    """The end of one child's measure: the day and how it ended."""

    ended_on = forms.DateField(label=_("Beëindigd op"), widget=DATE_WIDGET, validators=[validate_date_in_range])
    reason = forms.ChoiceField(label=_("Reden van beëindiging"), choices=MeasureEndReason.choices)
