"""The reports' arithmetic as pure functions: plain data in, figures out (no database, no Django).

Coverage is counted in person-hours, hour by hour and channel by channel: in each hour of each channel the
people on duty cover at most the people wanted, so a crowded evening never makes up for an empty night. The
coverage rate of any set of hours is then the hours covered over the hours wanted.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CHANNELS = ("voice", "text")
SUPERVISORS = "supervisor"  # the heatmap row of the supervisors on duty
ROWS = (*CHANNELS, SUPERVISORS)

# Heatmap bands by coverage rate, the highest first; "none": nothing wanted, "unrostered": no published roster
# covered the day, so the hour is shown but not counted.
BANDS = (("full", 1.0), ("high", 0.9), ("mid", 0.75), ("low", 0.5), ("bad", 0.0))


@dataclass(frozen=True)
class ShiftCount:
    """A published shift and how many people are on it."""

    role: str  # counselor / supervisor
    channel: str  # voice / text; "" for supervisors
    start: datetime
    end: datetime
    wanted: int
    filled: int

    @property
    def row(self) -> str:
        return self.channel if self.role == "counselor" else SUPERVISORS


@dataclass(frozen=True)
class Cell:
    """People wanted and on duty in one hour (person-hours), and how many of the wanted were covered."""

    wanted: float = 0.0
    filled: float = 0.0
    covered: float = 0.0
    rostered: bool = True

    @classmethod
    def of(cls, wanted: float, filled: float, *, rostered: bool = True) -> Cell:
        return cls(wanted, filled, min(wanted, filled), rostered)

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.wanted + other.wanted, self.filled + other.filled, self.covered + other.covered,
                    self.rostered and other.rostered)

    @property
    def rate(self) -> float | None:
        return self.covered / self.wanted if self.wanted else None

    @property
    def band(self) -> str:
        return coverage_band(self.wanted, self.covered, rostered=self.rostered)


def coverage_band(wanted: float, covered: float, *, rostered: bool = True) -> str:
    """The heatmap colour of an hour: full (100%), high (90%+), mid (75%+), low (50%+), bad; none / unrostered."""
    if not rostered:
        return "unrostered"
    if wanted <= 0:
        return "none"
    rate = min(covered, wanted) / wanted
    return next(name for name, floor in BANDS if rate >= floor)


def coverage_rate(cells: Iterable[Cell]) -> float | None:
    """Hours covered over hours wanted, over the rostered cells; None when nothing was wanted."""
    total = sum((cell for cell in cells if cell.rostered), Cell())
    return total.rate


def percent(rate: float | None) -> int | None:
    """A rate as a whole percentage, rounded down (99.6% covered is not 100%)."""
    return None if rate is None else int(rate * 100 + 1e-9)


def hour_slots(start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[date, int]]:
    """The local (date, hour) of every hour from `start` to `end` (aware, on whole hours)."""
    slots = []
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        slots.append((local.date(), local.hour))
        moment += timedelta(hours=1)
    return slots


def spread_shifts(shifts: Iterable[ShiftCount], *, start: datetime, end: datetime,
                  zone: ZoneInfo) -> dict[tuple[str, date, int], tuple[float, float]]:
    """(row, date, hour) -> (people wanted, people on duty) of the shifts, in person-hours: a shift counts in
    every hour it overlaps within [start, end), in proportion to the part of the hour it covers."""
    totals: dict[tuple[str, date, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for shift in shifts:
        begin, finish = max(shift.start, start), min(shift.end, end)
        if begin >= finish:
            continue
        hour = begin.astimezone(zone).replace(minute=0, second=0, microsecond=0)
        while hour < finish:
            following = hour + timedelta(hours=1)
            share = (min(finish, following) - max(begin, hour)).total_seconds() / 3600
            local = hour.astimezone(zone)
            cell = totals[(shift.row, local.date(), local.hour)]
            cell[0] += shift.wanted * share
            cell[1] += shift.filled * share
            hour = following
    return {key: (round(wanted, 4), round(filled, 4)) for key, (wanted, filled) in totals.items()}


def coverage_grid(*, slots: list[tuple[date, int]], counselors_wanted: dict[tuple[str, date, int], int],
                  on_duty: dict[tuple[str, date, int], tuple[float, float]],
                  rostered_days: set[date]) -> dict[tuple[str, date, int], Cell]:
    """Every hour of every row: counselors wanted from the demand, supervisors wanted from their shifts, and
    the people on duty from the published shifts."""
    grid = {}
    for day, hour in slots:
        rostered = day in rostered_days
        for channel in CHANNELS:
            filled = on_duty.get((channel, day, hour), (0.0, 0.0))[1]
            grid[(channel, day, hour)] = Cell.of(counselors_wanted.get((channel, day, hour), 0), filled,
                                                 rostered=rostered)
        wanted, filled = on_duty.get((SUPERVISORS, day, hour), (0.0, 0.0))
        grid[(SUPERVISORS, day, hour)] = Cell.of(wanted, filled, rostered=rostered)
    return grid


def summed(grid: dict[tuple[str, date, int], Cell], *, rows: Iterable[str] = CHANNELS,
           day: date | None = None, hour: int | None = None) -> Cell:
    """The cells of some rows, optionally of one day or one hour, added up."""
    rows = set(rows)
    return sum((cell for (row, d, h), cell in grid.items()
                if row in rows and (day is None or d == day) and (hour is None or h == hour)), Cell())


def rostered_days(runs: Iterable[tuple[date, int]], days: Iterable[date]) -> set[date]:
    """The days of a period that a published roster covers (runs as (first day, number of days))."""
    covered = set()
    for first, length in runs:
        covered.update(first + timedelta(days=offset) for offset in range(length))
    return covered & set(days)


def mean(total: float, count: int) -> float | None:
    return total / count if count else None


def median(values: list[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
