"""Check constraints validated in one query while they hold, and each on its own (Django's messages) when not."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.models import CheckConstraintsInOneQuery
from credentialing.models import SpecialTraining
from tests.credentialing.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def training(**changes) -> SpecialTraining:
    values = {"title": "Crisis intervention", "provider": "Red Cross", "hours": Decimal("24"),
              "covers_crisis": True, **changes}
    return SpecialTraining(application=ApplicationFactory(), **values)


def test_all_hold_in_one_query():
    record = training()
    assert len(record._meta.constraints) > 2
    with CaptureQueriesContext(connection) as queries:
        record.validate_constraints()
    # one question to the database (in a transaction, as here, wrapped in a savepoint)
    assert [q["sql"] for q in queries if "_check" in q["sql"]] == [queries[-1 if len(queries) == 1 else 1]["sql"]]
    assert len(queries) in (1, 3)


def test_a_broken_one_is_named_as_django_names_it():
    record = training(covers_crisis=False)
    with pytest.raises(ValidationError) as refused:
        record.validate_constraints()
    assert refused.value.messages == ["Tick at least one topic the training covered."]


@pytest.mark.parametrize("changes", [{"hours": Decimal("-1")}, {"hours": Decimal("99999")},
                                     {"check_note": "x" * 100_000}, {"covers_crisis": False}])
def test_one_query_finds_every_breach_the_constraints_one_by_one_find(changes):
    record = training(**changes)
    with pytest.raises(ValidationError) as together:
        record.validate_constraints()
    with pytest.raises(ValidationError) as one_by_one:
        super(CheckConstraintsInOneQuery, record).validate_constraints()  # Django's own, one query each
    assert together.value.messages == one_by_one.value.messages


def test_a_constraint_on_an_excluded_field_is_skipped_as_django_skips_it():
    record = training(check_note="x" * 100_000)
    record.validate_constraints(exclude={"check_note"})  # what a form that does not show the field does
    with pytest.raises(ValidationError):
        record.validate_constraints()
