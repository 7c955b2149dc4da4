"""When a case is destroyed (`cases.retention`): its agenda items lose their minutes and the frozen
snapshot of the case, with their change history; the meeting and the fact it discussed the case stay."""

from __future__ import annotations

from workflows.meetings.models import AgendaItem


def erase_workflow_content(case_id: int) -> None:
    items = AgendaItem.objects.filter(case_id=case_id)
    AgendaItem.history.model.objects.filter(id__in=items.values("id")).delete()
    # Around the history on purpose: a history row would copy the minutes being removed.
    items._raw_update(minutes="", snapshot=None)
