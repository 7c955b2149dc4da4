"""What the workflow pages share: run a service for a valid form and answer in the user's terms."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cases.exceptions import ConcurrentEditError
from cases.forms import apply_service_errors


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
    """Valid form -> service; a refusal is shown on the form (400), a stale version as 409,
    and nothing is saved in either case."""
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
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, success_message)
                return redirect(success_url)
    return render(request, template, {**context, "form": form}, status=status)
