"""The region's default deadline rules (DESIGN.md §8) and the gelijkgestelde dagen 2023–2028.

Loaded by migration 0002 and by `deadline_defaults_ensure` (seed_demo); rules with `team = NULL`
apply to every team that has no rule of its own with the same code.
"""

from __future__ import annotations

from datetime import date

# The days of the periodic Besluit gelijkstelling (Atw art. 3 lid 3), kept from the first year of any
# history the tool holds. Source: the titles of the two Besluiten, which name every day they put on a par:
# "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025
# met een algemeen erkende feestdag" and "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026,
# 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag". Later years: add the
# next Besluit's days here and in the admin (migration 0005 loads new ones into existing databases).
GELIJKGESTELDE_DAGEN = {
    date(2023, 4, 28): "Besluit gelijkstelling dagen 2023-2025 (vrijdag na Koningsdag)",
    date(2023, 5, 19): "Besluit gelijkstelling dagen 2023-2025 (vrijdag na Hemelvaartsdag)",
    date(2024, 5, 10): "Besluit gelijkstelling dagen 2023-2025 (vrijdag na Hemelvaartsdag)",
    date(2024, 12, 27): "Besluit gelijkstelling dagen 2023-2025 (vrijdag na Tweede Kerstdag)",
    date(2025, 5, 30): "Besluit gelijkstelling dagen 2023-2025 (vrijdag na Hemelvaartsdag)",
    date(2026, 1, 2): "Besluit gelijkstelling dagen 2026-2028 (vrijdag na Nieuwjaarsdag)",
    date(2026, 5, 15): "Besluit gelijkstelling dagen 2026-2028 (vrijdag na Hemelvaartsdag)",
    date(2027, 5, 7): "Besluit gelijkstelling dagen 2026-2028 (vrijdag na Hemelvaartsdag)",
    date(2028, 4, 28): "Besluit gelijkstelling dagen 2026-2028 (vrijdag na Koningsdag)",
    date(2028, 5, 26): "Besluit gelijkstelling dagen 2026-2028 (vrijdag na Hemelvaartsdag)",
}

