"""Meeting pages: the list and planning, the chair's view of the agenda, taking minutes and
decisions per agenda case, and each organisation's actions afterwards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.access_log.models import AccessAction
from cases.assessments.confidential import without_judgement_texts
from cases.assessments.forms import ConditionForm, JudgementForm
from cases.interventions.forms import InterventionForm
from cases.interventions.selectors import actions_of_my_organisations
from cases.selectors import case_for, case_for_request, log_search
from cases.view_helpers import page_of, run_form
from partners.selectors import coordinated_team_ids, user_coordinates_team
from security.services import client_ip
from workflows.meetings import services
from workflows.meetings.forms import (
    AgendaAddForm,
    AttendanceForm,
    AttendanceListForm,
    MeetingCloseForm,
    MeetingForm,
    MinutesForm,
)
from workflows.meetings.minutes import meeting_minutes, minutes_entry
from workflows.meetings.models import AgendaItem, Attendance
from workflows.meetings.pdf import PdfUnavailable, minutes_pdf
from workflows.meetings.selectors import (
    agenda_item_for,
    meeting_agenda,
    meeting_for,
    meetings_visible_to,
    open_agenda_proposals,
)

FORM_PAGE = "cases/form_page.html"
PDF_UNAVAILABLE = gettext_lazy("De pdf kan op deze server niet worden gemaakt. Druk het verslag af vanaf deze pagina.")


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming and past meetings of the user's teams; coordinators plan new ones here."""
    can_plan = bool(coordinated_team_ids(request.user))
    context = {"meetings": list(meetings_visible_to(request.user)[:100]), "can_plan": can_plan}
    if not can_plan:
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "meetings/meeting_list.html", context)

    def call(data):
        context["created"] = services.meeting_schedule(actor=request.user, **data)

    response = run_form(
        request,
        MeetingForm(request.POST or None, user=request.user),
        call,
        template="meetings/meeting_list.html",
        context=context,
        success_url=reverse("meeting-list"),
        success_message=_("Het overleg is gepland."),
    )
    if "created" in context:
        return redirect("meeting-detail", meeting_id=context["created"].pk)
    return response


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The chair's view: per agenda case the family, latest judgement, open and overdue actions.
    A closed meeting shows its minutes as frozen when it closed."""
    meeting = meeting_for(request.user, meeting_id)
    if meeting.is_closed:
        minutes = meeting_minutes(request.user, meeting, ip=client_ip(request), detail=f"meeting:{meeting.pk}")
        return render(request, "meetings/meeting_closed.html", {"meeting": meeting, "minutes": minutes})
    today = timezone.localdate()
    rows = meeting_agenda(request.user, meeting, today=today, ip=client_ip(request))
    is_coordinator = user_coordinates_team(request.user, meeting.team_id)
    context = {
        "meeting": meeting,
        "rows": rows,
        "attendances": list(meeting.attendances.select_related("user", "organisation")),
        "is_coordinator": is_coordinator,
        "today": today,
    }
    if _may_close(request.user, meeting):
        context["close_form"] = MeetingCloseForm(initial={"version": meeting.version})
    if is_coordinator:
        context["proposals"] = open_agenda_proposals(request.user, meeting)
        if context["proposals"]:
            log_search(request.user, ip=client_ip(request), detail=f"meeting:{meeting.pk};proposals")
        list_form = AttendanceListForm(request.GET or None, meeting=meeting)
        organisation = list_form.cleaned_data["organisation"] if list_form.is_valid() else None
        context |= {
            "agenda_form": AgendaAddForm(user=request.user, meeting=meeting),
            "attendance_form": AttendanceForm(meeting=meeting, organisation=organisation),
            "attendance_list_form": list_form,
        }
    return render(request, "meetings/meeting_detail.html", context)


def _may_close(user, meeting) -> bool:
    return user.pk == meeting.chair_id or user_coordinates_team(user, meeting.team_id)


@login_required
@require_POST
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The chair closes the meeting (idempotent: a second click says it was closed already)."""
    meeting = meeting_for(request.user, meeting_id)
    back = reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})
    return run_form(
        request,
        MeetingCloseForm(request.POST),
        lambda data: services.meeting_close(actor=request.user, meeting=meeting, expected_version=data["version"]),
        template=FORM_PAGE,
        context={"meeting": meeting, "title": _("Overleg sluiten"), "back_url": back},
        success_url=back,
        success_message=lambda closed: (
            _("Het overleg is gesloten; het verslag ligt vast.") if closed else _("Het overleg was al gesloten.")
        ),
        current_form=lambda current: MeetingCloseForm(initial={"version": current.version}),  # type: ignore[attr-defined]
    )


