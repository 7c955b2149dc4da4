"""Property tests over the API's inputs: whatever a caller sends (Unicode digits of categories Nd and No,
extreme and impossible dates and moments, deeply nested JSON, a list or a string where an object belongs,
objects where a value belongs), no write endpoint and no list filter answers a server error.

The Django test client re-raises a view's exception, so a 500 fails with its traceback. Bounded and
deterministic: at most 50 examples per endpoint, derandomized, no example database.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.api_world import list_endpoints, make_api_world, write_endpoints

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Digits that are not 0-9: superscripts and circled numbers (No), Arabic-Indic, Devanagari, fullwidth (Nd).
unicode_digits = st.text(
    st.characters(categories=("Nd", "No"), exclude_characters="0123456789"), min_size=1, max_size=12
)
digitish = st.text(st.sampled_from("0123456789²³¹١٢٣٤٥٦٧٨٩０５७"), min_size=1, max_size=20)


@st.composite
def extreme_dates(draw) -> str:
    """Dates around and past the ends of the calendar, impossible days, mixed digits."""
    year = draw(st.sampled_from([-1, 0, 1, 1899, 1900, 2026, 2200, 2201, 9999, 10000, 99999]) | st.integers(-5, 10**5))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if draw(st.booleans()):
        return text
    digits = draw(unicode_digits)
    return "".join(
        digits[i % len(digits)] if c in "0123456789" and draw(st.booleans()) else c for i, c in enumerate(text)
    )


@st.composite
def extreme_moments(draw) -> str:
    """extreme_dates with a time and an offset that may be impossible (+99:00, -24:00)."""
    date = draw(extreme_dates())
    hour = draw(st.integers(0, 25))
    offset = draw(st.sampled_from(["", "Z", "+01:00", "-01:00", "+23:59", "-24:00", "+99:00", "+٠١:00"]))
    return f"{date}T{hour:02d}:00:00{offset}"


def nested(depth: int) -> object:
    value: object = 1
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
hostile_values = (
    unicode_digits
    | digitish
    | extreme_dates()
    | extreme_moments()
    | json_values
    | st.integers(1, 60).map(nested)
    | st.sampled_from([0, -1, 2**63, 2**64, True, 1.5, "", " 1", "1_0", "\x00", "9" * 5000])
)


def _body_strategy(valid: dict):
    """A wrong-shaped whole body, a raw nested or garbage text, or the valid body with fields replaced."""
    fields = sorted(valid) or ["x"]
    replaced = st.dictionaries(st.sampled_from(fields), hostile_values, min_size=1, max_size=3).map(
        lambda changes: json.dumps({**valid, **changes}, ensure_ascii=False)
    )
    whole = json_values.filter(lambda v: not isinstance(v, dict)).map(json.dumps)
    raw = st.integers(30, 50_000).map(lambda n: "[" * n + "]" * n) | st.text(max_size=40)
    return st.one_of(replaced, replaced, whole, raw)


@pytest.fixture
def w(db):
    return make_api_world()


@pytest.fixture
def api(w, client, login_verified):
    login_verified(client, w.region.cvc_user)
    return client


ENDPOINT_COUNT = 19


@pytest.mark.parametrize("index", range(ENDPOINT_COUNT))
def test_no_write_endpoint_answers_a_server_error_whatever_the_body(w, api, index):
    endpoints = write_endpoints(w)
    assert len(endpoints) == ENDPOINT_COUNT
    endpoint = endpoints[index]

    @PROPERTY_SETTINGS
    @given(body=_body_strategy(endpoint.body))
    def check(body):
        response = getattr(api, endpoint.method)(endpoint.url, body, content_type="application/json")
        assert response.status_code < 500, (endpoint.name, body[:200])

    check()


LIST_COUNT = 11


@pytest.mark.parametrize("index", range(LIST_COUNT))
def test_no_list_filter_answers_a_server_error_whatever_the_query(w, api, index):
    lists = sorted(list_endpoints(w).items())
    assert len(lists) == LIST_COUNT
    url, names = lists[index]
    param_values = unicode_digits | digitish | extreme_dates() | extreme_moments() | st.text(max_size=30)

    @PROPERTY_SETTINGS
    @given(query=st.dictionaries(st.sampled_from(names), param_values, min_size=1, max_size=len(names)))
    def check(query):
        response = api.get(url, query)
        assert response.status_code < 500, (url, query)

    check()
