"""The English catalogue keeps the meaning of the Dutch source.

A fuzzy match that a translator accepted ("Vastleggen" → "Log out", "acute onveiligheid" → "safety team")
reads fine in English and says something else. These tests catch it from the catalogue alone: one English
string that serves Dutch strings of different meaning, a domain word rendered by anything but its term,
and the fuzzy or previous-msgid markers such a match leaves behind.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"


def catalogue() -> polib.POFile:
    return polib.pofile(str(EN_PO))


def _words(text: str) -> str:
    """Lower case, punctuation and whitespace folded: 'Casus' and 'casus.' are the same words."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _pairs(entries) -> list[tuple[str, str]]:
    """(Dutch, English) for every form: a plural entry gives its singular and its plural."""
    pairs = []
    for e in entries:
        if e.obsolete:
            continue
        if e.msgid_plural:
            pairs += [(e.msgid, e.msgstr_plural.get(0, "")), (e.msgid_plural, e.msgstr_plural.get(1, ""))]
        else:
            pairs.append((e.msgid, e.msgstr))
    return pairs


# Dutch strings of the same meaning that may share one English string. Each set says why; anything
# else that shares a translation is a meaning lost (add a set here only for true synonyms).
SYNONYMS: list[tuple[set[str], str]] = [
    ({"Gevraagd door", "Aangevraagd door"}, "both 'requested by': an investigation's requester, a membership's"),
    ({"Verder", "Volgende"}, "both 'next': the next step of a wizard, the next page of a list"),
    ({"controle", "controleren"}, "noun and verb of the same English 'check' (a safety condition's check)"),
    ({"Professional", "beroepskracht"}, "beroepskracht is the Dutch word for a professional (a kind of reporter)"),
    ({"Handeling", "Actie"}, "both the 'action' column: the access log's, the session list's"),
    ({"Export", "exporteren"}, "noun and verb of 'export' (the access log names actions by verb)"),
    ({"Import", "Importeren"}, "noun and verb of 'import' (a page title and its button)"),
    ({"afgesloten", "gesloten"}, "both 'closed': a case's status, a meeting's"),
    ({"dagelijks overzicht", "dagoverzicht"}, "the same daily digest e-mail, in two spellings"),
    ({"Voorkeuren voor meldingen", "meldingsvoorkeuren"}, "the same notification preferences, in two spellings"),
    ({"startdatum", "ingangsdatum"}, "both 'start date': a measure's ingangsdatum is the day it starts"),
    ({"nagekomen", "gehaald"}, "both 'met' in the glossary: a safety condition kept, a deadline made in time"),
]


def _synonymous(msgids: set[str]) -> bool:
    distinct = {_words(m) for m in msgids}
    if len(distinct) == 1:
        return True
    return any(distinct <= {_words(m) for m in allowed} for allowed, _why in SYNONYMS)


def test_one_english_string_never_serves_dutch_strings_of_different_meaning():
    by_english: dict[str, set[str]] = defaultdict(set)
    for dutch, english in _pairs(catalogue()):
        if english.strip():
            by_english[_words(english)].add(dutch)
    clashes = {english: sorted(dutch) for english, dutch in by_english.items() if not _synonymous(dutch)}
    assert not clashes, (
        "these English strings each translate Dutch strings of different meaning "
        f"(translate each for its meaning, or list true synonyms in SYNONYMS): {clashes}"
    )


def test_the_synonym_list_holds_only_strings_that_are_in_the_catalogue():
    msgids = {_words(dutch) for dutch, _english in _pairs(catalogue())}
    stale = [sorted(allowed) for allowed, _why in SYNONYMS if not {_words(m) for m in allowed} <= msgids]
    assert not stale, f"synonym sets naming strings the catalogue no longer has: {stale}"


