"""The case page's melder section: "dat, niet wat" for everyone on the case, whether anonymity was
promised for Veilig Thuis (cases.reporters.selectors decides in the query). One query."""

from django import template

from cases.reporters.selectors import reporter_traces_of

register = template.Library()


@register.inclusion_tag("reporters/_case_section.html", takes_context=True)
def case_reporter_section(context, case):
    """For a case the view obtained through case_for."""
    return {"case": case, "traces": reporter_traces_of(context["request"].user, case)}
