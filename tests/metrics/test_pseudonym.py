"""Case pseudonyms are keyed (HMAC-SHA256): stable per secret, unlinkable without it, no plain hash."""

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.pseudonym import LENGTH, case_pseudonym, hmac_pads, pseudonym_sql, pseudonymiser


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**12))
def test_the_pseudonym_is_stable_for_one_secret(case_id):
    assert case_pseudonym(case_id, secret="een") == case_pseudonym(case_id, secret="een")
    assert pseudonymiser(secret="een")(case_id) == case_pseudonym(case_id, secret="een")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**12))
def test_another_secret_gives_another_pseudonym(case_id):
    assert case_pseudonym(case_id, secret="een") != case_pseudonym(case_id, secret="twee")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**12))
def test_different_cases_get_different_pseudonyms(case_id):
    assert case_pseudonym(case_id, secret="een") != case_pseudonym(case_id + 1, secret="een")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**9), st.text(min_size=1, max_size=12))
def test_the_pseudonym_is_no_plain_or_prefix_of_a_plain_hash_of_the_id_or_reference(case_id, reference):
    pseudonym = case_pseudonym(case_id, secret="geheim")
    assert len(pseudonym) == LENGTH
    for value in (str(case_id), reference, f"VT-{case_id}"):
        for algorithm in ("md5", "sha1", "sha256", "sha512", "blake2b"):
            digest = hashlib.new(algorithm, value.encode()).hexdigest()
            assert pseudonym != digest and not digest.startswith(pseudonym)


def test_the_default_secret_is_the_setting(settings):
    settings.PSEUDONYM_SECRET = "uit-de-instellingen"
    assert case_pseudonym(42) == case_pseudonym(42, secret="uit-de-instellingen")


@settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.integers(1, 2**63 - 1), min_size=1, max_size=5),
    st.one_of(st.text(max_size=100), st.sampled_from(["", "k" * 64, "k" * 65, "ĳ" * 40])),
)
def test_postgresql_computes_the_same_pseudonyms_from_the_two_padded_keys(db, case_ids, secret):
    from django.db import connection

    inner, outer = hmac_pads(secret=secret)
    expression = pseudonym_sql("ids.id", "%(inner)s::bytea", "%(outer)s::bytea")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression} FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS ids(id, n) ORDER BY n",  # noqa: S608
            {"inner": inner, "outer": outer, "ids": case_ids},
        )
        computed = [row[0] for row in cursor.fetchall()]
    assert computed == [case_pseudonym(case_id, secret=secret) for case_id in case_ids]
