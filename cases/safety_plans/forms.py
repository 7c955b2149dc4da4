"""Forms of the veiligheidsplan: thin, Dutch, checking input before a service sees it (the services
check the rules again, with the same messages)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.assessments.models import Veiligheidsvoorwaarde
from cases.forms import DATE_WIDGET
from cases.interventions.models import Intervention
from cases.models import Case, Participant, Person
from cases.record_reads import readable_persons
from cases.safety_plans import services
from cases.safety_plans.models import AgreementWay, SafetyPlanVersion
from cases.validators import validate_date_in_range
from partners.models import Organisation
from security.digits import is_ascii_digits

# Rows the page offers for goals, network members and warning signs; empty rows are left out.
ROWS = 5


class ScaleField(forms.CharField):
    """A safety scale 0-10 in ASCII digits ("٥" or "11" is refused with the rule's own message)."""

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        if not is_ascii_digits(text) or int(text) not in services.SCALE_RANGE:
            raise forms.ValidationError(services.SCALE_OUT_OF_RANGE)
        return int(text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PlanVersionForm(forms.Form):
    """A new version of the plan, filled in from the version in force (`initial_from`)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    danger_statements = forms.CharField(
        label=_("Gevaarsstatements"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Waar zijn de professionals bang voor? Eén per regel."),
        required=False,
    )
    monitoring = forms.CharField(label=_("Zo houden we het in de gaten"), widget=forms.Textarea, required=False)
    evaluation_on = forms.DateField(label=_("Evaluatiedatum"), widget=DATE_WIDGET, validators=[validate_date_in_range])
    conditions = forms.ModelMultipleChoiceField(
        label=_("Veiligheidsvoorwaarden waar het plan op steunt"),
        queryset=Veiligheidsvoorwaarde.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interventions = forms.ModelMultipleChoiceField(
        label=_("Inzet waar het plan op steunt"),
        queryset=Intervention.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("Wat is er veranderd"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, case: Case, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].queryset = case.veiligheidsvoorwaarden.all()
        self.fields["interventions"].queryset = case.interventions.all()
        # Only persons whose details the user may read are offered (their names are the choices).
        people = readable_persons(user, Person.objects.current().filter(case=case, role__in=services.NETWORK_ROLES))
        for i in range(1, ROWS + 1):
            self.fields[f"goal_{i}"] = forms.CharField(label=_("Veiligheidsdoel %d") % i, required=False)
            self.fields[f"scale_{i}"] = ScaleField(label=_("Schaal (0–10) bij doel %d") % i, required=False)
        for i in range(1, ROWS + 1):
            self.fields[f"person_{i}"] = forms.ModelChoiceField(
                label=_("Netwerklid %d") % i, queryset=people, required=False
            )
            self.fields[f"commitment_{i}"] = forms.CharField(
                label=_("Wie doet wat als … (netwerklid %d)") % i, required=False
            )
        for i in range(1, ROWS + 1):
            self.fields[f"sign_{i}"] = forms.CharField(label=_("Waarschuwingssignaal %d") % i, required=False)
            self.fields[f"action_{i}"] = forms.CharField(label=_("Wat doen we dan (signaal %d)") % i, required=False)

    @staticmethod
    def initial_from(version: SafetyPlanVersion | None, *, expected_version: int) -> dict:
        initial: dict = {"expected_version": expected_version}
        if version is None:
            return initial
        initial.update(
            danger_statements="\n".join(version.danger_statements),
            monitoring=version.monitoring,
            evaluation_on=version.evaluation_on,
            conditions=[c.pk for c in version.conditions.all()],
            interventions=[i.pk for i in version.interventions.all()],
        )
        for i, goal in enumerate(version.safety_goals[:ROWS], start=1):
            initial[f"goal_{i}"], initial[f"scale_{i}"] = goal["text"], goal["scale"]
        for i, c in enumerate(list(version.commitments.all())[:ROWS], start=1):
            initial[f"person_{i}"], initial[f"commitment_{i}"] = c.person_id, c.commitment
        for i, sign in enumerate(version.warning_signs[:ROWS], start=1):
            initial[f"sign_{i}"], initial[f"action_{i}"] = sign["sign"], sign["action"]
        return initial

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        goals, commitments, signs = [], [], []
        for i in range(1, ROWS + 1):
            text, scale = data.get(f"goal_{i}", "").strip(), data.get(f"scale_{i}")
            if text or scale is not None:
                if not text:
                    self.add_error(f"goal_{i}", services.GOAL_EMPTY)
                elif scale is None:
                    self.add_error(f"scale_{i}", services.SCALE_OUT_OF_RANGE)
                goals.append({"text": text, "scale": scale})
            person, commitment = data.get(f"person_{i}"), data.get(f"commitment_{i}", "").strip()
            if person or commitment:
                if person is None:
                    self.add_error(f"person_{i}", services.NETWORK_PERSON_NOT_IN_CASE)
                elif not commitment:
                    self.add_error(f"commitment_{i}", services.COMMITMENT_EMPTY)
                else:
                    commitments.append(services.Commitment(person, commitment))
            sign, action = data.get(f"sign_{i}", "").strip(), data.get(f"action_{i}", "").strip()
            if sign or action:
                signs.append({"sign": sign, "action": action})
        return {
            "expected_version": data["expected_version"],
            "danger_statements": _lines(data.get("danger_statements", "")),
            "safety_goals": goals,
            "commitments": commitments,
            "warning_signs": signs,
            "monitoring": data.get("monitoring", ""),
            "evaluation_on": data["evaluation_on"],
            "conditions": list(data.get("conditions") or []),
            "interventions": list(data.get("interventions") or []),
            "reason": data.get("reason", ""),
        }


class PlanAgreementForm(forms.Form):
    """An akkoord of a parent or network member, or of a partner organisation, with the newest version."""

    person = forms.ModelChoiceField(
        label=_("Persoon uit het gezin of netwerk"), queryset=Person.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Of: partnerorganisatie"), queryset=Organisation.objects.none(), required=False
    )
    agreed_on = forms.DateField(label=_("Datum akkoord"), widget=DATE_WIDGET, validators=[validate_date_in_range])
    way = forms.ChoiceField(label=_("Hoe"), choices=AgreementWay.choices)

    def __init__(self, *args, case: Case, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = readable_persons(user, Person.objects.current().filter(case=case))
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=Participant.objects.active().filter(case=case).values("organisation_id")
        )

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("person") is None) == (data.get("organisation") is None):
            raise forms.ValidationError(services.AGREEMENT_ONE_PARTY)
        return data
