"""The minutes as a PDF (WeasyPrint): the same template as the printed page, laid out for A4.
Nothing is fetched while rendering: the stylesheet is inlined, so a PDF never reaches the network."""

from __future__ import annotations

from django.template.loader import render_to_string

from workflows.meetings.minutes import Minutes


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the minutes PDF fetches nothing: {url}")


def minutes_pdf(minutes: Minutes, *, request=None) -> bytes:
    from weasyprint import HTML  # imported here: a heavy import only the download needs

    html = render_to_string("meetings/minutes_pdf.html", {"minutes": minutes, "meeting": minutes.meeting}, request)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
