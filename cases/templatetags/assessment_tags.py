"""The case page's safety section: score trajectory, latest judgement, open actions."""

from django import template
from django.utils import timezone

from cases.assessment_selectors import open_conditions, open_interventions, score_trajectory
from cases.score_chart import score_chart

register = template.Library()


@register.inclusion_tag("cases/_assessment_summary.html")
def case_assessment_summary(case):
    """For a case the view obtained through case_for; a fixed number of queries (three)."""
    points = score_trajectory(case)
    return {
        "case": case,
        "points": points,
        "chart": score_chart(points) if points else None,
        "open_interventions": list(open_interventions(case)),
        "open_conditions": list(open_conditions(case)),
        "today": timezone.localdate(),
    }
