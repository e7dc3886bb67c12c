"""Which days and months have a report, in platform time: reading them from an address, their bounds, and the
neighbours a page links to. Pure: `today` is given.

The platform's time zone is settings.TIME_ZONE (China Standard Time): a day is midnight to midnight there,
whatever the reader's own zone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The service began in 2020: nothing before has a report. Published rosters reach a few weeks ahead, so a report
# of a coming day (its planned coverage) is allowed up to about two months ahead; anything later is not found.
EARLIEST_DAY = date(2020, 1, 1)
DAYS_AHEAD = 62

DAY_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
MONTH_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}$")


@dataclass(frozen=True)
class Period:
    """A run of whole platform days: one day, or one calendar month."""

    start: date
    days: int

    @property
    def end(self) -> date:
        """The first day after the period."""
        return self.start + timedelta(days=self.days)

    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.days)]

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware instants: midnight of its first day to midnight after its last, in `zone`."""
        return midnight(self.start, zone), midnight(self.end, zone)


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def day_period(day: date) -> Period:
    return Period(day, 1)


def month_period(first: date) -> Period:
    return Period(first, (next_month(first) - first).days)


def next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def latest_day(today: date) -> date:
    return today + timedelta(days=DAYS_AHEAD)


def parse_day(text: str) -> date | None:
    """A YYYY-MM-DD date, or None (2026-02-30, 2026-13-01, anything else)."""
    if not isinstance(text, str) or not DAY_PATTERN.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_month(text: str) -> date | None:
    """The first day of a YYYY-MM month, or None (2026-13, 2026-00, 0000-01, anything else)."""
    if not isinstance(text, str) or not MONTH_PATTERN.match(text):
        return None
    try:
        return date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        return None


def day_has_report(day: date, today: date) -> bool:
    return EARLIEST_DAY <= day <= latest_day(today)


def month_has_report(first: date, today: date) -> bool:
    return first.day == 1 and date(EARLIEST_DAY.year, EARLIEST_DAY.month, 1) <= first <= latest_day(today)


def day_neighbours(day: date, today: date) -> tuple[date | None, date | None]:
    """The days before and after that have a report (None at either end)."""
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    return (before if day_has_report(before, today) else None, after if day_has_report(after, today) else None)


def month_neighbours(first: date, today: date) -> tuple[date | None, date | None]:
    before = previous_month(first) if first > date(1, 1, 1) else None
    after = next_month(first) if (first.year, first.month) < (9999, 12) else None
    return (before if before and month_has_report(before, today) else None,
            after if after and month_has_report(after, today) else None)


def yesterday(today: date) -> date:
    return today - timedelta(days=1)


def last_month(today: date) -> date:
    return previous_month(date(today.year, today.month, 1))
