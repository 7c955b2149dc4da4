from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import SafetyTeam

# A caseload of ~10k cases with history fits well within this.
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
ALLOWED_SUFFIXES = (".jsonl", ".json")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("JSON Lines (.jsonl, één casus per regel) of JSON (.json), hoogstens 20 MB."),
    )
    team = forms.ModelChoiceField(
        label=_("Veiligheidsteam"),
        queryset=SafetyTeam.objects.order_by("name"),
        required=False,
        empty_label=_("zoals in het bestand"),
        help_text=_("Importeer alle casussen in dit team, wat het bestand ook zegt."),
    )
    dry_run = forms.BooleanField(
        label=_("Alleen controleren (proefimport, niets opslaan)"), required=False, initial=True
    )
    all_or_nothing = forms.BooleanField(label=_("Alles of niets: bij één fout niets importeren"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Kies een .jsonl- of .json-bestand."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 20 MB; splits het in delen."))
        return upload
