"""Pages of the joint safety assessment: rounds, contributions, the joint judgement, dissent and
veiligheidsvoorwaarden. Every case through `case_for`; sub-objects looked up within that case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.assessments import amendments, services
from cases.assessments.confidential import contributions_shown, judgement_as_read_by
from cases.assessments.forms import (
    AgreementForm,
    ConditionCheckForm,
    ConditionForm,
    ContributionCorrectForm,
    ContributionForm,
    ContributionRequestForm,
    DissentForm,
    JudgementAmendForm,
    JudgementForm,
)
from cases.assessments.models import (
    CONTRIBUTION_CONTENT_FIELDS,
    JUDGEMENT_CONTENT_FIELDS,
    Agreement,
    Assessment,
    Dissent,
    JointJudgement,
    PartnerContribution,
    Veiligheidsvoorwaarde,
)
from cases.assessments.selectors import assessment_page, assessments_for, conditions_of, standpoints_of
from cases.confidentiality import NOT_READABLE
from cases.exceptions import AlreadyRecorded
from cases.selectors import case_for_request, working_for
from cases.view_helpers import page_of, run_form

FORM_PAGE = "cases/form_page.html"


def _case(request: HttpRequest, case_id):
    return case_for_request(request, case_id, detail="assessment")


@login_required
def assessment_list(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    rounds = list(assessments_for(request.user, case).reverse())
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
@transaction.non_atomic_requests
def assessment_detail(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    """One round: every partner's contribution (corrections beside their originals), the joint judgement
    with every version, the partners' standpoints on the version in force, and what the user may do.
    A fixed number of queries whatever the number of versions and standpoints."""
    case = _case(request, case_id)
    assessment = assessment_page(request.user, case, assessment_id)
    if assessment is None:
        raise Http404
    judgement = getattr(assessment, "judgement", None)  # RelatedObjectDoesNotExist is an AttributeError
    working = working_for(request.user, case)
    own_organisation = working[0] if working else None
    closed = assessment.episode != case.episode or case.is_closed
    standpoints = standpoints_of(judgement) if judgement else None
    asks_standpoint = bool(standpoints and not closed and own_organisation and own_organisation in standpoints.pending)
    version = {"version": judgement.version} if judgement else {}
    context = {
        "case": case,
        "assessment": assessment,
        "judgement": judgement,
        "closed": closed,
        "versions": judgement.versions_in_order if judgement else [],
        "standpoints": standpoints,
        "contributions": assessment.contributions_in_order,
        "correctable": {
            c.pk for c in assessment.contributions_in_order if not closed and working and c.author_id == request.user.pk
        },
        "conditions": list(conditions_of(case).filter(judgement=judgement)) if judgement else [],
        "contribution_form": ContributionForm() if judgement is None and not closed else None,
        "request_form": ContributionRequestForm(assessment=assessment) if judgement is None and not closed else None,
        "judgement_form": JudgementForm() if judgement is None and not closed else None,
        "may_amend": bool(judgement and not closed and working and _may_amend(request.user, judgement, case)),
        "agreement_form": AgreementForm(initial=version) if asks_standpoint else None,
        "dissent_form": DissentForm(initial=version) if asks_standpoint else None,
        "check_form_class": ConditionCheckForm,
        "not_readable": NOT_READABLE,
    }
    return render(request, "assessments/assessment_detail.html", context)


def _back(case, assessment_id) -> str:
    return reverse("assessment-detail", kwargs={"case_id": case.pk, "assessment_id": assessment_id})


def _may_amend(user, judgement: JointJudgement, case) -> bool:
    """`amendments.may_amend_judgement` for a user already known to work on the case."""
    judgement.assessment.case = case  # the case as the door gave it
    return amendments.recorder_or_coordinator(user, judgement)


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


def _refused(request: HttpRequest, *, case, title: str, message, back: str) -> HttpResponse:
    """A write this user may not do here: the reason in Dutch; 200 for a look at the page, 403 for a post."""
    status = 403 if request.method == "POST" else 200
    context = {"case": case, "title": title, "message": message, "back_url": back}
    return render(request, "assessments/refused.html", context, status=status)


def _judgement_amend_form(judgement: JointJudgement, data=None) -> JudgementAmendForm:
    initial = {name: getattr(judgement, name) for name in (*JUDGEMENT_CONTENT_FIELDS, "version")}
    return JudgementAmendForm(data, initial=initial)


@login_required
def judgement_amend(request: HttpRequest, case_id: int, judgement_id: int) -> HttpResponse:
    """Amend the joint judgement: a new version with a reason, by its recorder or a coordinator."""
    case = _case(request, case_id)
    judgement = _judgement(case, judgement_id)
    back = _back(case, judgement.assessment_id)
    title = _("Gezamenlijk oordeel wijzigen")
    if services.judgement_is_closed(judgement):
        return _refused(request, case=case, title=title, message=services.JUDGEMENT_EPISODE_CLOSED, back=back)
    if not amendments.may_amend_judgement(request.user, judgement):
        message = amendments.AMEND_ONLY_RECORDER_OR_COORDINATOR
        return _refused(request, case=case, title=title, message=message, back=back)
    if not amendments.may_read_judgement_texts(request.user, judgement):
        message = amendments.AMEND_TEXTS_NOT_READABLE
        return _refused(request, case=case, title=title, message=message, back=back)

    def call(data):
        fields = {name: value for name, value in data.items() if name not in ("version", "reason")}
        return amendments.judgement_amend(
            actor=request.user, judgement=judgement, expected_version=data["version"], reason=data["reason"], **fields
        )

    return run_form(
        request,
        _judgement_amend_form(judgement, request.POST or None),
        call,
        template=FORM_PAGE,
        context={
            "case": case,
            "title": title,
            "back_url": back,
            "intro": _("De wijziging wordt een nieuwe versie; de huidige versie blijft zichtbaar bij het oordeel."),
        },
        success_url=back,
        success_message=_("De wijziging is vastgelegd als een nieuwe versie van het gezamenlijk oordeel."),
        # The judgement as it is now, its texts as this user may read them.
        current_form=lambda current: _judgement_amend_form(judgement_as_read_by(request.user, current.pk)),
    )


def _standpoint_refusal(request: HttpRequest, case, judgement: JointJudgement, title: str) -> HttpResponse | None:
    if services.judgement_is_closed(judgement):
        back = _back(case, judgement.assessment_id)
        return _refused(request, case=case, title=title, message=services.JUDGEMENT_EPISODE_CLOSED, back=back)
    return None


@login_required
def agreement_add(request: HttpRequest, case_id: int, judgement_id: int) -> HttpResponse:
    """The akkoord of the user's organisation with the version of the judgement they saw."""
    case = _case(request, case_id)
    judgement = _judgement(case, judgement_id)
    back = _back(case, judgement.assessment_id)
    title = _("Akkoord met het gezamenlijk oordeel")
    refused = _standpoint_refusal(request, case, judgement, title)
    if refused is not None:
        return refused
    return run_form(
        request,
        AgreementForm(request.POST or None, initial={"version": judgement.version}),
        lambda data: services.agreement_record(
            actor=request.user, judgement=judgement, expected_version=data["version"]
        ),
        template=FORM_PAGE,
        context={
            "case": case,
            "title": title,
            "back_url": back,
            "intro": _("Uw organisatie gaat akkoord met versie %(number)s van het gezamenlijk oordeel.")
            % {"number": judgement.version},
        },
        success_url=back,
        success_message=_("Het akkoord van uw organisatie is vastgelegd."),
        current_form=lambda current: AgreementForm(initial={"version": current.version}),
    )


