"""Django discovers the workflows app's models through this module; each lives in its sub-package."""

from workflows.deadlines.models import (  # noqa: F401
    CalendarFeedToken,
    Deadline,
    DeadlineRule,
    Digest,
    GelijkgesteldeDag,
    Notification,
    NotificationKindPreference,
    NotificationPreference,
    Reminder,
)
from workflows.meetings.models import AgendaItem, AgendaProposal, Attendance, Meeting, MeetingDecision  # noqa: F401
