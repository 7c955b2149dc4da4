"""JSON from outside (API bodies, import lines), bounded before it is parsed.

`json.loads` recurses once per nesting level: a body of 100,000 "[" ends in a RecursionError (a 500),
and an unbounded body is read whole into memory. `loads_bounded` refuses a text that is too large or
nested too deep first, with a cheap scan that does not recurse, and answers every refusal with a
`JSONInputError` whose message the user can read.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A string literal (escapes included) or one bracket: brackets inside strings do not count.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|([\[{])|[\]}]', re.DOTALL)


class JSONInputError(ValueError):
    """Refused JSON input; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_body_bytes() -> int:
    return settings.API_MAX_BODY_BYTES


def max_depth() -> int:
    return settings.API_MAX_JSON_DEPTH


def too_large_message(limit: int) -> str:
    return _("De invoer is te groot: hoogstens %(size)s.") % {"size": filesizeformat(limit)}


def nesting_exceeds(text: str, limit: int) -> bool:
    """Whether any point of `text` lies inside more than `limit` arrays and objects. Stops at the first
    such point; malformed text is left for the parser to refuse."""
    depth = 0
    for token in _TOKENS.finditer(text):
        if token.group(1):
            depth += 1
            if depth > limit:
                return True
        elif token.group()[0] != '"':
            depth -= 1
    return False


def _refuse_constant(name: str):
    raise ValueError(_("%(name)s is geen JSON-getal") % {"name": name})


def loads_bounded(text: str | bytes, *, max_bytes: int | None = None, depth: int | None = None):
    """`json.loads` for untrusted text: at most `max_bytes` bytes (None: no size bound) and `depth`
    levels of nesting (default API_MAX_JSON_DEPTH); NaN and Infinity are refused, as JSON does.
    Raises JSONInputError."""
    if max_bytes is not None:
        size = len(text) if isinstance(text, bytes) or len(text) > max_bytes else len(text.encode("utf-8"))
        if size > max_bytes:
            raise JSONInputError(too_large_message(max_bytes))
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONInputError(_("De invoer is geen UTF-8-tekst.")) from exc
    limit = max_depth() if depth is None else depth
    if nesting_exceeds(text, limit):
        raise JSONInputError(_("De JSON is te diep genest: hoogstens %(depth)d niveaus.") % {"depth": limit})
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise JSONInputError(_("Geen geldige JSON: %(error)s.") % {"error": exc.msg}) from exc
    except ValueError as exc:
        raise JSONInputError(_("Geen geldige JSON: %(error)s.") % {"error": exc}) from exc
