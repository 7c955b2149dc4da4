"""What each metric means: filters, periods, age bands, and the plain explanation shown on the page.

Every metric is computed from the timeline (TimelineEvent.kind / occurred_at / episode / data),
deadlines, interventions and participants, never from hand-kept counters, and only ever leaves
this app as an aggregate or as a pseudonymised event row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseStatus, EventKind

MONTH, QUARTER = "month", "quarter"
GRANULARITIES = {MONTH: _("maand"), QUARTER: _("kwartaal")}
CLOSING_STATUSES = (CaseStatus.AFGESLOTEN.value, CaseStatus.AFGESCHAALD.value)
EPISODE_START_KINDS = (EventKind.CASE_OPENED.value, EventKind.CASE_REOPENED.value)


@dataclass(frozen=True)
class Filters:
    """Which part of the data: a date range (inclusive, local days), granularity, team, municipality.

    Each metric places a case, episode or event in a period by its own anchor date, named in
    EXPLANATIONS (e.g. lead times by the date the episode was reported).
    """

    date_from: date
    date_to: date
    granularity: str = MONTH
    team_id: int | None = None
    municipality_id: int | None = None
    # Extra grouping besides the period: ("team", "municipality") for the aggregate export.
    by: tuple[str, ...] = field(default=())

    def window(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes, so the range uses the occurred_at/opened_at indexes."""
        tz = timezone.get_default_timezone()
        start = datetime.combine(self.date_from, time.min, tzinfo=tz)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
        return start, end


def period_label(day: date | datetime, granularity: str) -> str:
    if granularity == QUARTER:
        return f"{day.year}-K{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


# Age band of the youngest child (role "jeugdige") on the day of the event: children born after
# that day are not counted; no child with a known birth date gives "onbekend".
AGE_BANDS = ((0, 3, "0-3"), (4, 11, "4-11"), (12, 17, "12-17"))
AGE_ADULT, AGE_UNKNOWN = "18+", "onbekend"


def age_band(born: date | None, on: date) -> str:
    if born is None or born > on:
        return AGE_UNKNOWN
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for low, high, label in AGE_BANDS:
        if low <= years <= high:
            return label
    return AGE_ADULT


# Lead-time milestones: (key, label); days are counted from the start of the episode.
MILESTONES = (
    ("judged", _("gezamenlijk oordeel")),
    ("agreed", _("inzet afgesproken")),
    ("started", _("eerste inzet gestart")),
    ("closed", _("afgesloten of afgeschaald")),
)

EXPLANATIONS = {
    "cases_by_status": _("Casussen naar hun huidige status, geteld in de periode waarin de casus is geopend."),
    "lead_times": _(
        "Doorlooptijden per episode in dagen, gerekend vanaf de aanmelding (de gebeurtenis 'casus geopend' of "
        "'casus heropend') tot het eerste gezamenlijk oordeel, de eerste afgesproken inzet, de eerste gestarte "
        "inzet en de eerste statuswijziging naar afgesloten of afgeschaald. Mediaan en 90e percentiel, over de "
        "episodes die de mijlpaal hebben bereikt; periode = maand of kwartaal van de aanmelding."
    ),
    "deadlines": _(
        "Termijnen per regel: gehaald, niet gehaald, en open terwijl de uiterste datum al voorbij is. "
        "Geteld in de periode van de uiterste datum; vervallen termijnen tellen niet mee."
    ),
    "partners": _(
        "Per casus het aantal verschillende soorten organisaties, organisaties en professionals dat ooit als "
        "betrokkene is toegevoegd (gemiddelde en mediaan), in de periode waarin de casus is geopend."
    ),
    "handovers": _(
        "Een overdracht is een wisseling van vast gezicht: elke toewijzing van een ander vast gezicht na de "
        "eerste toewijzing in de casus. Episodes naar aantal overdrachten, in de periode van aanmelding."
    ),
    "scores": _(
        "Verandering van de gezamenlijke veiligheidsscore (0-10) van het eerste tot het laatste gezamenlijk "
        "oordeel in een episode, voor episodes met minstens twee oordelen, in de periode van aanmelding."
    ),
    "interventions": _("Afgesproken inzet naar soort, in de periode waarin de inzet is afgesproken."),
    "protection": _(
        "Casussen waarin een beschermingsmaatregel is afgesproken (ondertoezichtstelling, machtiging "
        "uithuisplaatsing), in de periode waarin die is afgesproken."
    ),
    "rereports": _(
        "Afsluitingen (eerste statuswijziging naar afgesloten of afgeschaald in een episode) en of de casus "
        "binnen %(days)s dagen daarna opnieuw is aangemeld (een nieuwe episode, 'casus heropend'). Periode = "
        "die van de afsluiting; recente afsluitingen kunnen nog heraanmeldingen krijgen."
    ),
    "suppression": _(
        "Aantallen kleiner dan %(k)s (behalve 0) worden niet getoond (x). Waar een totaal een verborgen cel "
        "zou verraden, worden ook andere cellen verborgen. Mediaan en percentielen van groepen kleiner dan "
        "%(k)s worden niet getoond."
    ),
}
