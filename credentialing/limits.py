"""The sane limits of what a person types: hours, totals, free text and dates.

One place, used by the forms (a message on the field), the services (a record that would push a total over
its limit is refused), the import and the database constraints. The stored totals
(``Application.ethics_hours`` / ``practice_hours``) are wide enough for the largest total allowed here.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# Hours. A full-time counselor sees clients some 1,500 hours a year: one record may cover a whole career,
# and no one has counseled for more than 100,000 hours (over 60 years full time).
MIN_HOURS = Decimal("0.5")
MAX_PRACTICE_HOURS_PER_RECORD = Decimal("50000")
MAX_PRACTICE_HOURS_TOTAL = Decimal("100000")
# Ethics courses last days, not years: 16 hours are required; 1,000 in one course or 5,000 in all is absurd.
MAX_ETHICS_HOURS_PER_RECORD = Decimal("1000")
MAX_ETHICS_HOURS_TOTAL = Decimal("5000")
MAX_SPECIAL_TRAINING_HOURS = Decimal("2000")

# Free text typed by a person and read by another (reasons, notes).
MAX_REASON_LENGTH = 2000
MAX_NOTE_LENGTH = 1000

# The version a form carries back (a PositiveIntegerField in the database).
MAX_VERSION = 2**31 - 1

# Dates. Nobody practising today qualified before 1950; a certificate may be valid for decades ahead.
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def hours_validators(maximum: Decimal) -> list:
    return [MinValueValidator(MIN_HOURS), MaxValueValidator(maximum)]


def validate_plausible_date(value: date) -> None:
    """Refuse year 1 and year 9999: a date between 1950 and 2100."""
    if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


def validate_not_in_future(value: date, today: date) -> None:
    if value is not None and value > today:
        raise ValidationError(_("This date is in the future."), code="future_date")
