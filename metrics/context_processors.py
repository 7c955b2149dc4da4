"""Exposes `is_evaluator` to templates (the "Evaluatie" menu entry); evaluated lazily, once per request."""

from django.utils.functional import SimpleLazyObject

from metrics.access import is_evaluator


def evaluator(request) -> dict:
    user = getattr(request, "user", None)
    return {"is_evaluator": SimpleLazyObject(lambda: is_evaluator(user))}
