"""What the workflow pages share: run a service for a valid form and answer in the user's terms."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.exceptions import AlreadyRecorded, AlreadySubmitted, ConcurrentEditError
from cases.forms import apply_service_errors

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
    form,
    call: Callable[[dict], object],
    *,
    template: str,
    context: dict,
    success_url: str,
    success_message: str,
) -> HttpResponse:
    """Valid form -> service; a refusal is shown on the form (400), a stale version or something
    that exists already as 409, and nothing is saved in any of these. The same form sent twice
    leads where the first sending did, saying it was saved once."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    call(form.cleaned_data)
            except ConcurrentEditError as exc:
                form.add_error(None, exc.messages)
                status = 409
            except AlreadySubmitted as exc:
                messages.info(request, exc.messages[0])
                return redirect(success_url)
            except AlreadyRecorded as exc:
                context = refuse_already_recorded(form, exc, context)
                status = 409
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, success_message)
                return redirect(success_url)
    return render(request, template, {**context, "form": form}, status=status)
