"""The region's default retention rules and their legal sources; loaded by the data migration and
kept from then on by the functional administrator (admin)."""

from __future__ import annotations

DEFAULT_RETENTION_RULES = [
    {
        "code": "jeugdhulp",
        "name": "Jeugdhulp: 20 jaar na de laatste betrokkenheid",
        "organisation_kind": "",
        "years_after_last_involvement": 20,
        "source": "Jeugdwet art. 7.3.8: bewaartermijn van twintig jaar, te rekenen vanaf het tijdstip van "
        "vervaardiging of zoveel langer als redelijkerwijs uit de zorg van een goed hulpverlener voortvloeit",
    },
    {
        "code": "veilig-thuis",
        "name": "Veilig Thuis: ten minste tot het jongste kind 18 is",
        "organisation_kind": "veilig_thuis",
        "years_after_last_involvement": 20,
        "until_youngest_child_adult": True,
        "source": "Wmo 2015 (Veilig Thuis) met Jeugdwet art. 7.3.8: gegevens over een kind ten minste "
        "bewaard tot het jongste kind meerderjarig is",
    },
    {
        "code": "rvdk",
        "name": "Raad voor de Kinderbescherming: dossier als geheel",
        "organisation_kind": "rvdk",
        "years_after_last_involvement": 20,
        "whole_file": True,
        "source": "Selectielijst Raad voor de Kinderbescherming: het dossier wordt als geheel bewaard of vernietigd",
    },
    {
        "code": "gi-maatregel",
        "name": "Gecertificeerde instelling: dossier van een maatregel",
        "organisation_kind": "gi",
        "years_after_last_involvement": 20,
        "only_with_measure": True,
        "source": "Jeugdwet art. 7.3.8 (van overeenkomstige toepassing op de GI): twintig jaar na het einde "
        "van de kinderbeschermingsmaatregel",
    },
]


def load_retention_defaults(rule_model) -> None:
    """Create missing default rules; existing rows stay as the administrator edited them."""
    for values in DEFAULT_RETENTION_RULES:
        rule_model.objects.get_or_create(code=values["code"], defaults=values)
