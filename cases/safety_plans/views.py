"""Pages of the veiligheidsplan: the plan with its versions and akkoorden, a new version, an akkoord,
and what the family reads (printable page and PDF). Every case through `case_for`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access_log.models import AccessAction
from cases.safety_plans import services
from cases.safety_plans.family import family_summary
from cases.safety_plans.forms import PlanAgreementForm, PlanVersionForm
from cases.safety_plans.models import SafetyPlanVersion
from cases.safety_plans.pdf import PdfUnavailable, family_summary_pdf
from cases.safety_plans.selectors import is_agreed, plan_of, versions_of
from cases.selectors import case_for, case_for_request
from cases.view_helpers import page_of, run_form
from security.services import client_ip

PDF_UNAVAILABLE = gettext_lazy("De pdf kan op deze server niet worden gemaakt. Druk de pagina af.")


def _case(request: HttpRequest, case_id):
    return case_for_request(request, case_id, detail="safety-plan")


def _versions(case, user):
    plan = plan_of(case)
    versions = list(versions_of(plan, user)) if plan is not None else []
    for version in versions:
        version.agreed = is_agreed(version)  # type: ignore[attr-defined]
    return plan, versions


@login_required
def plan_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The plan in force, every earlier version with who agreed, and the form for the next version
    (filled in from the version in force). A fixed number of queries whatever the number of versions."""
    case = _case(request, case_id)
    plan, versions = _versions(case, request.user)
    current = versions[0] if versions else None
    expected = plan.version if plan is not None else 0
    form = PlanVersionForm(
        request.POST or None,
        case=case,
        user=request.user,
        initial=PlanVersionForm.initial_from(current, expected_version=expected),
    )
    back = reverse("safety-plan", kwargs={"case_id": case.pk})
    return run_form(
        request,
        form,
        lambda data: services.plan_version_record(actor=request.user, case=case, **data),
        template="safety_plans/plan_detail.html",
        context={"case": case, "plan": plan, "versions": versions, "current": current},
        success_url=back,
        success_message=lambda version: _("Versie %d van het veiligheidsplan is vastgelegd.") % version.number,
    )


@login_required
def plan_agree(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record an akkoord (a parent, a network member or a partner) with the newest version."""
    case = _case(request, case_id)
    plan, versions = _versions(case, request.user)
    back = reverse("safety-plan", kwargs={"case_id": case.pk})
    if not versions:
        messages.error(request, _("Er is nog geen veiligheidsplan om akkoord op te geven."))
        return render(request, "safety_plans/plan_agree.html", {"case": case, "current": None}, status=404)
    current = versions[0]
    return run_form(
        request,
        PlanAgreementForm(
            request.POST or None, case=case, user=request.user, initial={"agreed_on": timezone.localdate()}
        ),
        lambda data: services.plan_agreement_record(actor=request.user, version=current, **data),
        template="safety_plans/plan_agree.html",
        context={"case": case, "current": current},
        success_url=back,
        success_message=_("Het akkoord is vastgelegd."),
    )


def _language(request: HttpRequest) -> str:
    return "en" if request.GET.get("taal") == "en" else translation.get_language() or "nl"


@login_required
def family_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """What the family reads, to print."""
    case = _case(request, case_id)
    with translation.override(_language(request)):
        return render(request, "safety_plans/family_summary.html", {"summary": family_summary(case)})


@login_required
def family_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    """What the family reads, as a PDF (logged as an export)."""
    case = case_for(
        request.user, case_id, ip=client_ip(request), action=AccessAction.EXPORT, detail="safety-plan-family-pdf"
    )
    summary = family_summary(case)
    with translation.override(_language(request)):
        try:
            pdf = family_summary_pdf(summary, request=request)
        except PdfUnavailable:
            messages.error(request, PDF_UNAVAILABLE)
            return render(request, "safety_plans/family_summary.html", {"summary": summary}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="veiligheidsplan-{case.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


page_of(SafetyPlanVersion, lambda v: reverse("safety-plan", kwargs={"case_id": v.plan.case_id}))