DEFAULT_RULES = [
    {
        "code": "vt-veiligheidsbeoordeling",
        "name": "VT veiligheidsbeoordeling",
        "start_event": "melding_received",
        "close_event": "contribution_added",
        "close_organisation_kind": "veilig_thuis",
        "term_value": 5,
        "term_unit": "working_days",
        "responsible": "organisation_kind",
        "responsible_organisation_kind": "veilig_thuis",
        "reminder_offsets": "2wd",
        "statutory": True,
        "source": "Handelingsprotocol Veilig Thuis: veiligheidsbeoordeling binnen 5 werkdagen na de melding",
    },
    {
        "code": "vt-onderzoek",
        "name": "VT onderzoek afgerond",
        "start_event": "onderzoek_started",
        "start_organisation_kind": "veilig_thuis",
        "close_event": "onderzoek_completed",
        "close_organisation_kind": "veilig_thuis",
        "term_value": 10,
        "term_unit": "weeks",
        "responsible": "organisation_kind",
        "responsible_organisation_kind": "veilig_thuis",
        "reminder_offsets": "1w, 2wd",
        "statutory": True,
        "source": "Handelingsprotocol Veilig Thuis: onderzoek binnen 10 weken afgerond",
    },
    {
        "code": "rvdk-onderzoek-gestart",
        "name": "RvdK onderzoek gestart",
        "start_event": "verzoek_received",
        "close_event": "onderzoek_started",
        "close_organisation_kind": "rvdk",
        "term_value": 10,
        "term_unit": "calendar_days",
        "responsible": "organisation_kind",
        "responsible_organisation_kind": "rvdk",
        "reminder_offsets": "2d",
        "statutory": False,
        "source": "Raad voor de Kinderbescherming: norm start onderzoek binnen 10 dagen na het verzoek",
    },
    {
        "code": "gezamenlijke-beoordeling",
        "name": "Gezamenlijke veiligheidsbeoordeling in het team",
        "start_event": "case_opened",
        "close_event": "judgement_recorded",
        "term_value": 10,
        "term_unit": "working_days",
        "responsible": "vast_gezicht",
        "reminder_offsets": "2wd",
        "statutory": False,
        "source": "Werkafspraak veiligheidsteam",
    },
    {
        # The crisis path (DESIGN.md §4): on acute onveiligheid the team judges together within one
        # working day. Responsible: the vast gezicht; the coordinators hear of it at once (the alert)
        # and again when it is overdue, every four hours after that.
        "code": "crisis-oordeel",
        "name": "Gezamenlijk oordeel bij acute onveiligheid",
        "start_event": "crisis_flagged",
        "close_event": "judgement_recorded",
        "term_value": 1,
        "term_unit": "working_days",
        "responsible": "vast_gezicht",
        "reminder_offsets": "4h",
        "escalation_interval_hours": 4,
        "statutory": False,
        "source": "Werkafspraak veiligheidsteam: gezamenlijk oordeel binnen één werkdag bij acute onveiligheid",
    },
    {
        "code": "voorwaarde-controle",
        "name": "Controle veiligheidsvoorwaarde",
        "start_event": "condition_agreed",
        "close_event": "condition_checked",
        "term_value": 0,
        "term_unit": "subject_date",
        "responsible": "subject_owner",
        "reminder_offsets": "2wd",
        "statutory": False,
        "source": "Werkafspraak veiligheidsteam",
    },
    {
        "code": "inzet-gereed",
        "name": "Afgesproken inzet gereed",
        "start_event": "intervention_agreed",
        "close_event": "intervention_ended",
        "term_value": 0,
        "term_unit": "subject_date",
        "responsible": "subject_owner",
        "reminder_offsets": "1w",
        "statutory": False,
        "source": "Werkafspraak veiligheidsteam",
    },
    {
        "code": "trajectevaluatie",
        "name": "Evaluatie traject in het team",
        "start_event": "status_changed",
        "start_status": "inzet_afgesproken",
        "close_event": "discussed_in_meeting",
        "term_value": 13,
        "max_term_value": 26,
        "term_unit": "weeks",
        "responsible": "vast_gezicht",
        "reminder_offsets": "1w",
        "statutory": False,
        "source": "Proeftuin Hart van Brabant: evaluatie na uiterlijk 13 weken, trajectduur maximaal 26 weken",
    },
    {
        "code": "vernietigingsverzoek",
        "name": "Verzoek tot vernietiging afhandelen",
        "start_event": "destruction_requested",
        "close_event": "destruction_decided",
        "term_value": 3,
        "term_unit": "months",
        "responsible": "vast_gezicht",
        "reminder_offsets": "2w",
        "statutory": True,
        "source": "Jeugdwet art. 7.3.10 / BW art. 7:455: vernietiging binnen drie maanden na het verzoek",
    },
    {
        # Its name and reminders never name the melder: the reminder texts say only the rule and the case.
        "code": "vt-terugkoppeling-melder",
        "name": "Terugkoppeling aan de melder",
        "start_event": "reporter_recorded",
        "start_organisation_kind": "veilig_thuis",
        "close_event": "reporter_feedback_recorded",
        "close_organisation_kind": "veilig_thuis",
        "term_value": 10,
        "term_unit": "working_days",
        "responsible": "organisation_kind",
        "responsible_organisation_kind": "veilig_thuis",
        "reminder_offsets": "2wd",
        "statutory": True,
        "source": "Wmo 2015 art. 4.1.1 lid 2: Veilig Thuis koppelt terug aan de melder; "
        "regionale termijn van 10 werkdagen na het vastleggen van de melder (aan te passen)",
    },
    {
        "code": "grondslag-herbeoordelen",
        "name": "Grondslag herbeoordelen",
        "start_event": "participant_added",
        "close_event": "participant_ended",
        "term_value": 0,
        "term_unit": "subject_date",
        # The participant's own professional: they know whether their consent, measure or task still holds.
        "responsible": "subject_owner",
        "reminder_offsets": "2w, 2wd",
        "statutory": False,
        "source": "Werkafspraak veiligheidsteam: een grondslag met een einddatum wordt voor die datum herbeoordeeld",
    },
    {
        # Due on the beschikking's end minus MEASURE_EXTENSION_LEAD_DAYS (cases.documents sets the date).
        "code": "verzoek-verlenging-maatregel",
        "name": "Verzoek tot verlenging van de maatregel",
        "start_event": "beschikking_recorded",
        "close_event": "",
        "term_value": 0,
        "term_unit": "subject_date",
        "responsible": "organisation_kind",
        "responsible_organisation_kind": "gi",
        "reminder_offsets": "2w",
        "statutory": False,
        "source": "BW art. 1:260: de kinderrechter verlengt een ondertoezichtstelling op verzoek; het verzoek "
        "ligt er ruim vóór de einddatum van de beschikking (regionale termijn, aan te passen)",
    },
]


# The family's other requests (cases.requests): one month, extendable once by two (AVG art. 12 lid 3).
DEFAULT_RULES.append(
    {
        "code": "verzoek-gezin",
        "name": "Verzoek van het gezin afhandelen",
        "start_event": "family_request_received",
        "close_event": "family_request_decided",
        "term_value": 1,
        "max_term_value": 3,
        "term_unit": "months",
        "responsible": "vast_gezicht",
        "reminder_offsets": "1w",
        "statutory": True,
        "source": "AVG art. 12 lid 3: binnen een maand na ontvangst, met redenen te verlengen met twee maanden",
    }
)

# The veiligheidsplan is evaluated on the date its newest version names (cases.safety_plans); a new
# version after the evaluation closes the term and plans the next.
DEFAULT_RULES.append(
    {
        "code": "veiligheidsplan-evaluatie",
        "name": "Evaluatie veiligheidsplan",
        "start_event": "plan_evaluation_planned",
        "close_event": "safety_plan_recorded",
        "term_value": 0,
        "term_unit": "subject_date",
        "responsible": "vast_gezicht",
        "reminder_offsets": "1w",
        "statutory": False,
        "source": "Werkafspraak veiligheidsteam: het veiligheidsplan wordt geëvalueerd op de datum in het plan",
    }
)


def load_defaults(rule_model, day_model) -> None:
    """Create missing region defaults and gelijkgestelde dagen; existing rows are left as edited.
    Fields the (historical) model does not have yet are left to the migration that adds them."""
    fields = {f.name for f in rule_model._meta.get_fields()}
    for values in DEFAULT_RULES:
        known = {name: value for name, value in values.items() if name in fields}
        rule_model.objects.get_or_create(team=None, code=values["code"], defaults=known)
    for day, source in GELIJKGESTELDE_DAGEN.items():
        day_model.objects.get_or_create(day=day, defaults={"source": source})
