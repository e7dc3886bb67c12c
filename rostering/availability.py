"""A person's availability, said in their own time zone, as instants. Pure functions: plain data in and out.

The weekly pattern is hour cells in the person's wall-clock time; a date exception replaces or adds
hours on one date. Wall-clock times become instants with `zoneinfo` and fold=0, like the roster
SPEC's night windows: an hour that does not exist (clocks set forward) is empty, an hour that
occurs twice (clocks set back) covers both occurrences.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class DateException:
    day: date
    start_hour: int  # 0..23
    end_hour: int  # 1..24, after start_hour
    available: bool  # True: adds hours; False: takes them away


def wall_clock(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The instant of `hour`:00 on `day` in `zone`, in UTC; hour 24 is the next day's midnight."""
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)


def merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def subtract(intervals: list[Interval], removed: list[Interval]) -> list[Interval]:
    result = []
    removed = merge(removed)
    for start, end in merge(intervals):
        pieces = [(start, end)]
        for r_start, r_end in removed:
            next_pieces = []
            for a, b in pieces:
                if r_end <= a or b <= r_start:
                    next_pieces.append((a, b))
                    continue
                if a < r_start:
                    next_pieces.append((a, r_start))
                if r_end < b:
                    next_pieces.append((r_end, b))
            pieces = next_pieces
        result.extend(pieces)
    return merge(result)


def clip(intervals: list[Interval], start: datetime, end: datetime) -> list[Interval]:
    return [(max(a, start), min(b, end)) for a, b in intervals if a < end and start < b]


def _hour_runs(hours: set[int]) -> list[tuple[int, int]]:
    """Consecutive hours as (start, end) runs: {8, 9, 10, 14} -> [(8, 11), (14, 15)]."""
    runs: list[list[int]] = []
    for hour in sorted(hours):
        if runs and runs[-1][1] == hour:
            runs[-1][1] = hour + 1
        else:
            runs.append([hour, hour + 1])
    return [(a, b) for a, b in runs]


def weekly_intervals(
    cells: dict[int, set[int]], zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The instants of a weekly pattern ({weekday: hours}) between `start` and `end`, merged."""
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    out: list[Interval] = []
    day = first
    while day <= last:
        for a, b in _hour_runs(cells.get(day.weekday(), set())):
            out.append((wall_clock(day, a, zone), wall_clock(day, b, zone)))
        day += timedelta(days=1)
    return clip(merge(out), start, end)


def person_intervals(
    *,
    available: dict[int, set[int]],
    unpreferred: dict[int, set[int]],
    exceptions: list[DateException],
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
) -> tuple[list[Interval], list[Interval]]:
    """(available, unpreferred) instants of one person between `start` and `end`.

    Rather-not hours are available hours too. A date exception "not available" removes its hours
    from both; "available" adds its hours as available.
    """
    rather_not = weekly_intervals(unpreferred, zone, start, end)
    free = merge(weekly_intervals(available, zone, start, end) + rather_not)
    removed = [(wall_clock(e.day, e.start_hour, zone), wall_clock(e.day, e.end_hour, zone))
               for e in exceptions if not e.available]
    added = [(wall_clock(e.day, e.start_hour, zone), wall_clock(e.day, e.end_hour, zone))
             for e in exceptions if e.available]
    free = clip(merge(subtract(free, removed) + added), start, end)
    rather_not = subtract(rather_not, removed)
    return free, rather_not
