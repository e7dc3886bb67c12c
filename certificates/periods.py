"""The period a certificate covers (a service record's months), as plain data.

A period is whole calendar months of platform time, one to twelve: written ``2026-11`` for one month and
``2026-09..2026-11`` for several. Months are what the allowance is paid by (the schedulers' hours and
their corrections are kept per month), so a period never starts or ends mid-month. The written form is
also the key that tells two certificates of the same kind apart: one valid certificate per holder, kind
and period.
"""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

MAX_MONTHS = 12
EARLIEST_YEAR = 2000
_MONTH = r"(\d{4})-(\d{1,2})"
_PATTERN = re.compile(rf"^{_MONTH}(?:\s*(?:\.\.|–|—|/)\s*{_MONTH})?$")


class PeriodError(ValueError):
    """A period that cannot be read or is out of bounds; the message is in the person's language."""


@dataclass(frozen=True, order=True)
class Period:
    """Calendar months ``first_month`` to ``last_month`` (each the first day of its month), both included."""

    first_month: date
    last_month: date

    def __post_init__(self) -> None:
        if self.first_month.day != 1 or self.last_month.day != 1:
            raise PeriodError(_("A period is made of whole months."))
        if self.last_month < self.first_month:
            raise PeriodError(_("The period ends before it starts."))
        if self.months > MAX_MONTHS:
            raise PeriodError(_("A period covers at most %(months)d months.") % {"months": MAX_MONTHS})
        if self.first_month.year < EARLIEST_YEAR:
            raise PeriodError(_("The period starts before the service existed."))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-11`` or ``2026-09..2026-11`` (an en dash or a slash between them is read too)."""
        found = _PATTERN.match((text or "").strip())
        if found is None:
            raise PeriodError(_("Write the period as a month, 2026-11, or as months, 2026-09..2026-11."))
        numbers = [int(part) for part in found.groups() if part is not None]
        months = list(zip(numbers[::2], numbers[1::2], strict=True))
        if any(not 1 <= month <= 12 for _year, month in months):
            raise PeriodError(_("A month is numbered 1 to 12."))
        first, last = months[0], months[-1]
        return cls(date(first[0], first[1], 1), date(last[0], last[1], 1))

    @property
    def months(self) -> int:
        return (self.last_month.year - self.first_month.year) * 12 + self.last_month.month - self.first_month.month + 1

    @property
    def first_day(self) -> date:
        return self.first_month

    @property
    def last_day(self) -> date:
        return self.last_month.replace(day=monthrange(self.last_month.year, self.last_month.month)[1])

    @property
    def key(self) -> str:
        """The written form, as stored on the certificate."""
        first = f"{self.first_month:%Y-%m}"
        return first if self.first_month == self.last_month else f"{first}..{self.last_month:%Y-%m}"

    def month_starts(self) -> list[date]:
        """The first day of every month in the period."""
        starts, current = [], self.first_month
        while current <= self.last_month:
            starts.append(current)
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        return starts

    def has_begun(self, today: date) -> bool:
        return self.first_month <= today

    def __str__(self) -> str:
        return self.key
