"""One error contract for every API endpoint (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

- A refused input or business rule (Django `ValidationError`, `PermissionDenied` from a service):
  400 with the messages per field, `{"field": ["…"], "non_field_errors": ["…"]}`.
- A stale version (`ConcurrentEditError`): 409 with `{"detail", "changed_fields", "current"}`, where
  `current` is the record as it is now, in the shape its endpoint returns it.
- Something that happens once and has happened (`AlreadyRecorded`: a second judgement of a round, the
  same participant twice, a request repeated with its Idempotency-Key): 409 with `{"detail", "existing"}`,
  `existing` being the row recorded first, in the shape its endpoint returns it.
Services are called directly from the views; the request's transaction is rolled back on any error.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from cases.exceptions import AlreadyRecorded, ConcurrentEditError

# model -> the serializer its endpoints answer with; filled by each api module (`conflict_shape`,
# `existing_shape`: a case's stale status change shows its state, a repeated opening the whole case).
_CURRENT_SHAPES: dict[type[models.Model], type[serializers.Serializer]] = {}
_EXISTING_SHAPES: dict[type[models.Model], type[serializers.Serializer]] = {}


def conflict_shape(model: type[models.Model], serializer: type[serializers.Serializer]) -> None:
    """Register how a 409 for a stale version shows the current state of `model`."""
    _CURRENT_SHAPES[model] = serializer


def existing_shape(model: type[models.Model], serializer: type[serializers.Serializer]) -> None:
    """Register how a 409 for something recorded already shows the existing `model` row (the
    shape its create endpoint answers with)."""
    _EXISTING_SHAPES[model] = serializer


class ConflictSerializer(serializers.Serializer):
    """409: someone else saved first; nothing of this request was stored."""

    detail = serializers.CharField()
    changed_fields = serializers.ListField(child=serializers.CharField())
    current = serializers.DictField(help_text="Het record zoals het nu is, in de vorm van dit endpoint.")


class AlreadyRecordedSerializer(serializers.Serializer):
    """409: this happens once and it already happened; nothing of this request was stored."""

    detail = serializers.CharField()
    existing = serializers.DictField(help_text="Wat er al is vastgelegd, in de vorm van dit endpoint.")


class FieldErrorsSerializer(serializers.Serializer):
    """400: per field the messages; `non_field_errors` for what belongs to no single field."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


BAD_REQUEST = OpenApiResponse(FieldErrorsSerializer, description="Invoer of regel geweigerd; niets opgeslagen.")
CONFLICT = OpenApiResponse(ConflictSerializer, description="Intussen door iemand anders gewijzigd; niets opgeslagen.")
ALREADY_RECORDED = OpenApiResponse(
    AlreadyRecordedSerializer, description="Bestaat al (of dit verzoek was al verstuurd); niets nieuws opgeslagen."
)


def _messages(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _shaped(record: models.Model, context: dict, shapes: dict) -> dict | None:
    shape = shapes.get(type(record))
    if shape is None:
        return None
    return shape(record, context={"request": context.get("request")}).data


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The one error contract; a refused request rolls back its own request transaction only. A view
    without one (non_atomic_requests) must not mark an enclosing transaction (a test's) for rollback."""
    connection = connections[DEFAULT_DB_ALIAS]
    marked_before = connection.needs_rollback
    response = _handle(exc, context)
    view = context.get("view")
    if DEFAULT_DB_ALIAS in getattr(getattr(view, "dispatch", None), "_non_atomic_requests", ()) and not marked_before:
        connection.needs_rollback = False
    return response


def _handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ConcurrentEditError):
        body = {
            "detail": exc.messages[0],
            "changed_fields": sorted(exc.changed_fields),
            "current": _shaped(exc.current, context, _CURRENT_SHAPES),
        }
        set_rollback()  # after reading the current record: a transaction marked for rollback runs no query
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, AlreadyRecorded):
        body = {"detail": exc.messages[0], "existing": _shaped(exc.existing, context, _EXISTING_SHAPES)}
        set_rollback()
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(_messages(exc))
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        # A service refused the action for a reason it names: answered like any refused rule.
        exc = serializers.ValidationError({"non_field_errors": [str(exc)]})
    return drf_exception_handler(exc, context)
