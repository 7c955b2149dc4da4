"""The basis of a participation: every share of the case's data rests on consent, a statutory basis or
a conflict of duties with its argument written in the file, and has a purpose (docs/design.md §11).

`basis_resolve` checks what `participant_add` was given and answers the Participant's basis fields; a
new consent is recorded here, in the caller's transaction. Each rule and its message are written once.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CHOSEN_BASIS_KINDS, BasisKind, Case, Consent, ConsentGiver, LegalBasis, Person, PersonRole
from cases.validators import date_in_range

BASIS_REQUIRED = _("Grondslag: kies op welke grondslag de gegevens met deze betrokkene gedeeld worden.")
PURPOSE_REQUIRED = _("Doel: beschrijf waarvoor deze betrokkene de gegevens van het gezin nodig heeft.")
LEGAL_BASIS_REQUIRED = _("Wettelijke grondslag: kies de wettelijke grondslag uit de lijst.")
LEGAL_BASIS_INACTIVE = _("Wettelijke grondslag: deze grondslag is niet meer in gebruik; kies een andere.")
ARGUMENT_REQUIRED = _(
    "Onderbouwing: bij een conflict van plichten is een onderbouwing verplicht; die wordt in het dossier vastgelegd."
)
CONSENT_GIVER_REQUIRED = _("Toestemming van: kies wie de toestemming heeft gegeven.")
CONSENT_DATE_REQUIRED = _("Datum toestemming: vul in wanneer de toestemming is gegeven.")
CONSENT_DATE_INVALID = _("Datum toestemming: deze datum ligt in de toekomst of is geen geldige datum.")
CONSENT_SCOPE_REQUIRED = _("Reikwijdte: beschrijf waarvoor de toestemming is gegeven.")
CONSENT_PERSON_NOT_ON_CASE = _("Persoon: deze persoon staat niet bij deze casus.")
CONSENT_PERSON_NOT_PARENT = _("Persoon: een ouder met gezag is als ouder of verzorger bij de casus geregistreerd.")
CONSENT_PERSON_NOT_CHILD = _("Persoon: kies de jeugdige zelf.")
CONSENT_CHILD_TOO_YOUNG = _(
    "Persoon: een jeugdige geeft pas vanaf 16 jaar zelf toestemming (Jeugdwet art. 7.3.11 lid 1); "
    "vraag de ouder met gezag."
)
CONSENT_NOT_OF_CASE = _("Toestemming: deze toestemming hoort niet bij deze casus.")
CONSENT_WITHDRAWN = _("Toestemming: deze toestemming is ingetrokken.")
BASIS_END_INVALID = _("Grondslag geldig tot: kies een datum na vandaag.")
BASIS_FIELDS_UNUSED = _("Deze gegevens horen niet bij de gekozen grondslag: %(fields)s")
UNRECORDED_NOT_ALLOWED = _("Grondslag: kies toestemming, een wettelijke grondslag of een conflict van plichten.")

CONSENT_INPUT_FIELDS = ("consent_given_by", "consent_person", "consent_given_on", "consent_scope")


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _consent_errors(
    *, case: Case, given_by: str, person: Person | None, given_on: date | None, scope: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if given_by not in ConsentGiver.values:
        errors["consent_given_by"] = str(CONSENT_GIVER_REQUIRED)
    if given_on is None:
        errors["consent_given_on"] = str(CONSENT_DATE_REQUIRED)
    elif given_on > timezone.localdate() or not date_in_range(given_on):
        errors["consent_given_on"] = str(CONSENT_DATE_INVALID)
    if not scope.strip():
        errors["consent_scope"] = str(CONSENT_SCOPE_REQUIRED)
    if person is not None:
        if person.case_id != case.pk:
            errors["consent_person"] = str(CONSENT_PERSON_NOT_ON_CASE)
        elif given_by == ConsentGiver.OUDER_MET_GEZAG and person.role not in (PersonRole.OUDER, PersonRole.VERZORGER):
            errors["consent_person"] = str(CONSENT_PERSON_NOT_PARENT)
        elif given_by == ConsentGiver.JEUGDIGE_16_PLUS:
            if person.role != PersonRole.JEUGDIGE:
                errors["consent_person"] = str(CONSENT_PERSON_NOT_CHILD)
            elif person.date_of_birth and given_on and _age_on(person.date_of_birth, given_on) < 16:
                errors["consent_person"] = str(CONSENT_CHILD_TOO_YOUNG)
    return errors


def basis_resolve(
    *,
    actor,
    case: Case,
    basis_kind: str,
    purpose: str,
    legal_basis: LegalBasis | None = None,
    consent: Consent | None = None,
    consent_given_by: str = "",
    consent_person: Person | None = None,
    consent_given_on: date | None = None,
    consent_scope: str = "",
    conflict_argument: str = "",
    basis_ends_on: date | None = None,
    unrecorded_allowed: bool = False,
) -> dict:
    """The Participant's basis fields for this input, or ValidationError with every field that is wrong.
    Consent is an existing, unwithdrawn consent of the case or a new one (recorded here)."""
    errors: dict[str, str] = {}
    purpose = (purpose or "").strip()
    conflict_argument = (conflict_argument or "").strip()
    allowed = (*CHOSEN_BASIS_KINDS, BasisKind.NIET_VASTGELEGD) if unrecorded_allowed else CHOSEN_BASIS_KINDS
    if basis_kind not in allowed:
        errors["basis_kind"] = str(BASIS_REQUIRED if not basis_kind else UNRECORDED_NOT_ALLOWED)
    if not purpose and basis_kind != BasisKind.NIET_VASTGELEGD:
        errors["purpose"] = str(PURPOSE_REQUIRED)
    if basis_ends_on is not None and basis_ends_on <= timezone.localdate():
        errors["basis_ends_on"] = str(BASIS_END_INVALID)
    new_consent = any(
        (consent_given_by, consent_person is not None, consent_given_on is not None, (consent_scope or "").strip())
    )
    unused: list[str] = []
    if basis_kind != BasisKind.WETTELIJK and legal_basis is not None:
        unused.append("legal_basis")
    if basis_kind != BasisKind.CONFLICT_VAN_PLICHTEN and conflict_argument:
        unused.append("conflict_argument")
    if basis_kind != BasisKind.TOESTEMMING and (consent is not None or new_consent):
        unused.append("consent")
    if basis_kind == BasisKind.WETTELIJK:
        if legal_basis is None:
            errors["legal_basis"] = str(LEGAL_BASIS_REQUIRED)
        elif not legal_basis.active:
            errors["legal_basis"] = str(LEGAL_BASIS_INACTIVE)
    elif basis_kind == BasisKind.CONFLICT_VAN_PLICHTEN and not conflict_argument:
        errors["conflict_argument"] = str(ARGUMENT_REQUIRED)
    elif basis_kind == BasisKind.TOESTEMMING:
        if consent is not None:
            if consent.case_id != case.pk:
                errors["consent"] = str(CONSENT_NOT_OF_CASE)
            elif consent.is_withdrawn:
                errors["consent"] = str(CONSENT_WITHDRAWN)
        else:
            errors.update(
                _consent_errors(
                    case=case,
                    given_by=consent_given_by,
                    person=consent_person,
                    given_on=consent_given_on,
                    scope=consent_scope or "",
                )
            )
    if unused and basis_kind in allowed:
        errors.setdefault("basis_kind", str(BASIS_FIELDS_UNUSED % {"fields": ", ".join(unused)}))
    if errors:
        raise ValidationError(errors)
    if basis_kind == BasisKind.TOESTEMMING and consent is None and consent_given_on is not None:
        consent = Consent.objects.create(
            case=case,
            given_by=consent_given_by,
            person=consent_person,
            given_on=consent_given_on,
            scope=consent_scope.strip(),
            recorded_by=actor,
        )
    return {
        "basis_kind": basis_kind,
        "purpose": purpose,
        "legal_basis": legal_basis if basis_kind == BasisKind.WETTELIJK else None,
        "consent": consent if basis_kind == BasisKind.TOESTEMMING else None,
        "conflict_argument": conflict_argument if basis_kind == BasisKind.CONFLICT_VAN_PLICHTEN else "",
        "basis_ends_on": basis_ends_on,
    }


def basis_label(*, basis_kind: str, legal_basis_title: str = "", consent_given_by: str = "") -> str:
    """A basis in a few words, without case content (the privacy officer's report shows it)."""
    if basis_kind == BasisKind.WETTELIJK and legal_basis_title:
        return f"{BasisKind.WETTELIJK.label}: {legal_basis_title}"
    if basis_kind == BasisKind.TOESTEMMING and consent_given_by:
        return f"{BasisKind.TOESTEMMING.label} ({ConsentGiver(consent_given_by).label})"
    return str(BasisKind(basis_kind).label) if basis_kind in BasisKind.values else ""
