"""The veiligheidsplan in the meeting: per agenda case its version now and what changed since the
last closed meeting that discussed the case (read from that meeting's frozen snapshot)."""

from __future__ import annotations

from django.utils.dateparse import parse_date

from cases.models import Case
from cases.safety_plans.selectors import change_labels, plan_states
from workflows.meetings.models import AgendaItem, Meeting


def plans_since_last_meeting(meeting: Meeting, cases: list[Case]) -> dict[int, dict]:
    """{case id: plan state} (cases.safety_plans.selectors.plan_states) against the plan each case had
    in its previous closed meeting. A fixed number of queries, whatever the agenda size."""
    if not cases:
        return {}

    def since(case_ids: list[int]) -> dict[int, tuple[int, int] | None]:
        earlier = (
            AgendaItem.objects.filter(
                case_id__in=case_ids,
                meeting__closed_at__isnull=False,
                meeting__scheduled_at__lt=meeting.scheduled_at,
            )
            .exclude(meeting=meeting)
            .order_by("case_id", "-meeting__scheduled_at", "-id")
            .values_list("case_id", "snapshot__safety_plan__plan_id", "snapshot__safety_plan__version")
        )
        seen: dict[int, tuple[int, int] | None] = {}
        for case_id, plan_id, version in earlier:
            seen.setdefault(case_id, (plan_id, version) if plan_id and version else None)
        return seen

    return plan_states(cases, since=since)


def shown_plan(plan: dict | None) -> dict | None:
    """A plan state ready for the templates: its evaluation date a date, its changed parts named in
    the reader's language. The stored snapshot is not changed."""
    if plan is None:
        return None
    evaluation_on = parse_date(plan["evaluation_on"]) if plan.get("evaluation_on") else None
    return {**plan, "evaluation_on": evaluation_on, "changed_display": change_labels(plan["changed"])}
