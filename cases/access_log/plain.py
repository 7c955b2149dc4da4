"""'Who looked at my file' in plain language, for the family's copy (afschrift) and the privacy
officer: per day and organisation, in which role and for what, how often the file was read and how
often changed. No internal codes (`participant:vast_gezicht`, `person:add`), no user names, no
single page views: the access log's rows summarised in one query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_rows

# The first word of a row's detail (before ":" or ";") -> what it was for, in the family's words.
PURPOSES = {
    "case": _("het dossier bekijken"),
    "person": _("gegevens van een gezinslid"),
    "participant": _("wie er bij het gezin betrokken is"),
    "note": _("notities"),
    "assessment": _("de veiligheidsbeoordeling"),
    "judgement": _("de veiligheidsbeoordeling"),
    "intervention": _("de afgesproken hulp"),
    "condition": _("de veiligheidsvoorwaarden"),
    "meeting": _("bespreking in het overleg"),
    "minutes-pdf": _("bespreking in het overleg"),
    "status": _("de fase van de hulp"),
    "deadline": _("termijnen"),
    "investigations": _("onderzoek"),
    "destruction-request": _("een verzoek tot vernietiging"),
    "family-request": _("een verzoek van het gezin"),
    "family-requests": _("een verzoek van het gezin"),
    "afschrift": _("een afschrift voor het gezin"),
    "reporter": _("de melding"),
    "import": _("overdracht van het dossier"),
    "exchange": _("overdracht van het dossier"),
}
OTHER_PURPOSE = _("werken aan het dossier")

# The role the log names (a membership role, or "participant:<role in the case>") -> plain words.
ROLES = {
    "coordinator": _("coördinator van het team"),
    "professional": _("professional"),
    "privacy_officer": _("privacy officer"),
    "participant:vast_gezicht": _("vast contactpersoon van het gezin"),
    "participant:casusregisseur": _("regisseur van de hulp"),
    "participant:onderzoeker": _("onderzoeker"),
    "participant:jeugdbeschermer": _("jeugdbeschermer"),
    "participant:betrokken": _("betrokken professional"),
    "participant:deskundige": _("deskundige"),
}
OTHER_ROLE = _("medewerker")

CHANGES = (AccessAction.CREATE, AccessAction.CHANGE, AccessAction.DELETE)


def purpose_of(detail: str) -> str:
    head = detail.replace(";", ":").split(":", 1)[0].strip()
    return str(PURPOSES.get(head, OTHER_PURPOSE))


def role_of(role: str) -> str:
    return str(ROLES.get(role, OTHER_ROLE))


@dataclass
class AccessDay:
    day: date
    organisation: str
    roles: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    reads: int = 0
    changes: int = 0


def plain_access_summary(case_id: int) -> list[AccessDay]:
    """The case's allowed reads and changes per local day and organisation, oldest first."""
    rows = (
        access_log_rows()
        .filter(case_id=case_id, outcome=AccessOutcome.ALLOWED)
        .exclude(action=AccessAction.SEARCH)
        .exclude(detail="access_report")  # the privacy officer's own checks are not work on the file
        .annotate(day=TruncDate("at", tzinfo=_zone()))
        .values("day", "organisation_name", "role", "detail")
        .annotate(
            reads=Count("id", filter=~Q(action__in=CHANGES)),
            changes=Count("id", filter=Q(action__in=CHANGES)),
        )
        .order_by("day", "organisation_name")
    )
    days: dict[tuple[date, str], AccessDay] = {}
    for row in rows:
        organisation = row["organisation_name"] or str(_("onbekende organisatie"))
        entry = days.setdefault((row["day"], organisation), AccessDay(day=row["day"], organisation=organisation))
        for items, value in ((entry.roles, role_of(row["role"])), (entry.purposes, purpose_of(row["detail"]))):
            if value not in items:
                items.append(value)
        entry.reads += row["reads"]
        entry.changes += row["changes"]
    return list(days.values())


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)
