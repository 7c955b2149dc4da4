"""API input fields that keep the input rules of the record: numbers and ids in ASCII digits only
(security.digits), dates within DATE_MIN..DATE_MAX (cases.validators). DRF's own fields read "١٢" as 12
(through `int()` and the `\\d` of Django's date parsing) and take any year from 1 to 9999."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

from cases.validators import DATE_OUT_OF_RANGE, validate_date_in_range
from security.digits import is_ascii_digits, parse_id


class AsciiIntegerField(serializers.IntegerField):
    """An integer: a JSON number, or a string of ASCII digits with an optional minus sign."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            text = data.strip()
            if not is_ascii_digits(text.removeprefix("-")):
                self.fail("invalid")
        return super().to_internal_value(data)


# A list of ids names a few organisations or people: every id is one lookup, so the list is bounded.
MAX_RELATED_IDS = 100


class BoundedManyRelatedField(ManyRelatedField):
    """`many=True` of the field below: a JSON list (not an object or a string) of at most MAX_RELATED_IDS."""

    default_error_messages = {"too_many": _("Hoogstens {n} waarden.")}

    def to_internal_value(self, data):
        if not isinstance(data, list | tuple):
            self.fail("not_a_list", input_type=type(data).__name__)
        if len(data) > MAX_RELATED_IDS:
            self.fail("too_many", n=MAX_RELATED_IDS)
        return super().to_internal_value(data)


class AsciiPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id as a JSON number or a string of ASCII digits; never a boolean, a fraction or "١"."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return BoundedManyRelatedField(child_relation=cls(*args, **kwargs), **list_kwargs)

    def to_internal_value(self, data):
        pk = parse_id(data)
        if pk is None:
            if is_ascii_digits(data) or (isinstance(data, int) and not isinstance(data, bool)):
                self.fail("does_not_exist", pk_value=data)
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(pk)


class BoundedDateField(serializers.DateField):
    """A date in ASCII ISO 8601 (YYYY-MM-DD) from 1900 to 2200."""

    def __init__(self, **kwargs):
        kwargs["validators"] = [validate_date_in_range, *kwargs.get("validators", [])]
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class BoundedDateTimeField(serializers.DateTimeField):
    """A moment in ASCII ISO 8601 whose date lies from 1900 to 2200 (so its UTC form always exists)."""

    default_error_messages = {"overflow": DATE_OUT_OF_RANGE}

    def __init__(self, **kwargs):
        kwargs["validators"] = [validate_date_in_range, *kwargs.get("validators", [])]
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|Z]")
        return super().to_internal_value(value)


class AsciiPageNumberPagination(PageNumberPagination):
    """?page= takes ASCII digits (or "last"); anything else is 404 like a page past the end."""

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message)  # DRF would read an empty page as page 1
        number = super().get_page_number(request, paginator)
        if parse_id(number) is None:
            raise NotFound(self.invalid_page_message)
        return number
