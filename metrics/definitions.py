"""What each metric means: filters, periods, age bands, and the plain explanation shown on the page.

Every metric is computed from the timeline (TimelineEvent.kind / occurred_at / episode / data),
deadlines, interventions and participants, never from hand-kept counters, and only ever leaves
this app as an aggregate or as a pseudonymised event row. Tables with small-cell suppression cover whole
calendar months, quarters or years only, suppressed per month and consistently over longer periods
(the method: metrics.tables; the plain explanation: EXPLANATIONS["suppression"]).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseStatus, EventKind

MONTH, QUARTER, YEAR = "month", "quarter", "year"
GRANULARITIES = {MONTH: _("maand"), QUARTER: _("kwartaal"), YEAR: _("jaar")}
MONTHS_PER_PERIOD = {MONTH: 1, QUARTER: 3, YEAR: 12}
# The dates the metrics accept: the tool's history starts in 2023; beyond these bounds the time zone
# arithmetic of the window (and PostgreSQL's) would overflow.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)
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
    # The reference date of the stock (peildatum): the last day of a month; None: the end of the range.
    peildatum: date | None = None
    # The moment deadlines are judged "open past the norm" at; None: now. A release fixes it.
    as_of: datetime | None = None

    def reference_date(self) -> date:
        return self.peildatum or self.date_to

    def moment(self) -> datetime:
        return self.as_of or timezone.now()

    def window(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes, so the range uses the occurred_at/opened_at indexes."""
        tz = timezone.get_default_timezone()
        start = datetime.combine(self.date_from, time.min, tzinfo=tz)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
        return start, end


def period_label(day: date | datetime, granularity: str) -> str:
    if granularity == YEAR:
        return f"{day.year}"
    if granularity == QUARTER:
        return f"{day.year}-K{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def month_in_period(month_label: str, granularity: str) -> str:
    """The label of the period (of the granularity) that holds the month labelled "YYYY-MM"."""
    year, month = month_label.split("-")
    return period_label(date(int(year), int(month), 1), granularity)


def period_start(day: date, granularity: str) -> date:
    """The first day of the calendar month, quarter or year that holds `day`."""
    months = MONTHS_PER_PERIOD[granularity]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def period_end(day: date, granularity: str) -> date:
    """The last day of the calendar month, quarter or year that holds `day`."""
    start = period_start(day, granularity)
    month = start.month + MONTHS_PER_PERIOD[granularity]
    return date(start.year + (month > 12), (month - 1) % 12 + 1, 1) - timedelta(days=1)


# Tables with small-cell suppression cover whole calendar periods only: a range starting or ending inside
# a period would let two overlapping ranges differ by a few days, and so reveal what was suppressed.
PERIOD_NOT_WHOLE = _(
    "Kies hele perioden per %(period)s: de begindatum is de eerste dag van een %(period)s en de einddatum de "
    "laatste dag van een %(period)s. Zo kan niemand verborgen kleine aantallen terugrekenen uit twee "
    "overlappende perioden."
)
DATE_OUT_OF_RANGE = _("Kies een datum tussen 1-1-2000 en 31-12-2099.")
GRANULARITY_UNKNOWN = _("Kies per maand, kwartaal of jaar.")


PEILDATUM_NOT_MONTH_END = _(
    "Kies als peildatum de laatste dag van een maand: zo kan niemand uit de voorraad op twee dagen kort na "
    "elkaar afleiden wat er op één dag gebeurde."
)


def is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def whole_periods(date_from: date, date_to: date, granularity: str) -> bool:
    return date_from == period_start(date_from, granularity) and date_to == period_end(date_to, granularity)


def filters_problem(filters: Filters, *, whole: bool = True) -> str | None:
    """What makes the filters unusable, or None: dates outside FIRST_DATE..LAST_DATE, or (`whole`: tables
    with suppression) a range that is not whole periods of the granularity."""
    if filters.granularity not in GRANULARITIES:
        return str(GRANULARITY_UNKNOWN)
    if not (FIRST_DATE <= filters.date_from <= LAST_DATE and FIRST_DATE <= filters.date_to <= LAST_DATE):
        return str(DATE_OUT_OF_RANGE)
    if whole and not whole_periods(filters.date_from, filters.date_to, filters.granularity):
        return str(PERIOD_NOT_WHOLE) % {"period": GRANULARITIES[filters.granularity]}
    if filters.peildatum is not None:
        if not FIRST_DATE <= filters.peildatum <= LAST_DATE:
            return str(DATE_OUT_OF_RANGE)
        if not is_month_end(filters.peildatum):
            return str(PEILDATUM_NOT_MONTH_END)
    return None


