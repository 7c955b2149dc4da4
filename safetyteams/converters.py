"""URL converters."""


class BoundedIntConverter:
    """Like Django's `int`, but at most 18 digits: every id fits PostgreSQL's bigint, so an
    oversized id is simply "not found" (404) instead of a database error (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
