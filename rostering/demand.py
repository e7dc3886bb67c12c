"""The default demand: the platform's load by hour of day and weekday, split by channel. Pure functions.

Quiet before dawn, the peak in the evening, weekends a little busier; voice carries about 56% of
sessions and text about 44% (docs: /work/shared/DOMAIN.md). Hours are platform time.
"""
from __future__ import annotations

import math

# relative session volume by hour of day (platform time), 1.0 at the evening peak
LOAD_BY_HOUR = (0.55, 0.45, 0.35, 0.25, 0.2, 0.2, 0.25, 0.35, 0.55, 0.7, 0.75, 0.75,
                0.7, 0.7, 0.75, 0.75, 0.75, 0.8, 0.9, 1.0, 1.0, 1.0, 0.9, 0.75)
CHANNEL_SHARE = {"voice": 0.56, "text": 0.44}
WEEKEND_FACTOR = 1.1
DEFAULT_PEAK_COUNSELORS = 100  # counselors wanted on duty at the evening peak, both channels together


def default_wanted(channel: str, weekday: int, hour: int, peak: int = DEFAULT_PEAK_COUNSELORS) -> int:
    """Counselors wanted on `channel` in one hour of a weekday (0 = Monday): at least one, always."""
    load = LOAD_BY_HOUR[hour] * (WEEKEND_FACTOR if weekday >= 5 else 1.0)
    return max(1, round(peak * load * CHANNEL_SHARE[channel]))


def wanted_in_hour(channel: str, day, hour: int, *, levels: dict, overrides: dict,
                   peak: int = DEFAULT_PEAK_COUNSELORS) -> int:
    """Counselors wanted on `channel` in one hour of a date (platform time): the date's override, else the
    weekly curve's level, else the default curve. `levels` maps (channel, weekday, hour), `overrides`
    (channel, date, hour) to counselors wanted. The roster's shifts and the reports both ask this."""
    override = overrides.get((channel, day, hour))
    if override is not None:
        return override
    weekday = day.weekday()
    return levels.get((channel, weekday, hour), default_wanted(channel, weekday, hour, peak))


def default_curve(peak: int = DEFAULT_PEAK_COUNSELORS) -> dict[tuple[str, int, int], int]:
    """(channel, weekday, hour) -> counselors wanted, for every hour of the week."""
    return {
        (channel, weekday, hour): default_wanted(channel, weekday, hour, peak)
        for channel in CHANNEL_SHARE
        for weekday in range(7)
        for hour in range(24)
    }


def counselors_wanted(hourly: list[int]) -> int:
    """People wanted on a shift that spans these hours: the mean of the hourly levels, rounded."""
    return max(0, round(sum(hourly) / len(hourly))) if hourly else 0


def supervisors_wanted(counselors_by_hour: list[int], ratio: int | None) -> int:
    """Enough supervisors for the busiest hour the shift spans (at least one: crises need one at once)."""
    if not ratio:
        return 1
    return max(1, math.ceil(max(counselors_by_hour, default=0) / ratio))


def shift_maximum(wanted: int, overstaff_percent: int) -> int:
    """How many may be assigned beyond the wanted number."""
    return wanted + math.ceil(wanted * overstaff_percent / 100)
