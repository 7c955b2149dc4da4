"""full_clean_held: the services' model validation, without a query per foreign key they already hold."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.assessments.models import PartnerContribution
from cases.model_validation import full_clean_held
from cases.models import Person
from tests.exchange.world import build_live_case, make_world


def _lookups_of(table: str, queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"])


@pytest.mark.django_db
def test_a_held_foreign_key_is_not_looked_up_again_but_plain_full_clean_does():
    case = build_live_case(make_world())
    person = Person(case=case, role="ouder", full_name="Ouder Test")

    with CaptureQueriesContext(connection) as plain:
        person.full_clean()
    with CaptureQueriesContext(connection) as held:
        full_clean_held(person)

    assert _lookups_of("cases_case", plain.captured_queries) == 1
    assert _lookups_of("cases_case", held.captured_queries) == 0


@pytest.mark.django_db
def test_a_foreign_key_given_as_an_id_only_is_still_checked():
    person = Person(case_id=987_654_321, role="ouder", full_name="Ouder Test")

    with pytest.raises(ValidationError) as raised:
        full_clean_held(person)

    assert "case" in raised.value.message_dict


@pytest.mark.django_db
def test_field_errors_and_uniqueness_are_still_reported():
    case = build_live_case(make_world())
    existing = PartnerContribution.objects.filter(assessment__case=case).select_related("assessment", "organisation")
    existing = existing.first()
    duplicate = PartnerContribution(
        assessment=existing.assessment,
        organisation=existing.organisation,
        author=existing.author,
        safety_score=5,
        classification="structureel",
    )
    with pytest.raises(ValidationError) as raised:
        full_clean_held(duplicate)
    assert NON_FIELD_ERRORS in raised.value.message_dict  # one contribution per partner per round

    wrong = Person(case=case, role="buurman", full_name="")
    with pytest.raises(ValidationError) as raised:
        full_clean_held(wrong)
    assert {"role", "full_name"} <= set(raised.value.message_dict)
