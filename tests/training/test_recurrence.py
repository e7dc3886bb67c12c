"""A month of nightly sessions from a recurrence rule, at 20:00–22:00 platform time."""
import zoneinfo
from datetime import UTC, date, datetime, time

import pytest

from training.recurrence import MAX_SESSIONS_PER_SERIES, nightly_rule, session_times

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_every_night_of_a_month_at_eight_for_two_hours():
    times = session_times(nightly_rule(date(2026, 12, 1), date(2026, 12, 31)))
    assert len(times) == 31
    assert times[0] == (datetime(2026, 12, 1, 20, tzinfo=SHANGHAI), datetime(2026, 12, 1, 22, tzinfo=SHANGHAI))
    # 20:00 in Shanghai is 12:00 UTC
    assert times[-1][0].astimezone(UTC) == datetime(2026, 12, 31, 12, tzinfo=UTC)
    assert {(s.hour, e.hour) for s, e in times} == {(20, 22)}


def test_chosen_weekdays_only():
    times = session_times(nightly_rule(date(2026, 12, 1), date(2026, 12, 31), days_of_week=(0, 2)))
    assert {s.weekday() for s, _e in times} == {0, 2}
    assert len(times) == 9  # Mondays and Wednesdays of December 2026


def test_a_zone_with_a_dst_change_keeps_the_wall_clock_time():
    london = session_times(nightly_rule(date(2026, 10, 24), date(2026, 10, 26), at=time(19, 0)),
                           timezone="Europe/London")
    assert [s.hour for s, _e in london] == [19, 19, 19]
    utc_hours = [s.astimezone(UTC).hour for s, _e in london]
    assert utc_hours == [18, 19, 19]  # BST ends on 25 October 2026


def test_a_slip_of_the_date_field_cannot_create_years_of_sessions():
    with pytest.raises(ValueError):
        session_times(nightly_rule(date(2026, 1, 1), date(2027, 12, 31)))
    assert len(session_times(nightly_rule(date(2026, 1, 1), date(2026, 3, 3)))) == MAX_SESSIONS_PER_SERIES
