"""Pages of the joint safety assessment: rounds, contributions, the joint judgement, dissent and
veiligheidsvoorwaarden. Every case through `case_for`; sub-objects looked up within that case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.assessments import services
from cases.assessments.forms import (
    ConditionCheckForm,
    ConditionForm,
    ContributionForm,
    ContributionRequestForm,
    DissentForm,
    JudgementEditForm,
    JudgementForm,
)
from cases.assessments.models import Assessment, Dissent, JointJudgement, PartnerContribution, Veiligheidsvoorwaarde
from cases.assessments.selectors import assessments_of, conditions_of
from cases.exceptions import AlreadyRecorded
from cases.selectors import case_for_request
from cases.view_helpers import page_of, run_form

FORM_PAGE = "cases/form_page.html"


def _case(request: HttpRequest, case_id):
    return case_for_request(request, case_id, detail="assessment")


@login_required
def assessment_list(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    rounds = list(assessments_of(case).reverse())
    conditions = list(conditions_of(case).filter(judgement__assessment__in=[r.pk for r in rounds]))
    return render(
        request, "assessments/assessment_list.html", {"case": case, "rounds": rounds, "conditions": conditions}
    )


@login_required
@require_POST
def assessment_start(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    try:
        assessment = services.assessment_start(actor=request.user, case=case)
    except AlreadyRecorded as exc:  # a round is open (a double click started it a moment ago): work in that one
        messages.info(request, " ".join(exc.messages))
        return redirect("assessment-detail", case_id=case.pk, assessment_id=exc.existing.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment-list", case_id=case.pk)
    return redirect("assessment-detail", case_id=case.pk, assessment_id=assessment.pk)


@login_required
def assessment_detail(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = _case(request, case_id)
    assessment = get_object_or_404(assessments_of(case), pk=assessment_id)
    judgement = getattr(assessment, "judgement", None)  # RelatedObjectDoesNotExist is an AttributeError
    context = {
        "case": case,
        "assessment": assessment,
        "judgement": judgement,
        "contributions": list(assessment.contributions.all()),
        "conditions": list(conditions_of(case).filter(judgement=judgement)) if judgement else [],
        "contribution_form": ContributionForm() if judgement is None else None,
        "request_form": ContributionRequestForm(assessment=assessment) if judgement is None else None,
        "judgement_form": JudgementForm() if judgement is None else None,
        "dissent_form": DissentForm() if judgement else None,
        "check_form_class": ConditionCheckForm,
    }
    return render(request, "assessments/assessment_detail.html", context)


def _back(case, assessment_id) -> str:
    return reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": assessment_id})


@login_required
def contribution_add(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = _case(request, case_id)
    assessment = get_object_or_404(case.assessments, pk=assessment_id)
    back = _back(case, assessment.pk)
    return run_form(
        request,
        ContributionForm(request.POST or None),
        lambda data: services.contribution_add(actor=request.user, assessment=assessment, **data),
        template=FORM_PAGE,
        context={"case": case, "title": _("Bijdrage aan de veiligheidsbeoordeling"), "back_url": back},
        success_url=back,
        success_message=_("Uw bijdrage is vastgelegd."),
    )


@login_required
@require_POST
def contribution_request(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = _case(request, case_id)
    assessment = get_object_or_404(case.assessments, pk=assessment_id)
    back = _back(case, assessment.pk)
    return run_form(
        request,
        ContributionRequestForm(request.POST, assessment=assessment),
        lambda data: services.contribution_request(
            actor=request.user, assessment=assessment, organisation=data["organisation"]
        ),
        template=FORM_PAGE,
        context={"case": case, "title": _("Bijdrage vragen"), "back_url": back},
        success_url=back,
        success_message=_("De bijdrage is gevraagd; de professionals van die partner krijgen een melding."),
    )


@login_required
def judgement_record(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = _case(request, case_id)
    assessment = get_object_or_404(case.assessments, pk=assessment_id)
    back = _back(case, assessment.pk)
    return run_form(
        request,
        JudgementForm(request.POST or None),
        lambda data: services.judgement_record(actor=request.user, assessment=assessment, **data),
        template=FORM_PAGE,
        context={"case": case, "title": _("Gezamenlijk oordeel"), "back_url": back},
        success_url=back,
        success_message=_("Het gezamenlijk oordeel is vastgelegd."),
    )


def _judgement(case, judgement_id) -> JointJudgement:
    return get_object_or_404(
        JointJudgement.objects.select_related("assessment__case"), assessment__case=case, pk=judgement_id
    )


def _judgement_edit_form(judgement: JointJudgement, data=None) -> JudgementEditForm:
    initial = {name: getattr(judgement, name) for name in (*services.JUDGEMENT_EDITABLE_FIELDS, "version")}
    return JudgementEditForm(data, initial=initial)


@login_required
def judgement_edit(request: HttpRequest, case_id: int, judgement_id: int) -> HttpResponse:
    case = _case(request, case_id)
    judgement = _judgement(case, judgement_id)
    back = _back(case, judgement.assessment_id)

    def call(data):
        fields = {name: value for name, value in data.items() if name != "version"}
        services.judgement_change(actor=request.user, judgement=judgement, expected_version=data["version"], **fields)

    return run_form(
        request,
        _judgement_edit_form(judgement, request.POST or None),
        call,
        template=FORM_PAGE,
        context={"case": case, "title": _("Gezamenlijk oordeel wijzigen"), "back_url": back},
        success_url=back,
        success_message=_("Het gezamenlijk oordeel is gewijzigd."),
        current_form=_judgement_edit_form,
    )


@login_required
def dissent_add(request: HttpRequest, case_id: int, judgement_id: int) -> HttpResponse:
    case = _case(request, case_id)
    judgement = _judgement(case, judgement_id)
    back = _back(case, judgement.assessment_id)
    return run_form(
        request,
        DissentForm(request.POST or None),
        lambda data: services.dissent_record(actor=request.user, judgement=judgement, reason=data["reason"]),
        template=FORM_PAGE,
        context={"case": case, "title": _("Afwijkend standpunt"), "back_url": back},
        success_url=back,
        success_message=_("Het afwijkende standpunt van uw organisatie is vastgelegd."),
    )


@login_required
def condition_add(request: HttpRequest, case_id: int, judgement_id: int) -> HttpResponse:
    case = _case(request, case_id)
    judgement = _judgement(case, judgement_id)
    back = _back(case, judgement.assessment_id)
    return run_form(
        request,
        ConditionForm(request.POST or None, case=case),
        lambda data: services.condition_agree(actor=request.user, judgement=judgement, **data),
        template=FORM_PAGE,
        context={"case": case, "title": _("Veiligheidsvoorwaarde afspreken"), "back_url": back},
        success_url=back,
        success_message=_("De veiligheidsvoorwaarde is vastgelegd."),
    )


@login_required
def condition_check(request: HttpRequest, case_id: int, condition_id: int) -> HttpResponse:
    case = _case(request, case_id)
    condition = get_object_or_404(case.veiligheidsvoorwaarden, pk=condition_id)
    back = reverse("assessment-list", kwargs={"case_id": case.pk})
    return run_form(
        request,
        ConditionCheckForm(request.POST or None, initial={"version": condition.version}),
        lambda data: services.condition_check(
            actor=request.user, condition=condition, met=data["met"], expected_version=data["version"]
        ),
        template=FORM_PAGE,
        context={
            "case": case,
            "title": _("Veiligheidsvoorwaarde controleren"),
            "back_url": back,
            "intro": condition.description,
        },
        success_url=back,
        success_message=_("De controle is vastgelegd."),
        current_form=lambda current: ConditionCheckForm(initial={"version": current.version}),
    )


def _round_page(case_id: int, assessment_id: int) -> str:
    return reverse("assessment-detail", kwargs={"case_id": case_id, "assessment_id": assessment_id})


# Where an 'already recorded' answer links to (cases.view_helpers.page_of).
page_of(Assessment, lambda assessment: _round_page(assessment.case_id, assessment.pk))
page_of(PartnerContribution, lambda c: _round_page(c.assessment.case_id, c.assessment_id))
page_of(JointJudgement, lambda j: _round_page(j.assessment.case_id, j.assessment_id))
page_of(Dissent, lambda d: _round_page(d.judgement.assessment.case_id, d.judgement.assessment_id))
page_of(Veiligheidsvoorwaarde, lambda c: reverse("assessment-list", kwargs={"case_id": c.case_id}))
