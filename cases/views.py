"""Web pages of the case record. Thin: every case is reached through `cases.selectors` (need-to-know
and the access log), every change goes through `cases.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import corrections, services
from cases.confidentiality import reader_grants
from cases.exceptions import AlreadyRecorded, AlreadySubmitted
from cases.forms import (
    BsnSearchForm,
    CaseFilterForm,
    CaseOpenForm,
    NoteCorrectionForm,
    NoteForm,
    ParticipantForm,
    PersonEditForm,
    PersonForm,
    PersonRemoveForm,
    TimelineFilterForm,
    apply_service_errors,
)
from cases.models import Case, Note, Participant, Person
from cases.record_reads import note_to_correct, notes_of, person_to_change, persons_of
from cases.selectors import (
    bsn_digest,
    case_for_request,
    cases_filter,
    cases_flagged,
    cases_of_coordinated_teams,
    cases_participating,
    cases_visible_to,
    log_search,
    overdue_filter_available,
    person_for_request,
    timeline_of,
)
from cases.timeline import timeline_kinds
from cases.view_helpers import page_of, refuse_already_recorded, run_form
from cases.visits import case_visit_record
from partners.models import WORKING_ROLES, Municipality, SafetyTeam
from partners.selectors import active_memberships, memberships_of
from security.services import client_ip

PAGE_SIZE = 25
LIST_SCOPES = {"mine": cases_participating, "team": cases_of_coordinated_teams}


def _case_list(request: HttpRequest, *, scope: str) -> HttpResponse:
    selector = LIST_SCOPES[scope]
    team_ids = [m.team_id for m in active_memberships(request.user) if m.team_id is not None]
    municipalities = Municipality.objects.filter(teams__in=team_ids).distinct().order_by("name")
    form = CaseFilterForm(request.GET or None, municipalities=municipalities, show_overdue=overdue_filter_available())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    search = filters.get("q") or ""
    municipality = filters.get("municipality")
    cases = cases_filter(
        cases_flagged(selector(request.user).select_related("municipality", "team", "vast_gezicht")),
        user=request.user,
        status=filters.get("status") or "",
        municipality_id=municipality.pk if municipality else None,
        search=search,
        overdue=bool(filters.get("overdue")),
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    # One row per list shown; the search term itself is never stored, only its length.
    log_search(
        request.user,
        ip=client_ip(request),
        detail=f"list:{scope};q_len={len(search)};status={filters.get('status') or '-'};"
        f"municipality={municipality.pk if municipality else '-'};page={page.number}",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "scope": scope,
            "page": page,
            "form": form,
            "querystring": query.urlencode(),
            "is_coordinator": scope == "team",
        },
    )


@transaction.non_atomic_requests  # reads only; the access log has its own connection
@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    return _case_list(request, scope="mine")


@transaction.non_atomic_requests  # reads only; the access log has its own connection
@login_required
def team_cases(request: HttpRequest) -> HttpResponse:
    return _case_list(request, scope="team")


def _teams_to_open_in(user):
    return SafetyTeam.objects.filter(
        pk__in=memberships_of(user).filter(role__in=WORKING_ROLES).values("team_id")
    ).order_by("name")


@login_required
def case_open(request: HttpRequest) -> HttpResponse:
    teams = _teams_to_open_in(request.user)
    if not teams.exists():
        raise Http404("Geen team")
    form = CaseOpenForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            confirmed = data.pop("confirm_family")
            with transaction.atomic():
                case = services.case_open(actor=request.user, ip=client_ip(request), family_confirmed=confirmed, **data)
        except AlreadySubmitted as exc:  # the same form again (a double click): the case was opened once
            messages.info(request, exc.messages[0])
            return redirect("case-detail", case_id=exc.existing.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("team", str(exc))
        else:
            messages.success(request, _("Casus %(reference)s is geopend.") % {"reference": case.reference})
            return redirect("case-detail", case_id=case.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "cases/case_open.html", {"form": form}, status=status)


@transaction.non_atomic_requests  # reads only; the access log has its own connection
@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    case_visit_record(user=request.user, case=case)
    timeline_filter = TimelineFilterForm(request.GET)
    groups = timeline_filter.cleaned_data["soort"] if timeline_filter.is_valid() else []
    timeline_query = request.GET.copy()
    timeline_query.pop("tijdlijn", None)
    # The reader's own participations, read once for every class decision on the page (cases.confidentiality).
    grants = reader_grants(request.user, [case.pk])
    # Current and removed persons in one query (both in the model's order), split here.
    persons = list(persons_of(request.user, case, removed=None, grants=grants))
    context = {
        "case": case,
        # The class of every item is decided by the database (cases.record_reads): "dat, niet wat".
        "persons": [person for person in persons if person.removed_at is None],
        "removed_persons": [person for person in persons if person.removed_at is not None],
        "participants": list(case.participants.select_related("organisation", "professional")),
        "timeline": timeline_of(
            request.user, case, kinds=timeline_kinds(groups), page=request.GET.get("tijdlijn"), grants=grants
        ),
        "timeline_filter": timeline_filter,
        "timeline_query": timeline_query.urlencode(),
        "notes": list(notes_of(request.user, case, grants)),
        "note_form": NoteForm(),
        "reader_grants": grants,
    }
    return render(request, "cases/case_detail.html", context)


@login_required
def person_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id, detail="person:add")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            confirmed = data.pop("confirm_family")
            with transaction.atomic():
                person = services.person_add(
                    actor=request.user, case=case, family_confirmed=confirmed, ip=client_ip(request), **data
                )
        except AlreadySubmitted as exc:
            messages.info(request, exc.messages[0])
            return redirect("case-detail", case_id=case.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is toegevoegd.") % {"name": person.full_name})
            return redirect("case-detail", case_id=case.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "cases/person_form.html", {"case": case, "form": form}, status=status)


def _person_edit_form(person: Person, data=None) -> PersonEditForm:
    # The BSN is never put in the field: left empty, the one on file stays.
    initial = {
        "role": person.role,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "confidentiality": person.confidentiality,
    }
    return PersonEditForm(data, initial={**initial, "version": person.version}, person=person)


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    # Through the door (logged with the person), then only a person whose details the user may read.
    person = person_to_change(request.user, person_for_request(request, person_id).case, person_id)

    def call(data):
        fields = {name: value for name, value in data.items() if name != "version"}
        return services.person_change(actor=request.user, person=person, expected_version=data["version"], **fields)

    return run_form(
        request,
        _person_edit_form(person, request.POST or None),
        call,
        template="cases/person_form.html",
        context={"case": person.case, "person": person},
        success_url=reverse("case-detail", kwargs={"case_id": person.case_id}),
        success_message=lambda changed: _("De gegevens van %(name)s zijn opgeslagen.") % {"name": changed.full_name},
        current_form=_person_edit_form,
    )


@login_required
def participant_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id, detail="participant:add")
    form = ParticipantForm(request.POST or None, team=case.team, case=case, user=request.user)
    context = {"case": case, "form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.participant_add(actor=request.user, case=case, **form.cleaned_data)
        except AlreadyRecorded as exc:
            context = refuse_already_recorded(form, exc, context)
            status = 409
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("De betrokkene is toegevoegd."))
            return redirect("case-detail", case_id=case.pk)
    if status == 200 and form.is_bound and form.errors:
        status = 400
    return render(request, "cases/participant_form.html", context, status=status)


@login_required
def participant_end(request: HttpRequest, case_id: int, participant_id: int) -> HttpResponse:
    case = case_for_request(request, case_id, detail="participant:end")
    participant = case.participants.select_related("organisation", "professional").filter(pk=participant_id).first()
    if participant is None:
        raise Http404("Betrokkene niet gevonden")
    error = None
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.participant_end(actor=request.user, participant=participant)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("De betrokkenheid is beëindigd."))
            if participant.professional_id == request.user.pk:
                return redirect("my-cases")  # without another grant the case is out of reach now
            return redirect("case-detail", case_id=case.pk)
    return render(
        request,
        "cases/participant_end.html",
        {"case": case, "participant": participant, "error": error},
        status=400 if error else 200,
    )


@login_required
def note_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id, detail="note:add")
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.note_add(
                    actor=request.user,
                    case=case,
                    text=form.cleaned_data["text"],
                    confidentiality=form.cleaned_data["confidentiality"],
                    submission_key=form.cleaned_data["submission_key"],
                )
        except AlreadySubmitted as exc:
            messages.info(request, exc.messages[0])
            return redirect("case-detail", case_id=case.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("De notitie is toegevoegd."))
            return redirect("case-detail", case_id=case.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "cases/note_form.html", {"case": case, "form": form}, status=status)


def _note_correction_form(note: Note, data=None) -> NoteCorrectionForm:
    return NoteCorrectionForm(
        data, initial={"text": note.text, "version": note.version, "confidentiality": note.confidentiality}
    )


@login_required
def note_correct(request: HttpRequest, case_id: int, note_id: int) -> HttpResponse:
    """The author corrects their note: an amendment, the original stays shown as corrected."""
    case = case_for_request(request, case_id, detail=f"note:{note_id}:correct")
    note = note_to_correct(request.user, case, note_id)

    def call(data):
        try:
            return corrections.note_correct(
                actor=request.user,
                note=note,
                text=data["text"],
                expected_version=data["version"],
                submission_key=data["submission_key"],
                confidentiality=data.get("confidentiality") or None,
            )
        except PermissionDenied as exc:  # not the author: said on the form, like any refused rule
            raise ValidationError(str(exc)) from exc

    context = {"case": case, "note": note, "may_correct": note.author_id == request.user.pk}
    return run_form(
        request,
        _note_correction_form(note, request.POST or None),
        call,
        template="cases/note_correct.html",
        context=context,
        success_url=_case_page(case.pk),
        success_message=_("De notitie is gecorrigeerd; de oorspronkelijke tekst blijft zichtbaar."),
        current_form=_note_correction_form,
    )


def _person_remove_form(person: Person, data=None) -> PersonRemoveForm:
    return PersonRemoveForm(data, initial={"version": person.version})


@login_required
def person_remove(request: HttpRequest, case_id: int, person_id: int) -> HttpResponse:
    """Remove a person added by mistake, with the reason; they stay in the history."""
    case = case_for_request(request, case_id, detail=f"person:{person_id}:remove")
    person = person_to_change(request.user, case, person_id)

    def call(data):
        return corrections.person_remove(
            actor=request.user, person=person, reason=data["reason"], expected_version=data["version"]
        )

    return run_form(
        request,
        _person_remove_form(person, request.POST or None),
        call,
        template="cases/person_remove.html",
        context={"case": case, "person": person},
        success_url=_case_page(case.pk),
        success_message=lambda removed: (
            _("%(name)s is verwijderd; de reden is vastgelegd.") % {"name": removed.full_name}
        ),
        current_form=_person_remove_form,
    )


@transaction.non_atomic_requests  # reads only; the access log has its own connection
@login_required
def bsn_search(request: HttpRequest) -> HttpResponse:
    """Cases the user may see with a person of this BSN (exact). Sent by POST, so the BSN stays out
    of addresses, browser history and server logs; the search is logged with the BSN keyed."""
    form = BsnSearchForm(request.POST or None)
    cases = None
    if request.method == "POST" and form.is_valid():
        bsn = form.cleaned_data["bsn"]
        cases = list(
            cases_filter(
                cases_visible_to(request.user).select_related("municipality", "team", "vast_gezicht"),
                user=request.user,
                bsn=bsn,
            )[:PAGE_SIZE]
        )
        log_search(request.user, ip=client_ip(request), detail=f"bsn-search;q={bsn_digest(bsn)};hits={len(cases)}")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "cases/bsn_search.html", {"form": form, "cases": cases}, status=status)


def _case_page(case_id: int) -> str:
    return reverse("case-detail", kwargs={"case_id": case_id})


# Where an 'already recorded' answer links to (cases.view_helpers.page_of).
page_of(Case, lambda case: _case_page(case.pk))
page_of(Participant, lambda participant: _case_page(participant.case_id))
page_of(Person, lambda person: _case_page(person.case_id))
page_of(Note, lambda note: _case_page(note.case_id))
