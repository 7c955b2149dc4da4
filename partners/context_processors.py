"""Exposes `works_cases` to templates: whether the case menu items (lists, meetings, deadlines) apply
to this user. Evaluators, functional administrators and privacy officers see no case there. And
`coordinates_team`, for the team's cases and the memberships to confirm; `is_functional_admin` for
/beheer/ and the import page. Both read the request's memberships once."""

from django.utils.functional import SimpleLazyObject

from partners.models import WORKING_ROLES, Role
from partners.selectors import active_memberships, admin_scope


def case_work(request) -> dict:
    user = getattr(request, "user", None)

    def works_cases() -> bool:
        if user is None or not user.is_authenticated:
            return False
        return any(m.role in WORKING_ROLES for m in active_memberships(user))

    def coordinates_team() -> bool:
        if user is None or not user.is_authenticated:
            return False
        return any(m.role == Role.COORDINATOR for m in active_memberships(user))

    def is_privacy_officer() -> bool:
        if user is None or not user.is_authenticated:
            return False
        return any(m.role == Role.PRIVACY_OFFICER and m.team_id is not None for m in active_memberships(user))

    def is_functional_admin() -> bool:
        if user is None or not user.is_authenticated:
            return False
        return admin_scope(user).is_admin

    return {
        # /beheer/ and the import page in the menu.
        "is_functional_admin": SimpleLazyObject(is_functional_admin),
        "works_cases": SimpleLazyObject(works_cases),
        "coordinates_team": SimpleLazyObject(coordinates_team),
        # The privacy officer's pages (who looked at a file, destruction) in the menu.
        "is_privacy_officer": SimpleLazyObject(is_privacy_officer),
    }