def require_whole_periods(filters: Filters) -> None:
    """The check behind every suppressed table: the forms answer it as a 400 first; a caller that skips
    them gets a ValueError instead of a table that could be differenced."""
    problem = filters_problem(filters)
    if problem:
        raise ValueError(problem)


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
    "units": _(
        "Elke titel zegt wat er geteld wordt: casussen (een gezin; elke casus één keer), kinderen (jeugdigen), "
        "maatregelen, oordelen, voorwaarden, termijnen of inzet. Beschermingsmaatregelen die de rechter oplegt "
        "tellen per kind, zoals de Beleidsinformatie Jeugdbescherming: één beschikking voor twee kinderen is "
        "twee maatregelen per kind. 'Casussen met een beschermingsmaatregel' telt elke casus één keer, ook met "
        "meer maatregelen of meer kinderen."
    ),
    "cases_by_status": _(
        "Casussen naar hun huidige status (bij een publicatie: de status op het moment van publiceren), geteld "
        "in de periode waarin de casus is geopend."
    ),
    "lead_times": _(
        "Doorlooptijden per episode in dagen, gerekend vanaf de aanmelding (de gebeurtenis 'casus geopend' of "
        "'casus heropend') tot het eerste gezamenlijk oordeel, de eerste afgesproken inzet, de eerste gestarte "
        "inzet en de eerste statuswijziging naar afgesloten of afgeschaald. Mediaan en 90e percentiel, over de "
        "episodes die de mijlpaal hebben bereikt; periode = maand of kwartaal van de aanmelding."
    ),
    "method": _(
        "Rekenwijze van doorlooptijden en wachttijden: het aantal dagen is de verstreken tijd tussen de twee "
        "momenten gedeeld door 24 uur, met decimalen (niet afgerond op hele dagen, geen werkdagen). De mediaan "
        "is het 50e en het 90e percentiel het 90e percentiel met lineaire interpolatie tussen de twee "
        "dichtstbijzijnde waarden (PostgreSQL percentile_cont; gelijk aan Excel PERCENTIEL.INC en de standaard "
        "van R en numpy). Voorbeeld: bij 4 en 30 dagen is de mediaan 17 en het 90e percentiel 27,4. Duur van "
        "maatregelen telt kalenderdagen tussen twee datums. Getoond met één decimaal."
    ),
    "extract": _(
        "Het gebeurtenissenbestand (extract) kan de celonderdrukking niet ongedaan maken. Het bevat geen "
        "kalenderdatums, geen team en geen gemeente: elke gebeurtenis staat met het aantal dagen sinds het begin "
        "van haar episode. Het bevat alleen de episodes die begonnen in een maand waarvan alle kerncijfers "
        "voor dezelfde selectie (team, gemeente) zonder verborgen cel zijn gepubliceerd; episodes uit een maand "
        "met een verborgen cel ontbreken. Alles wat uit het extract te tellen is, is dus een optelling van "
        "maanden die al volledig zichtbaar zijn. Het extract omvat hele kalendermaanden."
    ),
    "releases": _(
        "Een publicatie legt de kerncijfers van een afgelopen kwartaal eenmalig vast (per kwartaal, alle teams "
        "en gemeenten, de voorraad op de laatste dag, termijnen beoordeeld op het einde van het kwartaal) en "
        "verandert daarna nooit. Een correctie wordt een nieuwe versie met een beschrijving van wat er veranderd "
        "is; eerdere versies blijven beschikbaar, byte voor byte gelijk."
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
    "protection_measures": _(
        "Beschermingsmaatregelen die het veiligheidsteam als inzet heeft afgesproken (ondertoezichtstelling, "
        "machtiging uithuisplaatsing), elke afgesproken inzet één keer geteld, in de periode waarin hij is "
        "afgesproken: een telling van maatregelen, geen casussen of kinderen. Wat de rechter heeft opgelegd, "
        "per kind, staat in de tabellen hieronder."
    ),
    "measures_ended": _(
        "Beschermingsmaatregelen per kind zoals de rechter ze oplegde: een beschikking legt haar maatregel "
        "vast voor elk kind (jeugdige) dat ze betreft, en elk kind telt apart (een beschikking voor twee "
        "kinderen is twee maatregelen). Geteld in de periode van de ingangsdatum. Afloop op de dag van "
        "berekenen (bij een publicatie: de laatste dag van het kwartaal): de vastgelegde reden als de maatregel "
        "op of vóór die dag is beëindigd; 'einde van de termijn' als de einddatum van de beschikking op of vóór "
        "die dag ligt en er geen einde is vastgelegd; anders loopt de maatregel nog."
    ),
    "measures_age": _(
        "Beschermingsmaatregelen per kind naar de leeftijdsgroep van dat kind op de ingangsdatum; zonder bekende "
        "geboortedatum (of een geboortedatum na de ingangsdatum): onbekend."
    ),
    "measures_duration": _(
        "Duur van de beëindigde beschermingsmaatregelen per kind in kalenderdagen: de dag van beëindiging (of de "
        "verstreken einddatum) min de ingangsdatum. Mediaan en 90e percentiel; niet getoond bij minder dan "
        "%(k)s beëindigde maatregelen."
    ),
    "cases_with_measure": _(
        "Casussen met een beschermingsmaatregel: elke casus één keer, in de periode waarin de eerste maatregel "
        "voor een van haar kinderen inging, ook als er meer maatregelen of meer kinderen zijn. De kolommen "
        "verdelen de casussen naar het aantal kinderen met een maatregel; het totaal is het aantal casussen."
    ),
    "stock": _(
        "De voorraad op de peildatum (einde van die dag): open casussen (de laatste opening, heropening of "
        "statuswijziging vóór dat moment was geen afsluiting of afschaling), de kinderen (jeugdigen, geboren "
        "op of vóór de peildatum) in die casussen, de kinderen met een lopende beschermingsmaatregel en die "
        "maatregelen per kind. Een maatregel loopt op de peildatum als hij op of vóór die dag is ingegaan en "
        "zijn einde (de vastgelegde dag van beëindiging, anders de einddatum van de beschikking) ná die dag "
        "ligt. De peildatum is de laatste dag van een maand; zonder peildatum de einddatum van de gekozen "
        "periode."
    ),
    "norms": _(
        "Per wettelijke termijn het aandeel van de afgehandelde termijnen (gehaald of niet gehaald) dat binnen "
        "de termijn is gehaald, en het aantal termijnen dat nog open is terwijl de uiterste datum voorbij is. "
        "Berekend uit de gepubliceerde tabel 'Termijnen per regel': een aandeel wordt niet getoond als een "
        "van zijn aantallen daar verborgen is."
    ),
    "conditions": _(
        "Veiligheidsvoorwaarden naar hun uitkomst (open, nagekomen, niet nagekomen), in de periode waarin de "
        "voorwaarde is afgesproken."
    ),
    "judgement_dissent": _(
        "Gezamenlijke oordelen naar het aantal partners dat een afwijkend standpunt heeft vastgelegd, in de "
        "periode waarin het oordeel is vastgelegd."
    ),
    "judgement_presence": _(
        "Gezamenlijke oordelen naar wie van het gezin aanwezig was bij het oordeel (ouders, kinderen), in de "
        "periode waarin het oordeel is vastgelegd."
    ),
    "judgement_classification": _(
        "Gezamenlijke oordelen naar classificatie (acute, structurele of geen onveiligheid), in de periode "
        "waarin het oordeel is vastgelegd."
    ),
    "intake": _("Casussen naar de weg waarlangs ze binnenkwamen, in de periode waarin de casus is geopend."),
    "crisis_path": _(
        "Casussen waarin ooit acute onveiligheid is gemeld (het crisispad), en de andere, in de periode waarin "
        "de casus is geopend."
    ),
    "waiting_time": _(
        "Wachttijd van de afspraak van een inzet tot de start ervan, in dagen, voor de gestarte inzet, in de "
        "periode waarin de inzet is afgesproken. Mediaan en 90e percentiel; niet getoond bij minder dan %(k)s "
        "gestarte inzetten."
    ),
    "rereports": _(
        "Afsluitingen (eerste statuswijziging naar afgesloten of afgeschaald in een episode) en of de casus "
        "binnen %(days)s dagen daarna opnieuw is aangemeld (een nieuwe episode, 'casus heropend'). Periode = "
        "die van de afsluiting; recente afsluitingen kunnen nog heraanmeldingen krijgen."
    ),
    "safety_plans": _(
        "Episodes (vanaf de aanmelding: 'casus geopend' of 'casus heropend') met en zonder afgesproken "
        "veiligheidsplan, in de periode van aanmelding. Een versie van het plan is afgesproken zodra een ouder "
        "of verzorger en een partnerorganisatie er akkoord op hebben gegeven; de episode op het eerste moment "
        "dat een van haar versies dat is."
    ),
    "safety_plan_lead": _(
        "Het aandeel episodes met een afgesproken veiligheidsplan, en de tijd in dagen van de aanmelding tot "
        "het eerste afgesproken plan (mediaan en 90e percentiel, over de episodes met plan), in de periode van "
        "aanmelding. Niet getoond bij minder dan %(k)s episodes."
    ),
    "suppression": _(
        "Aantallen kleiner dan %(k)s (behalve 0) worden niet getoond (x). Perioden zijn altijd hele "
        "kalendermaanden, -kwartalen of -jaren. Elke maand wordt apart beveiligd: waar een totaal een "
        "verborgen cel zou verraden, worden ook andere cellen van die maand verborgen. Een kwartaal, een jaar "
        "en de totalen over de gekozen periode zijn sommen van maanden; zo'n cijfer wordt verborgen zodra het "
        "op die plaats in een van zijn maanden verborgen is. Zo kan niemand een verborgen cel terugrekenen door "
        "cijfers van perioden van elkaar af te trekken. Mediaan en percentielen van groepen kleiner dan %(k)s "
        "worden niet getoond; aantallen en gemiddelden van een kwartaal of jaar ook niet wanneer ze in een van "
        "de maanden verborgen zijn."
    ),
}