class Term(NamedTuple):
    dutch: str  # regular expression on the Dutch msgid (case-insensitive)
    english: str  # regular expression the English msgstr must match (case-insensitive)
    unless: tuple[str, ...] = ()  # msgids where the Dutch word has another sense (covered by another term)


# The in-app 'melding' (a notification) beside the melding at Veilig Thuis (a report): the same Dutch word.
NOTIFICATION_SENSE = (
    "De bijdrage is gevraagd; de professionals van die partner krijgen een melding.",
    "Elke melding staat onder Meldingen. Kies per soort of u er ook direct een e-mail over krijgt, in het "
    "dagelijkse overzicht, of geen e-mail.",
    "Per soort melding",
)

# 'overleg' is also the verb 'to consult' (with the coordinator): not a meeting.
CONSULT_SENSE = (
    "Overleg eerst met de coördinator. Is dit toch een ander gezin of een nieuwe casus nodig, bevestig dan dat u "
    "toch doorgaat.",
)

# The domain's words and the English rendering each must keep (docs/design.md §16, the glossary).
GLOSSARY: list[Term] = [
    Term(r"veiligheidsvoorwaarde", r"safety condition"),
    Term(r"\bgezamenlijke? oordee?l", r"joint judgement"),
    # The family's own plain-language pages call their primary professional their regular contact person.
    Term(r"\bvaste? gezicht", r"primary professional|regular contact person"),
    Term(r"\bacute onveiligheid", r"acute unsafety"),
    Term(r"\bstructurele onveiligheid", r"structural unsafety"),
    Term(r"\bgeen onveiligheid", r"no unsafety"),
    Term(r"\bveiligheidsbeoordeling", r"safety assessment"),
    Term(r"\bveiligheidsplan", r"safety plan"),
    Term(r"\bveiligheidsscore", r"safety score"),
    Term(r"\bveiligheidsteam", r"safety team|Veiligheidsteam"),  # also the product's name
    Term(r"\bcasus", r"\bcase"),
    Term(r"\bmelding\b", r"\breport", unless=NOTIFICATION_SENSE),
    Term(r"\bmeldingen\b|\bmeldingsvoorkeur", r"notif"),
    Term(r"\bmelder", r"\breporter"),
    Term(r"\baangemeld\b|\baanmelding\b", r"\breferr"),
    Term(r"\bheraan(meld|gemeld)", r"re-report"),
    Term(r"\bafgeschaald|\bafschaling", r"stepped down|stepping down"),
    Term(r"\btermijn(?!enwet)", r"deadline|\bterm\b|\bterms\b"),
    Term(r"\bbewaartermijn", r"retention period"),
    Term(r"\bVeilig Thuis\b", r"Veilig Thuis"),
    Term(r"\bRaad voor de Kinderbescherming", r"Child Protection Board"),
    Term(r"\bGecertificeerde Instelling", r"certified child-protection agency"),
    Term(r"\bbeschikking", r"court order"),
    Term(r"\bondertoezichtstelling", r"supervision order"),
    Term(r"\buithuisplaatsing", r"out-of-home placement"),
    Term(r"\binzet\b", r"intervention"),
    Term(r"\bbeoordelingsronde", r"assessment round"),
    Term(r"\bafwijkend(e)? standpunt", r"dissent"),
    Term(r"\bcrisispad", r"crisis path"),
    Term(r"\btoestemming", r"consent"),
    Term(r"\bgrondslag", r"\bbas[ie]s"),
    Term(r"\bconflict van plichten", r"conflict of duties"),
    Term(r"\bterugkoppeling", r"feedback"),
    Term(r"\bpeildatum", r"reference date"),
    Term(r"\bjeugdprofessional", r"youth-care professional"),
    Term(r"\bcoördinator", r"coordinator|coordinate"),
    Term(r"\bfunctioneel beheerder", r"functional administrator"),
    Term(r"\bprivacy officer", r"privacy officer"),
    Term(r"regisseur", r"case manager"),
    Term(r"\bverslag", r"minutes"),
    Term(r"\bzaaknummer", r"case number|reference"),
    Term(r"\bgezamenlijke analyse", r"joint analysis"),
    Term(r"\boverleg(gen)?\b", r"meeting", unless=CONSULT_SENSE),
    Term(r"\bepisode", r"episode"),
    Term(r"\bvernietig", r"destr"),
    Term(r"\btijdlijn", r"timeline"),
    Term(r"\btoegangslog", r"access log"),
    Term(r"\bBSN", r"BSN"),
]


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda term: term.dutch)
def test_every_string_with_a_domain_word_keeps_its_english_term(term):
    wrong = [
        (dutch, english)
        for dutch, english in _pairs(catalogue())
        if re.search(term.dutch, dutch, re.IGNORECASE)
        and dutch not in term.unless
        and not re.search(term.english, english, re.IGNORECASE)
    ]
    assert not wrong, f"{term.dutch!r} must be rendered as {term.english!r} in: {wrong}"


