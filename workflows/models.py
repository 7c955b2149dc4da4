"""Workflows models, split by idea into modules; Django finds them all through this one."""

from workflows.deadline_models import (  # noqa: F401
    Deadline,
    DeadlineRule,
    DeadlineState,
    Delivery,
    GelijkgesteldeDag,
    Reminder,
    Responsible,
    TermUnit,
)
from workflows.meeting_models import AgendaItem, Attendance, DecisionKind, Meeting, MeetingDecision  # noqa: F401
from workflows.notification_models import CalendarFeedToken, Digest, Notification, NotificationPreference  # noqa: F401
