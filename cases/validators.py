from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def bsn_is_valid(value: str) -> bool:
    """The BSN 11-proof: 9 digits, sum of digit × (9..2, and -1 for the last) divisible by 11."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11 == 0


def mask_bsn(value: str) -> str:
    """A BSN as the pages show it: never in full, only the last four digits."""
    return f"*****{value[-4:]}" if value else ""


def validate_bsn(value: str) -> None:
    if value and not bsn_is_valid(value):
        raise ValidationError(_("Dit is geen geldig BSN: het moet 9 cijfers hebben en voldoen aan de elfproef."))


def validate_not_in_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("Deze datum ligt in de toekomst."))
