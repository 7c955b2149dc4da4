from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ConcurrentEditError(ValidationError):
    """Someone saved this record after the editor loaded it; nothing was overwritten."""

    def __init__(self, *, current, changed_fields: dict[str, tuple[object, object]]):
        self.current = current
        self.changed_fields = changed_fields
        names = ", ".join(sorted(changed_fields)) or "-"
        super().__init__(
            _(
                "Iemand anders heeft dit intussen gewijzigd (%(fields)s). Uw wijziging is niet opgeslagen; "
                "bekijk de nieuwe gegevens en probeer het opnieuw."
            )
            % {"fields": names},
            code="conflict",
        )


class AlreadyRecorded(ValidationError):
    """What this asks for happens once, and it has happened: nothing new was stored.

    `existing` is the row that was recorded first (the API answers it with 409, the pages link to
    it). `field` names the input the rule is about, as a plain refusal would."""

    def __init__(self, message, *, existing, field: str | None = None):
        self.existing = existing
        error = ValidationError(message, code="already_recorded")
        super().__init__({field: [error]} if field else [error])


class AlreadySubmitted(AlreadyRecorded):
    """The same form (or API call with the same Idempotency-Key) was sent again: `existing` is what
    its first sending created."""
