"""The NL Design System classes on Django's form widgets, chosen in one place (docs/ui-components.md).

components/field.html renders every form field through `nlds_widget`, so a page's form gets the
Utrecht textbox, select, textarea, checkbox and radio button without a class in any form or page.
"""

import copy

from django import forms, template
from django.forms.widgets import ChoiceWidget, Input

register = template.Library()

# Most specific first: CheckboxSelectMultiple is a RadioSelect, CheckboxInput an Input.
_WIDGET_CLASSES: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input"),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (forms.FileInput, "utrecht-file-input"),
    (Input, "utrecht-textbox utrecht-textbox--html-input"),
)
_INVALID = {
    "utrecht-textbox": "utrecht-textbox--invalid",
    "utrecht-select": "utrecht-select--invalid",
    "utrecht-textarea": "utrecht-textarea--invalid",
    "utrecht-radio-button": "utrecht-radio-button--invalid",
}


def widget_class(widget: forms.Widget, *, invalid: bool = False) -> str:
    """The Utrecht classes of a widget (empty for one we do not style, such as a hidden input)."""
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return ""
    for kind, classes in _WIDGET_CLASSES:
        if isinstance(widget, kind):
            if invalid and (extra := _INVALID.get(classes.split()[0])):
                return f"{classes} {extra}"
            return classes
    return ""


def _with_option_class(widget: ChoiceWidget, classes: str) -> ChoiceWidget:
    """A copy of a radio or checkbox group whose inputs carry the classes (attrs would also put them
    on the group's wrapper <div>, which would then be drawn as one small radio button)."""
    group = copy.copy(widget)
    create_option = widget.create_option

    def create_classed_option(*args, **kwargs):
        option = create_option(*args, **kwargs)
        option["attrs"] = {**option["attrs"], "class": classes}
        return option

    group.create_option = create_classed_option  # type: ignore[method-assign]
    return group


@register.filter
def nlds_widget(field: forms.BoundField):
    """The field's widget with its Utrecht classes, and its error message tied to it for screen readers."""
    attrs: dict[str, str | bool] = {}
    widget = field.field.widget
    own = widget.attrs.get("class", "")
    classes = " ".join(c for c in (own, widget_class(widget, invalid=bool(field.errors))) if c)
    if isinstance(widget, forms.RadioSelect) and classes:
        widget = _with_option_class(widget, classes)
    elif classes:
        attrs["class"] = classes
    if field.errors and not field.use_fieldset:
        described = [f"{field.auto_id}_helptext"] if field.help_text else []
        attrs["aria-describedby"] = " ".join([*described, f"{field.auto_id}_error"])
    return field.as_widget(widget=widget, attrs=attrs)
