"""Limits every app's forms share."""
from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A moment a person schedules or records (a session, a supervision): this century. Year 1 or 9999 would pass the
# form and break later, when the time is converted to UTC for the database (the year would fall off the calendar).
EARLIEST_MOMENT_DAY = date(2000, 1, 1)
LATEST_MOMENT_DAY = date(2100, 12, 31)


def validate_plausible_moment(value: datetime | None) -> None:
    # compared by the wall-clock date: no time-zone arithmetic that could itself leave the calendar
    if value is not None and not (EARLIEST_MOMENT_DAY <= value.date() <= LATEST_MOMENT_DAY):
        raise ValidationError(
            _("Enter a date and time between %(earliest)s and %(latest)s."), code="implausible_moment",
            params={"earliest": EARLIEST_MOMENT_DAY.isoformat(), "latest": LATEST_MOMENT_DAY.isoformat()})


def plain_text(value: str | None, *, limit: int | None = None) -> str:
    """Text typed into a plain field (a search box, a note posted without a form), as the database can keep it:
    no NUL or other control characters (PostgreSQL refuses a NUL outright), trimmed, at most ``limit`` long."""
    text = "".join(char for char in (value or "") if char >= " " or char in "\t\n\r").strip()
    return text[:limit] if limit is not None else text