def test_each_sense_exception_is_still_in_the_catalogue():
    msgids = {dutch for dutch, _english in _pairs(catalogue())}
    assert set(NOTIFICATION_SENSE) <= msgids
    assert set(CONSULT_SENSE) <= msgids


def test_no_entry_is_fuzzy_or_keeps_a_previous_msgid():
    po = catalogue()
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    previous = [e.msgid for e in po if e.previous_msgid or e.previous_msgid_plural or e.previous_msgctxt]
    obsolete = [e.msgid for e in po if e.obsolete]
    assert not fuzzy, f"fuzzy matches are suggestions, not translations: {fuzzy}"
    assert not previous, f"'#| msgid' markers of an accepted fuzzy match remain: {previous}"
    assert not obsolete, f"obsolete entries: {obsolete}"
    assert "#| msgid" not in EN_PO.read_text(encoding="utf-8")
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"


def test_every_entry_is_translated():
    untranslated = [dutch for dutch, english in _pairs(catalogue()) if not english.strip()]
    assert not untranslated


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sdir]|%[sd]|\{\w*\}", text))


def test_every_translation_keeps_the_placeholders_of_its_source():
    wrong = [(d, e) for d, e in _pairs(catalogue()) if _placeholders(d) != _placeholders(e)]
    assert not wrong


def test_the_compiled_catalogue_is_the_catalogue():
    """django.mo is what Django reads: a fix in the .po that was not compiled changes nothing on screen."""
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in polib.mofile(str(EN_MO))}
    stale = [
        e.msgid
        for e in catalogue()
        if not e.obsolete and compiled.get((e.msgctxt, e.msgid)) != (e.msgstr or e.msgstr_plural.get(0, ""))
    ]
    assert not stale, f"compile the catalogue (python scripts/i18n.py update): {stale[:20]}"


TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?""")
TEMPLATE_ROOTS = ("safetyteams", "partners", "security", "cases", "workflows", "metrics", "exchange")


def _translated_in_templates() -> dict[tuple[str | None, str], str]:
    root = LOCALE.parent
    found = {}
    for app in TEMPLATE_ROOTS:
        for path in (root / app).glob("**/templates/**/*.*"):
            for m in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8", errors="replace")):
                found[(m.group(4), m.group(2))] = str(path.relative_to(root))
    return found


def test_every_string_a_template_translates_has_its_english_translation():
    """Also the pages of the login's second step and the two-factor setup (security/templates/two_factor):
    a string missing here is shown in Dutch on the English page."""
    translated = {(e.msgctxt, e.msgid) for e in catalogue() if not e.obsolete and e.translated()}
    strings = _translated_in_templates()
    assert any("two_factor" in path for path in strings.values())
    missing = {msgid: path for (context, msgid), path in strings.items() if (context, msgid) not in translated}
    assert not missing, f"run scripts/i18n.py update and translate: {missing}"
