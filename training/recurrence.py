"""When the nightly sessions fall: a recurrence rule turned into start times, as a pure function.

Sessions are held at a fixed wall-clock time of the platform (20:00 China Standard Time); the rule is
expanded in that local time and each start is then made aware, so a zone with a DST change would still
start at 20:00 local on both sides of it.
"""
from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from dateutil.rrule import DAILY, rrule, weekdays

PLATFORM_TIMEZONE = "Asia/Shanghai"
NIGHTLY_START = time(20, 0)
NIGHTLY_MINUTES = 120
MAX_SESSIONS_PER_SERIES = 62  # two months of nights: a slip of the date field cannot create years of sessions


def nightly_rule(first_day: date, last_day: date, *, days_of_week: tuple[int, ...] = tuple(range(7)),
                 at: time = NIGHTLY_START) -> rrule:
    """The rule of a series: every chosen weekday (0 = Monday) from ``first_day`` to ``last_day`` inclusive."""
    return rrule(DAILY, dtstart=datetime.combine(first_day, at), until=datetime.combine(last_day, at),
                 byweekday=[weekdays[d] for d in sorted(set(days_of_week))])


def session_times(rule: rrule, *, minutes: int = NIGHTLY_MINUTES, timezone: str = PLATFORM_TIMEZONE
                  ) -> list[tuple[datetime, datetime]]:
    """(start, end) of every occurrence, aware in ``timezone``; at most ``MAX_SESSIONS_PER_SERIES``."""
    zone = zoneinfo.ZoneInfo(timezone)
    times = []
    for occurrence in rule:
        if len(times) == MAX_SESSIONS_PER_SERIES:
            raise ValueError(f"more than {MAX_SESSIONS_PER_SERIES} sessions")
        start = occurrence.replace(tzinfo=zone)
        # the end is the same wall-clock arithmetic, then aware: 20:00 + 2 h is 22:00 local
        end = (occurrence + timedelta(minutes=minutes)).replace(tzinfo=zone)
        times.append((start, end))
    return times
