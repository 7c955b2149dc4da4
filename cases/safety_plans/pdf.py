"""The family's summary as a PDF (WeasyPrint), as the meeting minutes are made: the same template as
the printed page, nothing fetched while rendering."""

from __future__ import annotations

from django.template.loader import render_to_string

from cases.safety_plans.family import FamilySummary


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the family summary PDF fetches nothing: {url}")


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries (Pango) on this machine."""


def family_summary_pdf(summary: FamilySummary, *, request=None) -> bytes:
    try:
        from weasyprint import HTML  # imported here: a heavy import only the download needs
    except OSError as exc:
        raise PdfUnavailable(str(exc)) from exc

    html = render_to_string("safety_plans/family_summary_pdf.html", {"summary": summary}, request)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
