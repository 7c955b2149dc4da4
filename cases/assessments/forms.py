"""Forms of the joint safety assessment and veiligheidsvoorwaarden: thin, Dutch, checking input
before a service sees it (the services check the business rules again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.assessments.models import CONTRIBUTION_CONTENT_FIELDS, JUDGEMENT_CONTENT_FIELDS, Classification, RiskLevel
from cases.assessments.selectors import active_participants
from cases.assessments.services import SCORE_OUT_OF_RANGE, SCORE_RANGE
from cases.confidentiality import CLASS_UNKNOWN
from cases.forms import VersionedForm, submission_key_field
from cases.models import Case, Confidentiality
from cases.validators import validate_date_in_range
from partners.models import Organisation, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


SCORE_ERRORS = dict.fromkeys(("min_value", "max_value", "invalid", "required"), SCORE_OUT_OF_RANGE)


def score_field(label):
    hint = _("0 = het kind kan niet blijven, 10 = veilig genoeg om af te sluiten")
    return forms.IntegerField(
        label=label,
        min_value=SCORE_RANGE.start,
        max_value=SCORE_RANGE.stop - 1,
        error_messages=SCORE_ERRORS,
        help_text=hint,
    )


def confidentiality_field(help_text):
    """Who reads what is written here; the service checks the class again (melder: Veilig Thuis only).
    Left out, it is the class the item has (a correction, an amendment) or gedeeld."""
    return forms.ChoiceField(
        label=_("Vertrouwelijkheid"),
        choices=Confidentiality.choices,
        initial=Confidentiality.GEDEELD,
        required=False,
        error_messages={"invalid_choice": CLASS_UNKNOWN},
        help_text=help_text,
    )


class ClassedForm(forms.Form):
    def clean_confidentiality(self) -> str:
        return (
            self.cleaned_data.get("confidentiality") or self.initial.get("confidentiality") or Confidentiality.GEDEELD
        )


class ContributionForm(ClassedForm):
    worries = forms.CharField(label=_("Zorgen (schade en gevaar)"), required=False, widget=forms.Textarea)
    strengths = forms.CharField(label=_("Wat gaat goed (bestaande veiligheid)"), required=False, widget=forms.Textarea)
    must_happen = forms.CharField(label=_("Wat moet er gebeuren"), required=False, widget=forms.Textarea)
    safety_score = score_field(_("Veiligheidsscore (0–10)"))
    classification = forms.ChoiceField(label=_("Classificatie"), choices=Classification.choices)
    arij_outcome = forms.CharField(label=_("ARIJ-veiligheidstaxatie"), required=False, max_length=200)
    risk_level = forms.ChoiceField(
        label=_("Risiconiveau"), required=False, choices=[("", _("Geen")), *RiskLevel.choices]
    )
    lirik_outcome = forms.CharField(label=_("LIRIK-uitkomst"), required=False, max_length=200)
    confidentiality = confidentiality_field(
        _("Wie de inhoud van de bijdrage leest. Anderen zien alleen dat uw organisatie bijdroeg, door wie en wanneer.")
    )


class JudgementForm(ClassedForm):
    classification = forms.ChoiceField(label=_("Classificatie"), choices=Classification.choices)
    joint_score = score_field(_("Gezamenlijke veiligheidsscore (0–10)"))
    rationale = forms.CharField(label=_("Onderbouwing"), widget=forms.Textarea)
    parents_view = forms.CharField(label=_("Wat ouders zeggen"), required=False, widget=forms.Textarea)
    children_view = forms.CharField(label=_("Wat kinderen zeggen"), required=False, widget=forms.Textarea)
    parents_present = forms.BooleanField(label=_("Ouders waren aanwezig"), required=False)
    children_present = forms.BooleanField(label=_("Kinderen waren aanwezig"), required=False)
    confidentiality = confidentiality_field(
        _(
            "Wie de onderbouwing en wat ouders en kinderen zeggen leest. Classificatie en score zijn het besluit "
            "van het team en blijven voor alle betrokkenen zichtbaar."
        )
    )


class JudgementAmendForm(VersionedForm, JudgementForm):
    """Amending the joint judgement: its content as a new version, why, and the version the amender
    loaded."""

    reason = forms.CharField(
        label=_("Reden van de wijziging"),
        widget=forms.Textarea,
        help_text=_("Wordt bij de nieuwe versie getoond. De eerdere versie blijft zichtbaar."),
    )


class StandpointForm(VersionedForm):
    """A standpoint is about the version of the judgement the partner saw: a version amended in the
    meantime is a conflict, shown with what changed in the judgement."""

    record_fields = JUDGEMENT_CONTENT_FIELDS


class AgreementForm(StandpointForm):
    pass


class DissentForm(StandpointForm):
    reason = forms.CharField(label=_("Reden van het afwijkende standpunt"), widget=forms.Textarea)


class ContributionCorrectForm(VersionedForm, ContributionForm):
    """Correcting one's own contribution: its content as a new version, what and why, and the
    version the author loaded. The original stays and is shown as corrected."""

    record_fields = CONTRIBUTION_CONTENT_FIELDS

    reason = forms.CharField(label=_("Wat corrigeert u en waarom"), widget=forms.Textarea)


def _participating(case: Case):
    """Organisations and professionals that take part in the case (owners of actions)."""
    participants = list(active_participants(case))
    organisations = Organisation.objects.filter(pk__in={p.organisation_id for p in participants})
    professionals = User.objects.filter(pk__in={p.professional_id for p in participants})
    return organisations, professionals


class ConditionForm(forms.Form):
    description = forms.CharField(label=_("Veiligheidsvoorwaarde"), widget=forms.Textarea)
    owner_organisation = forms.ModelChoiceField(label=_("Eigenaar (organisatie)"), queryset=Organisation.objects.none())
    owner = forms.ModelChoiceField(label=_("Eigenaar (professional)"), queryset=User.objects.none())
    check_date = forms.DateField(label=_("Controledatum"), widget=DATE_WIDGET, validators=[validate_date_in_range])
    submission_key = submission_key_field()

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        organisations, professionals = _participating(case)
        self.fields["owner_organisation"].queryset = organisations
        self.fields["owner"].queryset = professionals


class ConditionCheckForm(VersionedForm):
    record_fields = ("status",)

    met = forms.TypedChoiceField(
        label=_("Uitkomst"), coerce=lambda v: v == "1", choices=[("1", _("nagekomen")), ("0", _("niet nagekomen"))]
    )


class ContributionRequestForm(forms.Form):
    """Ask a participating partner that has not yet contributed to the round."""

    organisation = forms.ModelChoiceField(label=_("Bijdrage vragen aan"), queryset=Organisation.objects.none())

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        participating = active_participants(assessment.case).values("organisation_id")
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(pk__in=participating)
            .exclude(pk__in=assessment.contributions.values("organisation_id"))
            .order_by("name")
        )
