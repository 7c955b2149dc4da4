"""What the workflow pages share: run a service for a valid form and answer in the user's terms.

A stale edit has one path on every page: the form comes back as the record is now (its values, its
new version) with a `Conflict` beside it, the colleague's stored value and the editor's own input per
field (template `cases/_conflict.html`). Nothing of the editor's is saved until they send it again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.exceptions import AlreadyRecorded, AlreadySubmitted, ConcurrentEditError
from cases.forms import VersionedForm, apply_service_errors
from cases.validators import mask_bsn

EMPTY = "—"
# Never shown in full, not even back to the editor who typed it.
MASKED = {"bsn": mask_bsn}


@dataclass(frozen=True)
class ConflictRow:
    label: str
    stored: str  # in the record now (a colleague's value where `changed`)
    yours: str  # what this editor sent, not saved
    changed: bool  # a colleague changed it after this editor loaded the record


@dataclass(frozen=True)
class Conflict:
    message: str
    rows: list[ConflictRow]

    @classmethod
    def of(cls, exc: ConcurrentEditError, *, form: forms.Form) -> Conflict:
        """The stale `form` (valid, refused) against `exc.current`: a row per field a colleague changed
        or the editor entered differently from what is stored now."""
        current = exc.current
        own = [name for name, field in form.fields.items() if not field.widget.is_hidden]
        rows = []
        for name in (*own, *(n for n in getattr(form, "record_fields", ()) if n not in own)):
            changed = name in exc.changed_fields
            stored = _stored(current, name)
            yours = _typed(form, name) if name in own else EMPTY
            if changed or (name in own and yours != stored):
                rows.append(ConflictRow(_label(form, current, name), stored, yours, changed))
        return cls(message=_message(current, [row.label for row in rows if row.changed]), rows=rows)


def _label(form: forms.Form, record: models.Model, name: str) -> str:
    if name in form.fields:
        return str(form.fields[name].label)
    return capfirst(str(type(record)._meta.get_field(name).verbose_name))


def _shown(value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


def _stored(record: models.Model, name: str) -> str:
    try:
        field = type(record)._meta.get_field(name)
    except FieldDoesNotExist:
        return EMPTY  # a field of the form only (a step, a reason): nothing of it is stored
    if not field.concrete or field.many_to_many:
        return EMPTY
    value = getattr(record, name)
    if name in MASKED:
        return MASKED[name](value) or EMPTY
    if field.choices:
        return _shown(dict(field.flatchoices).get(value, value))
    return _shown(value)


def _typed(form: forms.Form, name: str) -> str:
    field, value = form.fields[name], form.cleaned_data.get(name)
    if name in MASKED:
        return MASKED[name](value or "") or EMPTY
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(item) for item in value) or EMPTY
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        raw = form[name].data  # the choice as sent; a typed choice's cleaned value lost its label
        return _shown(dict(field.choices).get(raw, raw))
    return _shown(value)


def _message(record: models.Model, changed: list[str]) -> str:
    fields = ", ".join(changed) or _("onbekend welke gegevens")
    latest = None
    if hasattr(type(record), "history"):
        latest = type(record).history.filter(id=record.pk).select_related("history_user").order_by("-history_id")
        latest = latest.first()
    if latest is not None and latest.history_user is not None:
        who = _("%(name)s heeft dit op %(when)s gewijzigd (%(fields)s).") % {
            "name": latest.history_user.get_full_name() or latest.history_user.get_username(),
            "when": _shown(latest.history_date),
            "fields": fields,
        }
    else:
        who = _("Iemand anders heeft dit intussen gewijzigd (%(fields)s).") % {"fields": fields}
    return " ".join(
        (
            who,
            _(
                "Uw wijziging is niet opgeslagen. Het formulier toont nu wat er is opgeslagen; wat u had "
                "ingevuld staat ernaast. Neem over wat u wilt houden en sla dan opnieuw op."
            ),
        )
    )


# model -> the address of the page that shows a row of it; filled by each views module (`page_of`).
_PAGES: dict[type[models.Model], Callable[[models.Model], str]] = {}


def page_of(model: type[models.Model], url: Callable[[models.Model], str]) -> None:
    """Register where a row of `model` is shown: an 'already recorded' answer links there."""
    _PAGES[model] = url


def already_recorded_link(exc: AlreadyRecorded) -> dict | None:
    """The link to what was recorded first, for the form's error summary (`already_recorded`)."""
    url = _PAGES.get(type(exc.existing))
    if url is None:
        return None
    return {"url": url(exc.existing), "label": _("Bekijk wat er al is vastgelegd")}


def refuse_already_recorded(form, exc: AlreadyRecorded, context: dict) -> dict:
    """Show 'this already exists' on the form, keeping the input; returns the context with the link."""
    apply_service_errors(form, exc)
    return {**context, "already_recorded": already_recorded_link(exc)}


def run_form(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict], object],
    *,
    template: str,
    context: dict,
    success_url: str,
    success_message: str | Callable[[object], str],
    current_form: Callable[[models.Model], forms.Form] | None = None,
) -> HttpResponse:
    """Valid form -> service; a refusal is shown on the form (400). A stale version (409) re-shows
    `current_form(record)`, the form as the record is now, with `conflict` beside it; something that
    exists already is a 409 with a link to it. Nothing is saved in any of these cases. The same form
    sent twice leads where the first sending did, saying it was saved once. `success_message` may be
    built from what `call` returned."""
    if isinstance(form, VersionedForm) and current_form is None:
        raise TypeError("A form that edits a versioned record needs current_form for its conflict path.")
    status, conflict = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    result = call(form.cleaned_data)
            except ConcurrentEditError as exc:
                status = 409
                if current_form is None:  # a record the form does not version: sending again is safe
                    form.add_error(None, exc.messages)
                else:
                    conflict = Conflict.of(exc, form=form)
                    form = current_form(exc.current)
            except AlreadySubmitted as exc:
                messages.info(request, exc.messages[0])
                return redirect(success_url)
            except AlreadyRecorded as exc:
                context = refuse_already_recorded(form, exc, context)
                status = 409
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, success_message(result) if callable(success_message) else success_message)
                return redirect(success_url)
    return render(request, template, {**context, "form": form, "conflict": conflict}, status=status)
