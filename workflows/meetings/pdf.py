"""The minutes as a PDF (WeasyPrint): the same template as the printed page, laid out for A4.
Nothing is fetched while rendering: the stylesheet is inlined, so a PDF never reaches the network."""

from __future__ import annotations

from django.template.loader import render_to_string

from workflows.meetings.minutes import Minutes


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the minutes PDF fetches nothing: {url}")


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries (Pango) on this machine."""


def minutes_pdf(minutes: Minutes, *, request=None) -> bytes:
    try:
        from weasyprint import HTML  # imported here: a heavy import only the download needs
    except OSError as exc:  # the Python package is there, Pango is not (a quick start without it)
        raise PdfUnavailable(str(exc)) from exc

    html = render_to_string("meetings/minutes_pdf.html", {"minutes": minutes, "meeting": minutes.meeting}, request)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
