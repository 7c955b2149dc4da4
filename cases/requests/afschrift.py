"""The afschrift: the copy of the file a family member receives, as a PDF (WeasyPrint, as the minutes).

What the requester may see: the requester and the children of the family; the plan (the agreed
interventions) and the agreements (veiligheidsvoorwaarden); and who looked at the file, in plain
language (`cases.access_log.plain`). Left out by construction — never read here: the melder
(`cases.reporters`), the other adults and the network, notes, partners' contributions and the
judgement's texts, which may hold what others told in confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from cases.access_log.plain import AccessDay, plain_access_summary
from cases.assessments.models import Veiligheidsvoorwaarde
from cases.interventions.models import Intervention
from cases.models import Case, Person, PersonRole
from cases.requests.models import FamilyRequest, RequestKind

# The kinds of request a copy is made for.
COPY_KINDS = (RequestKind.AFSCHRIFT, RequestKind.INZAGE)


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries (Pango) on this machine."""


@dataclass
class Afschrift:
    case: Case
    request: FamilyRequest
    persons: list[Person]
    interventions: list[Intervention]
    conditions: list[Veiligheidsvoorwaarde]
    access: list[AccessDay]
    made_at: object


def afschrift_of(request: FamilyRequest) -> Afschrift:
    """What goes into the copy for this request (a fixed number of queries)."""
    case = request.case
    family = Person.objects.current().filter(case=case)
    if request.person_id is None:
        persons: list[Person] = []
    elif request.person is not None and request.person.role == PersonRole.JEUGDIGE:
        persons = [request.person]  # a child receives what is about them
    else:
        persons = list(family.filter(pk=request.person_id)) + list(family.filter(role=PersonRole.JEUGDIGE))
    interventions = list(
        Intervention.objects.filter(case=case).select_related("responsible_organisation").order_by("start_date", "id")
    )
    conditions = list(
        Veiligheidsvoorwaarde.objects.filter(case=case)
        .select_related("owner_organisation")
        .order_by("check_date", "id")
    )
    return Afschrift(
        case=case,
        request=request,
        persons=persons,
        interventions=interventions,
        conditions=conditions,
        access=plain_access_summary(case.pk),
        made_at=timezone.now(),
    )


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the afschrift PDF fetches nothing: {url}")


def afschrift_pdf(afschrift: Afschrift, *, request=None) -> bytes:
    try:
        from weasyprint import HTML  # a heavy import only the download needs
    except OSError as exc:
        raise PdfUnavailable(str(exc)) from exc
    html = render_to_string("requests/afschrift_pdf.html", {"afschrift": afschrift}, request)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
