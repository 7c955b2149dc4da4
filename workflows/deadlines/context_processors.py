"""The unread-notification count for the navigation bell."""

from workflows.deadlines.selectors import unread_count


def notifications(request):
    """The bell's unread count in the header (one indexed count query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
