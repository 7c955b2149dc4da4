"""Who may see the evaluators' metrics: evaluators (an active EVALUATOR membership) and superusers."""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from partners.models import Role
from partners.selectors import has_role


def is_evaluator(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or has_role(user, Role.EVALUATOR)


def require_evaluator(user) -> None:
    """Everyone else gets "not found", as for any page they have no business knowing about."""
    if not is_evaluator(user):
        raise Http404


class IsEvaluator(BasePermission):
    """DRF: the metrics endpoints answer evaluators (and superusers) only."""

    def has_permission(self, request, view) -> bool:
        if is_evaluator(request.user):
            return True
        if getattr(request.user, "is_authenticated", False):
            raise NotFound  # like the web pages: a non-evaluator learns nothing, not even that it exists
        return False
