"""Read a page's form the way a browser would send it unchanged: what a test needs to "save as shown"."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.setdefault(a["name"], []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self._select, self._first_option, self._selected = a["name"], None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._selected = True
                self._form.setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.setdefault(a["name"], []).append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._form is not None and self._select:
            if not self._selected and self._first_option is not None:
                # Nothing selected: a browser sends the first option.
                self._form.setdefault(self._select, []).append(self._first_option)
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea:
            # Browsers drop the one newline right after <textarea>.
            values = self._form[self._textarea]
            values[-1] = values[-1].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[self._textarea][-1] += data


def form_data(html: str, *, with_field: str = "version") -> dict[str, str | list[str]]:
    """The fields of the page's first POST form that has `with_field`, as a browser would send them
    unchanged (submit buttons are left out: add the one you press)."""
    reader = _FormReader()
    reader.feed(html)
    fields = next(form for form in reader.forms if any(name.endswith(with_field) for name in form))
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}