@login_required
def meeting_minutes_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The minutes to read and print: as frozen for a closed meeting, a draft for an open one."""
    meeting = meeting_for(request.user, meeting_id)
    minutes = meeting_minutes(request.user, meeting, ip=client_ip(request))
    return render(request, "meetings/meeting_minutes.html", {"meeting": meeting, "minutes": minutes})


@login_required
def meeting_minutes_download(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The minutes as a PDF, with only the agenda cases the reader may see (each logged as an export)."""
    meeting = meeting_for(request.user, meeting_id)
    minutes = meeting_minutes(
        request.user, meeting, ip=client_ip(request), action=AccessAction.EXPORT, detail=f"minutes-pdf:{meeting.pk}"
    )
    try:
        pdf = minutes_pdf(minutes, request=request)
    except PdfUnavailable:
        messages.error(request, PDF_UNAVAILABLE)
        response = render(request, "meetings/meeting_minutes.html", {"meeting": meeting, "minutes": minutes})
        response.status_code = 503
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localtime(meeting.scheduled_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="verslag-overleg-{meeting.pk}-{stamp}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _meeting_post(request, meeting_id, form_class, call, message, **form_kwargs):
    meeting = meeting_for(request.user, meeting_id)
    form = form_class(request.POST, meeting=meeting, **form_kwargs)
    back = reverse("meeting-detail", kwargs={"meeting_id": meeting.pk})
    return run_form(
        request,
        form,
        lambda data: call(meeting, data),
        template=FORM_PAGE,
        context={"meeting": meeting, "title": meeting, "back_url": back},
        success_url=back,
        success_message=message,
    )


@login_required
@require_POST
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    def call(meeting, data):
        # The agenda reaches a case only through the one door.
        case = case_for(
            request.user,
            data["case"].pk,
            ip=client_ip(request),
            action=AccessAction.CHANGE,
            detail=f"meeting:{meeting.pk}",
        )
        services.agenda_add(actor=request.user, meeting=meeting, case=case)

    return _meeting_post(request, meeting_id, AgendaAddForm, call, _("De casus staat op de agenda."), user=request.user)


@login_required
@require_POST
def attendance_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    def call(meeting, data):
        member = data["member"]
        services.attendance_record(
            actor=request.user, meeting=meeting, user=member.user, organisation=member.organisation
        )

    return _meeting_post(request, meeting_id, AttendanceForm, call, _("De aanwezigheid is vastgelegd."))


def _item(request: HttpRequest, meeting_id, item_id):
    meeting = meeting_for(request.user, meeting_id)
    item = agenda_item_for(meeting, item_id)
    case = case_for_request(request, item.case_id, detail=f"meeting:{meeting.pk}")
    item.case = case
    return meeting, item, case


ITEM_FORMS = {
    "minutes": (MinutesForm, gettext_lazy("Verslag")),
    "judgement": (JudgementForm, gettext_lazy("Gezamenlijk oordeel")),
    "intervention": (InterventionForm, gettext_lazy("Inzet afspreken")),
    "condition": (ConditionForm, gettext_lazy("Veiligheidsvoorwaarde afspreken")),
}


def _item_form(kind, case, item, data=None):
    """The forms share one page: a prefix per kind keeps their field ids apart."""
    form_class = ITEM_FORMS[kind][0]
    if kind == "minutes":
        return form_class(data, prefix=kind, initial={"minutes": item.minutes, "version": item.version})
    if kind == "judgement":
        return form_class(data, prefix=kind)
    if kind == "intervention":
        return form_class(data, prefix=kind, case=case, with_agreed_by=False)
    return form_class(data, prefix=kind, case=case)


@login_required
def agenda_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """One agenda case in the meeting: minutes and decisions are taken here (POST kind=...). In a
    closed meeting the case as frozen when it closed, and nothing is taken any more."""
    meeting, item, case = _item(request, meeting_id, item_id)
    if meeting.is_closed:
        status = 200
        if request.method == "POST":
            messages.error(request, services.MEETING_CLOSED)
            status = 400
        context = {"meeting": meeting, "item": item, "case": case, "entry": minutes_entry(item)}
        return render(request, "meetings/meeting_item_closed.html", context, status=status)
    back = reverse("meeting-item", kwargs={"meeting_id": meeting.pk, "item_id": item.pk})
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    forms = {name: _item_form(name, case, item) for name in ITEM_FORMS}
    context = {
        "meeting": meeting,
        "item": item,
        "case": case,
        "forms": forms,
        "decisions": list(
            item.decisions.select_related("intervention", "condition", "judgement").defer(*without_judgement_texts())
        ),
    }
    if request.method != "POST":
        return render(request, "meetings/meeting_item.html", context)
    if kind not in ITEM_FORMS:
        messages.error(request, _("Onbekend soort besluit."))
        return render(request, "meetings/meeting_item.html", context, status=400)
    actor = request.user
    calls = {
        "minutes": lambda d: services.minutes_record(
            actor=actor, item=item, minutes=d["minutes"], expected_version=d["version"]
        ),
        "judgement": lambda d: services.meeting_judgement(actor=actor, item=item, **d),
        "intervention": lambda d: services.meeting_intervention(actor=actor, item=item, **d),
        "condition": lambda d: services.meeting_condition(actor=actor, item=item, **d),
    }
    forms[kind] = _item_form(kind, case, item, request.POST)
    return run_form(
        request,
        forms[kind],
        calls[kind],
        template="meetings/meeting_item.html",
        context={**context, "failed": kind},
        success_url=back,
        success_message=_("Vastgelegd: %(what)s.") % {"what": ITEM_FORMS[kind][1]},
        current_form=(lambda current: _item_form(kind, case, current)) if kind == "minutes" else None,
    )


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """Acties van mijn organisatie: open interventions and conditions my organisations own."""
    today = timezone.localdate()
    actions = actions_of_my_organisations(request.user, today=today)
    log_search(request.user, ip=client_ip(request), detail="actions:my-organisations")
    # Where each organisation's actions were agreed: the minutes of the latest closed meetings.
    closed = list(meetings_visible_to(request.user).filter(closed_at__isnull=False)[:MINUTES_LISTED])
    return render(request, "meetings/my_actions.html", {"actions": actions, "today": today, "closed_meetings": closed})


MINUTES_LISTED = 10


# Where an 'already recorded' answer links to (cases.view_helpers.page_of).
page_of(AgendaItem, lambda item: reverse("meeting-item", kwargs={"meeting_id": item.meeting_id, "item_id": item.pk}))
page_of(Attendance, lambda attendance: reverse("meeting-detail", kwargs={"meeting_id": attendance.meeting_id}))
