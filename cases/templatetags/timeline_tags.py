"""The case page's timeline lines (cases.timeline_display), rendered when shown so they follow the reader's language."""

from django import template

from cases.timeline_display import timeline_lines

register = template.Library()


@register.simple_tag
def timeline_lines_of(events):
    """At most one query (names of assigned vast gezichten), whatever the number of events."""
    return timeline_lines(events)