@login_required
def dissent_add(request: HttpRequest, case_id: int, judgement_id: int) -> HttpResponse:
    """The dissent of the user's organisation, with its reason, on the version of the judgement they saw."""
    case = _case(request, case_id)
    judgement = _judgement(case, judgement_id)
    back = _back(case, judgement.assessment_id)
    title = _("Afwijkend standpunt")
    refused = _standpoint_refusal(request, case, judgement, title)
    if refused is not None:
        return refused
    typed = request.POST.get("reason", "")
    return run_form(
        request,
        DissentForm(request.POST or None, initial={"version": judgement.version}),
        lambda data: services.dissent_record(
            actor=request.user, judgement=judgement, reason=data["reason"], expected_version=data["version"]
        ),
        template=FORM_PAGE,
        context={"case": case, "title": title, "back_url": back},
        success_url=back,
        success_message=_("Het afwijkende standpunt van uw organisatie is vastgelegd."),
        current_form=lambda current: DissentForm(initial={"version": current.version, "reason": typed}),
    )


def _contribution_correct_form(contribution: PartnerContribution, data=None) -> ContributionCorrectForm:
    initial = {name: getattr(contribution, name) for name in (*CONTRIBUTION_CONTENT_FIELDS, "version")}
    return ContributionCorrectForm(data, initial=initial)


@login_required
def contribution_correct(request: HttpRequest, case_id: int, contribution_id: int) -> HttpResponse:
    """The author corrects their contribution: a new version; the original stays, shown as corrected."""
    case = _case(request, case_id)
    contribution = get_object_or_404(
        contributions_shown(request.user).select_related("assessment", "organisation"),
        assessment__case=case,
        pk=contribution_id,
    )
    contribution.assessment.case = case
    back = _back(case, contribution.assessment_id)
    title = _("Bijdrage corrigeren")
    if not contribution.readable:  # type: ignore[attr-defined]
        return _refused(request, case=case, title=title, message=NOT_READABLE, back=back)
    if amendments.contribution_is_closed(contribution):
        message = amendments.CONTRIBUTION_EPISODE_CLOSED
        return _refused(request, case=case, title=title, message=message, back=back)
    if contribution.author_id != request.user.pk:
        return _refused(request, case=case, title=title, message=amendments.CORRECT_ONLY_AUTHOR, back=back)

    def call(data):
        fields = {name: value for name, value in data.items() if name not in ("version", "reason")}
        return amendments.contribution_correct(
            actor=request.user,
            contribution=contribution,
            expected_version=data["version"],
            reason=data["reason"],
            **fields,
        )

    return run_form(
        request,
        _contribution_correct_form(contribution, request.POST or None),
        call,
        template=FORM_PAGE,
        context={
            "case": case,
            "title": title,
            "back_url": back,
            "intro": _("De correctie wordt een nieuwe versie; de oorspronkelijke bijdrage blijft zichtbaar."),
        },
        success_url=back,
        success_message=_("De correctie is vastgelegd; de oorspronkelijke bijdrage blijft zichtbaar."),
        current_form=_contribution_correct_form,
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
page_of(Agreement, lambda a: _round_page(a.judgement.assessment.case_id, a.judgement.assessment_id))
page_of(Veiligheidsvoorwaarde, lambda c: reverse("assessment-list", kwargs={"case_id": c.case_id}))
