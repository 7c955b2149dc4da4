"""The statutory bases the region starts with (docs/design.md §11). Loaded by migration
0013_legal_basis_defaults and `legal_bases_ensure` (seed_demo, tests that empty the database);
the functional administrator keeps the list in the admin from there. The texts summarise the
articles; the law itself is on wetten.overheid.nl."""

from __future__ import annotations

DEFAULT_LEGAL_BASES = [
    {
        "code": "jeugdwet-7-3-11-lid-4",
        "title": "Jeugdwet art. 7.3.11 lid 4",
        "article": (
            "Samenvatting: de jeugdhulpaanbieder of gecertificeerde instelling verstrekt zonder toestemming "
            "gegevens waar de wet dat voorschrijft of toelaat, onder meer aan de Raad voor de "
            "Kinderbescherming en Veilig Thuis."
        ),
    },
    {
        "code": "wmo-2015-5-2-6",
        "title": "Wmo 2015 art. 5.2.6 (melden bij Veilig Thuis)",
        "article": (
            "Samenvatting: ieder die beroepshalve een vermoeden van huiselijk geweld of kindermishandeling "
            "heeft, kan zonder toestemming gegevens aan Veilig Thuis verstrekken als dat nodig is om het "
            "geweld te beëindigen of een redelijk vermoeden ervan te onderzoeken."
        ),
    },
    {
        "code": "bw-1-238",
        "title": "BW art. 1:238 (onderzoek Raad voor de Kinderbescherming)",
        "article": (
            "Samenvatting: de Raad voor de Kinderbescherming kan voor zijn onderzoek zonder toestemming "
            "inlichtingen inwinnen bij wie beroepshalve bij de jeugdige betrokken is."
        ),
    },
    {
        "code": "gi-kinderbeschermingsmaatregel",
        "title": "Uitvoering van een kinderbeschermingsmaatregel (GI; Jeugdwet art. 3.4, BW art. 1:255)",
        "article": (
            "Samenvatting: de gecertificeerde instelling voert een door de rechter opgelegde "
            "kinderbeschermingsmaatregel uit en verwerkt daarvoor de gegevens die zij nodig heeft."
        ),
    },
    {
        "code": "wmo-2015-4-1-1",
        "title": "Wmo 2015 art. 4.1.1 (taken van Veilig Thuis)",
        "article": (
            "Samenvatting: Veilig Thuis geeft advies, neemt meldingen aan, onderzoekt ze en schakelt de "
            "hulp in die nodig is; daarvoor verwerkt het de gegevens van het gezin."
        ),
    },
]


def load_defaults(legal_basis_model) -> None:
    """Create the missing defaults; rows the administrator changed are left as they are."""
    for values in DEFAULT_LEGAL_BASES:
        legal_basis_model.objects.get_or_create(code=values["code"], defaults=values)


def legal_bases_ensure() -> None:
    from cases.models import LegalBasis

    load_defaults(LegalBasis)
