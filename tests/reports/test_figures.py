"""The reports' arithmetic and the periods, by small cases worked out by hand."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reports import figures, periods
from reports.figures import Cell, ShiftCount

ZONE = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZONE) + timedelta(hours=hour, minutes=minute)


# --- coverage ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wanted, covered, band", [
    (4, 4, "full"), (10, 9, "high"), (4, 3, "mid"), (4, 2, "low"), (4, 1, "bad"), (3, 0, "bad"), (0, 0, "none"),
    (100, 99, "high"), (20, 15, "mid"), (20, 14, "low"),
])
def test_a_cells_band_follows_its_share_covered(wanted, covered, band):
    assert figures.coverage_band(wanted, covered) == band


def test_a_day_without_a_roster_is_its_own_band():
    assert figures.coverage_band(4, 4, rostered=False) == "unrostered"


def test_an_hour_covers_at_most_the_people_wanted():
    assert Cell.of(2, 3).covered == 2 and Cell.of(2, 1).covered == 1
    assert (Cell.of(2, 3) + Cell.of(1, 0)) == Cell(3, 3, 2)


def test_the_coverage_rate_is_hours_covered_over_hours_wanted_and_overstaffing_does_not_make_up():
    # 3 on duty where 2 are wanted, 0 where 2 are wanted: 2 of 4 hours covered, not 3 of 4
    assert figures.coverage_rate([Cell.of(2, 3), Cell.of(2, 0)]) == 0.5
    # voice 4 × 2 wanted with 3 on duty, text 2 × 1 covered and 2 × 1 not: (8 + 2) / 12
    cells = [Cell.of(2, 3)] * 4 + [Cell.of(1, 1)] * 2 + [Cell.of(1, 0)] * 2
    assert figures.coverage_rate(cells) == pytest.approx(10 / 12)
    assert figures.percent(figures.coverage_rate(cells)) == 83


def test_unrostered_hours_and_hours_nobody_wanted_do_not_count():
    assert figures.coverage_rate([Cell.of(4, 4), Cell.of(4, 0, rostered=False)]) == 1.0
    assert figures.coverage_rate([Cell.of(0, 3)]) is None
    assert figures.coverage_rate([]) is None


def test_a_percentage_is_rounded_down():
    assert figures.percent(0.996) == 99 and figures.percent(1.0) == 100 and figures.percent(0.0) == 0
    assert figures.percent(2 / 3) == 66 and figures.percent(None) is None


def test_a_shift_counts_in_every_hour_it_overlaps_within_the_period_in_proportion():
    start, end = at(0), at(24)
    shifts = [
        ShiftCount("counselor", "voice", at(22), at(26), wanted=3, filled=2),  # runs past midnight: 22 and 23 only
        ShiftCount("counselor", "text", at(8, 30), at(10), wanted=2, filled=2),  # half of 8, all of 9
        ShiftCount("supervisor", "", at(-2), at(2), wanted=1, filled=1),  # started the evening before
        ShiftCount("counselor", "voice", at(24), at(28), wanted=1, filled=1),  # the next day: nothing
    ]
    spread = figures.spread_shifts(shifts, start=start, end=end, zone=ZONE)
    assert spread == {
        ("voice", DAY, 22): (3, 2), ("voice", DAY, 23): (3, 2),
        ("text", DAY, 8): (1, 1), ("text", DAY, 9): (2, 2),
        ("supervisor", DAY, 0): (1, 1), ("supervisor", DAY, 1): (1, 1),
    }


def test_two_shifts_in_the_same_hour_add_up():
    shifts = [ShiftCount("counselor", "voice", at(8), at(12), 2, 1), ShiftCount("counselor", "voice", at(10), at(14),
                                                                                 2, 3)]
    spread = figures.spread_shifts(shifts, start=at(0), end=at(24), zone=ZONE)
    assert [spread[("voice", DAY, h)] for h in (9, 10, 11, 12)] == [(2, 1), (4, 4), (4, 4), (2, 3)]


def test_the_grid_takes_counselors_wanted_from_the_demand_and_supervisors_wanted_from_their_shifts():
    slots = figures.hour_slots(at(0), at(24), ZONE)
    assert len(slots) == 24 and slots[0] == (DAY, 0) and slots[-1] == (DAY, 23)
    grid = figures.coverage_grid(
        slots=slots, counselors_wanted={("voice", DAY, 8): 2, ("text", DAY, 8): 1},
        on_duty={("voice", DAY, 8): (9, 3), ("supervisor", DAY, 8): (1, 1)}, rostered_days={DAY})
    assert grid[("voice", DAY, 8)] == Cell(2, 3, 2)  # the shift's own "wanted" (9) is not the demand
    assert grid[("text", DAY, 8)] == Cell(1, 0, 0)
    assert grid[("supervisor", DAY, 8)] == Cell(1, 1, 1)
    assert grid[("voice", DAY, 3)] == Cell(0, 0, 0)
    assert figures.summed(grid, day=DAY) == Cell(3, 3, 2)
    assert figures.summed(grid, rows=["supervisor"]) == Cell(1, 1, 1)


def test_the_days_a_roster_covers():
    runs = [(date(2026, 2, 23), 7), (date(2026, 3, 2), 2)]
    days = [date(2026, 3, 1) + timedelta(days=n) for n in range(5)]
    assert figures.rostered_days(runs, days) == {date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)}


def test_means_and_medians():
    assert figures.mean(9, 2) == 4.5 and figures.mean(0, 0) is None
    assert figures.median([4, 1, 3]) == 3 and figures.median([4, 1, 3, 2]) == 2.5 and figures.median([]) is None


# --- periods -----------------------------------------------------------------------------------------------

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("text, expected", [
    ("2026-03-02", date(2026, 3, 2)), ("2024-02-29", date(2024, 2, 29)),
    ("2026-02-30", None), ("2025-02-29", None), ("2026-13-01", None), ("2026-00-10", None), ("0000-01-01", None),
    ("2026-3-2", None), ("20260302", None), ("", None), ("2026-03-02x", None), ("２０２６-03-02", None),
])
def test_a_day_is_read_strictly(text, expected):
    assert periods.parse_day(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2026-03", date(2026, 3, 1)), ("2026-12", date(2026, 12, 1)),
    ("2026-13", None), ("2026-00", None), ("0000-01", None), ("2026-3", None), ("2026-03-01", None), ("", None),
])
def test_a_month_is_read_strictly(text, expected):
    assert periods.parse_month(text) == expected


def test_which_days_and_months_have_a_report():
    assert periods.day_has_report(periods.EARLIEST_DAY, TODAY)
    assert not periods.day_has_report(periods.EARLIEST_DAY - timedelta(days=1), TODAY)
    assert not periods.day_has_report(date(1, 1, 1), TODAY)
    assert periods.day_has_report(TODAY + timedelta(days=periods.DAYS_AHEAD), TODAY)
    assert not periods.day_has_report(TODAY + timedelta(days=periods.DAYS_AHEAD + 1), TODAY)
    assert periods.month_has_report(date(2020, 1, 1), TODAY) and not periods.month_has_report(date(2019, 12, 1), TODAY)
    assert periods.month_has_report(date(2027, 1, 1), TODAY)  # the last day ahead is 2027-01-31
    assert not periods.month_has_report(date(2027, 2, 1), TODAY)
    assert not periods.month_has_report(date(9999, 12, 1), TODAY)


def test_neighbours_stop_where_the_reports_stop():
    assert periods.day_neighbours(date(2026, 3, 1), TODAY) == (date(2026, 2, 28), date(2026, 3, 2))
    assert periods.day_neighbours(periods.EARLIEST_DAY, TODAY) == (None, date(2020, 1, 2))
    last = periods.latest_day(TODAY)
    assert periods.day_neighbours(last, TODAY) == (last - timedelta(days=1), None)
    assert periods.month_neighbours(date(2026, 1, 1), TODAY) == (date(2025, 12, 1), date(2026, 2, 1))
    assert periods.month_neighbours(date(2020, 1, 1), TODAY) == (None, date(2020, 2, 1))
    assert periods.month_neighbours(date(2027, 1, 1), TODAY) == (date(2026, 12, 1), None)
    assert periods.month_neighbours(date(9999, 12, 1), TODAY)[1] is None


def test_yesterday_last_month_and_the_length_of_months():
    assert periods.yesterday(date(2026, 3, 1)) == date(2026, 2, 28)
    assert periods.last_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert periods.month_period(date(2024, 2, 1)).days == 29 and periods.month_period(date(2026, 12, 1)).days == 31
    first, after = periods.month_period(date(2026, 3, 1)).bounds(ZONE)
    assert (first.isoformat(), after.isoformat()) == ("2026-03-01T00:00:00+08:00", "2026-04-01T00:00:00+08:00")
