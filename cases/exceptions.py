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
