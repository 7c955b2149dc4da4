"""The case's status page: move along the lifecycle, flag or resolve acute unsafety, reopen."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.forms import VersionedForm
from cases.models import CaseStatus
from cases.selectors import case_for_request
from cases.view_helpers import run_form
from workflows.lifecycle import services as lifecycle


class TransitionForm(VersionedForm):
    record_fields = ("status", "crisis")

    step = forms.ChoiceField(label=gettext_lazy("Stap"))
    reason = forms.CharField(label=gettext_lazy("Reden"), widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=gettext_lazy("Toch afsluiten met openstaande punten, omdat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Alleen voor een coördinator: waarom de casus sluit terwijl er nog inzet of voorwaarden openstaan."
        ),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        steps = [
            (f"to:{to}", _("Naar %(status)s") % {"status": CaseStatus(to).label})
            for to in lifecycle.allowed_targets(case)
        ]
        if case.is_closed:
            steps.append(("reopen", _("Heropenen (nieuwe episode)")))
        elif case.crisis:
            steps.append(("resolve_crisis", _("Acute onveiligheid opheffen")))
        else:
            steps.append(("crisis", _("Acute onveiligheid melden (crisispad)")))
        self.fields["step"].choices = steps


@login_required
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id, detail="status")

    def call(data):
        lifecycle.case_step(
            actor=request.user,
            case=case,
            step=data["step"],
            reason=data["reason"],
            expected_version=data["version"],
            override_reason=data.get("override_reason") or "",
        )

    form = TransitionForm(request.POST or None, case=case, initial={"version": case.version})
    return run_form(
        request,
        form,
        call,
        template="lifecycle/case_status.html",
        context={"case": case},
        success_url=reverse("case-detail", kwargs={"case_id": case.pk}),
        success_message=_("De status van de casus is bijgewerkt."),
        current_form=lambda current: TransitionForm(case=current, initial={"version": current.version}),
    )
