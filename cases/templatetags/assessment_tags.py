"""The case page's safety section: score trajectory, latest judgement, open actions, dissent."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cases.assessments.score_chart import score_chart
from cases.assessments.selectors import case_has_unhandled_breach, dissent_for_cases, open_conditions, score_trajectory
from cases.interventions.selectors import open_interventions

register = template.Library()


@register.inclusion_tag("assessments/_assessment_summary.html")
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


@register.inclusion_tag("assessments/_case_dissent.html")
def case_dissent(case):
    """The case page's dissent: on the version in force of the latest joint judgement of the episode,
    for a case the view obtained through case_for; one query."""
    dissents = dissent_for_cases([case.pk]).get(case.pk, [])
    return {"case": case, "dissents": dissents, "judgement": dissents[0].judgement if dissents else None}


@register.simple_tag
def condition_breached_flag(case):
    """The case's flag while a breached veiligheidsvoorwaarde is not yet handled (one query)."""
    if not case_has_unhandled_breach(case):
        return ""
    return format_html(' <span class="tag tag-overdue">{}</span>', _("voorwaarde niet nagekomen"))
