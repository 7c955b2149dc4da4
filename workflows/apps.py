from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Werkprocessen en termijnen")

    def ready(self) -> None:
        from cases.models import EventKind
        from cases.timeline import on_event
        from workflows.deadlines.models import DEADLINE_EVENT_KINDS
        from workflows.deadlines.services import (
            on_basis_review_close,
            on_basis_review_start,
            on_case_closed,
            on_case_destroyed,
            on_close_event,
            on_participant_ended,
            on_request_extended,
            on_start_event,
        )

        # Which of these kinds starts or closes a deadline is data (DeadlineRule), not code.
        on_event(*DEADLINE_EVENT_KINDS)(on_start_event)
        on_event(*DEADLINE_EVENT_KINDS)(on_close_event)
        on_event(EventKind.STATUS_CHANGED)(on_case_closed)
        # Whoever leaves a case hands its open deadlines to the next in line.
        on_event(EventKind.PARTICIPANT_ENDED)(on_participant_ended)
        # A basis with an end date is reviewed by then (the participation's own date, workflows.deadlines).
        on_event(EventKind.PARTICIPANT_ADDED)(on_basis_review_start)
        on_event(EventKind.PARTICIPANT_ENDED)(on_basis_review_close)

        # What a professional must act on reaches them (in-app and e-mail); a breach goes to the next meeting.
        from workflows.deadlines.case_notifications import NOTIFIED_KINDS, on_case_event
        from workflows.meetings.services import on_condition_breached

        on_event(*NOTIFIED_KINDS)(on_case_event)
        on_event(EventKind.CONDITION_BREACHED)(on_condition_breached)

        on_event(EventKind.FAMILY_REQUEST_EXTENDED)(on_request_extended)
        on_event(EventKind.CASE_DESTROYED)(on_case_destroyed)

        from cases.retention.hooks import on_case_destroyed as erase_with_the_case
        from workflows.meetings.retention import erase_workflow_content

        # A destroyed case's minutes and notifications go with it; cases never imports workflows.
        erase_with_the_case(erase_workflow_content)

        from cases.selectors import register_overdue_filter
        from workflows.deadlines.selectors import cases_with_overdue_deadlines

        register_overdue_filter(cases_with_overdue_deadlines)

        from workflows.deadlines.selectors import overdue_deadlines_of
        from workflows.meetings.hooks import register_overdue_deadlines

        # The minutes freeze what was overdue when a meeting closed; meetings never import deadlines.
        register_overdue_deadlines(overdue_deadlines_of)

        from cases.demo import register_lifecycle_path
        from workflows.lifecycle.demo import lifecycle_path

        # The bulk demo seeder walks the real transition table, not a copy of it.
        register_lifecycle_path(lifecycle_path)
