from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from security.digits import is_ascii_digits

# The dates the record can hold: wide enough for any birth date or term, narrow enough that date
# arithmetic (terms, reminders, UTC conversion) never leaves what Python and PostgreSQL can represent.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)
DATE_OUT_OF_RANGE = _("Kies een datum van 1900 tot en met 2200.")


def bsn_is_valid(value: str) -> bool:
    """The BSN 11-proof: 9 ASCII digits, sum of digit × (9..2, and -1 for the last) divisible by 11."""
    if len(value) != 9 or not is_ascii_digits(value) or value == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11 == 0


# A BSN names one person: on one case it is there once (cases.services, and a database constraint).
BSN_TWICE_IN_CASE = _("Dit BSN staat al bij een persoon van deze casus.")


BSN_INVALID = _("BSN: dit is geen geldig BSN (9 cijfers die voldoen aan de elfproef).")


def bsn_from_input(value: str) -> str:
    """A BSN as typed, with the spaces and dots people write in it removed (no other change)."""
    return value.strip().replace(" ", "").replace(".", "")


def mask_bsn(value: str) -> str:
    """A BSN as the pages show it: never in full, only the last four digits."""
    return f"*****{value[-4:]}" if value else ""


def validate_bsn(value: str) -> None:
    if value and not bsn_is_valid(value):
        raise ValidationError(_("Dit is geen geldig BSN: het moet 9 cijfers hebben en voldoen aan de elfproef."))


def validate_not_in_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("Deze datum ligt in de toekomst."))


def date_in_range(value: date | datetime) -> bool:
    """Whether a date (or a moment's own date, whatever its offset) lies within DATE_MIN..DATE_MAX."""
    day = value.date() if isinstance(value, datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def validate_date_in_range(value) -> None:
    if value is not None and not date_in_range(value):
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")
