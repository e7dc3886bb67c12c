"""Availability said in one's own time zone becomes the right instants, across daylight saving changes."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from rostering.availability import DateException, person_intervals, weekly_intervals

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_london_evening_moves_an_hour_in_utc_when_summer_time_begins():
    # Europe/London springs forward on Sunday 29 March 2026; 18-22 local each day
    cells = {d: set(range(18, 22)) for d in range(7)}
    intervals = weekly_intervals(cells, LONDON, utc(2026, 3, 27), utc(2026, 3, 31))
    assert intervals == [
        (utc(2026, 3, 27, 18), utc(2026, 3, 27, 22)),  # Friday, GMT
        (utc(2026, 3, 28, 18), utc(2026, 3, 28, 22)),  # Saturday, GMT
        (utc(2026, 3, 29, 17), utc(2026, 3, 29, 21)),  # Sunday, BST
        (utc(2026, 3, 30, 17), utc(2026, 3, 30, 21)),
    ]


def test_new_york_night_across_the_autumn_change_lasts_an_hour_longer():
    # America/New_York falls back on Sunday 1 November 2026 at 02:00; 00-06 local on Sundays
    cells = {6: set(range(0, 6))}
    intervals = weekly_intervals(cells, NEW_YORK, utc(2026, 10, 31), utc(2026, 11, 3))
    assert intervals == [(utc(2026, 11, 1, 4), utc(2026, 11, 1, 11))]  # 00:00 EDT to 06:00 EST: 7 hours


def test_the_hour_that_does_not_exist_is_empty():
    # 01:00-02:00 London on 29 March 2026 does not exist (clocks jump from 01:00 to 02:00)
    cells = {6: {1}}
    assert weekly_intervals(cells, LONDON, utc(2026, 3, 29), utc(2026, 3, 30)) == []


def test_exceptions_take_hours_away_and_add_them_in_the_persons_zone():
    available = {d: set(range(9, 17)) for d in range(5)}
    free, rather_not = person_intervals(
        available=available, unpreferred={0: {17}},
        exceptions=[DateException(date(2026, 11, 2), 0, 24, available=False),  # Monday off
                    DateException(date(2026, 11, 7), 10, 12, available=True)],  # Saturday 10-12 extra
        zone=NEW_YORK, start=utc(2026, 11, 2), end=utc(2026, 11, 9))
    assert (utc(2026, 11, 2, 14), utc(2026, 11, 2, 22)) not in free
    assert rather_not == []  # the Monday rather-not hour went with the day off
    assert (utc(2026, 11, 3, 14), utc(2026, 11, 3, 22)) in free  # Tuesday 9-17 EST
    assert (utc(2026, 11, 7, 15), utc(2026, 11, 7, 17)) in free


def test_intervals_are_clipped_to_the_period():
    cells = {d: set(range(24)) for d in range(7)}
    start, end = utc(2026, 3, 1, 16), utc(2026, 3, 2, 16)
    assert weekly_intervals(cells, LONDON, start, end) == [(start, end)]
