"""Pages of agreed interventions: the case's list, agreeing one, starting, completing, stopping."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.interventions import services
from cases.interventions.forms import InterventionEndForm, InterventionForm
from cases.interventions.models import Intervention
from cases.interventions.selectors import interventions_of
from cases.selectors import case_for_request
from cases.view_helpers import page_of, run_form

ACTIONS = {
    "start": gettext_lazy("Inzet starten"),
    "complete": gettext_lazy("Inzet afronden"),
    "stop": gettext_lazy("Inzet stoppen"),
}


def _case(request: HttpRequest, case_id):
    return case_for_request(request, case_id, detail="intervention")


@login_required
def intervention_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's interventions, and the form to agree a new one."""
    case = _case(request, case_id)
    back = reverse("intervention-list", kwargs={"case_id": case.pk})
    context = {"case": case, "interventions": list(interventions_of(case).order_by("-agreed_at", "-id"))}
    return run_form(
        request,
        InterventionForm(request.POST or None, case=case),
        lambda data: services.intervention_agree(actor=request.user, case=case, **data),
        template="interventions/intervention_list.html",
        context=context,
        success_url=back,
        success_message=_("De inzet is afgesproken."),
    )


@login_required
def intervention_detail(request: HttpRequest, case_id: int, intervention_id: int) -> HttpResponse:
    """One intervention with its agreement record; POST action=start|complete|stop moves it."""
    case = _case(request, case_id)
    intervention = get_object_or_404(interventions_of(case), pk=intervention_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in ACTIONS:
        return render(
            request,
            "interventions/intervention_detail.html",
            {"case": case, "intervention": intervention, "form": InterventionEndForm(), "error": _("Onbekende actie.")},
            status=400,
        )
    title = ACTIONS.get(action, ACTIONS["start"])

    def call(data):
        services.intervention_move(
            action=action or "start",
            actor=request.user,
            intervention=intervention,
            expected_version=data["version"],
            result=data.get("result") or "",
        )

    back = reverse("intervention-detail", kwargs={"case_id": case.pk, "intervention_id": intervention.pk})
    decision = getattr(intervention, "meeting_decision", None)
    return run_form(
        request,
        InterventionEndForm(request.POST or None, initial={"version": intervention.version}),
        call,
        template="interventions/intervention_detail.html",
        context={"case": case, "intervention": intervention, "title": title, "decision": decision},
        success_url=back,
        success_message=_("De inzet is bijgewerkt."),
        current_form=lambda current: InterventionEndForm(initial={"version": current.version}),
    )


page_of(
    Intervention,
    lambda i: reverse("intervention-detail", kwargs={"case_id": i.case_id, "intervention_id": i.pk}),
)
