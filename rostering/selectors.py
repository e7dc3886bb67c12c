"""Reads of the rostering app, each in a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from credentialing.models import Volunteer
from rostering import demand
from rostering.availability import DateException, merge, person_intervals, wall_clock
from rostering.enums import CellKind, ExceptionKind, Role
from rostering.models import (
    Assignment,
    AvailabilityException,
    DemandLevel,
    DemandOverride,
    RosterRun,
    RosterSettings,
    RosterShift,
    ShiftTemplate,
    WeeklyAvailability,
)

PROBLEM_FORMAT = "roster-problem/1"
ROSTERED_STATUSES = ("ready", "active")


def rosterable_counselors() -> QuerySet:
    """The counselors a roster may use: the one place that decides who is rostered."""
    # TODO(lead): use training.selectors.ready_for_duty()
    return Volunteer.objects.filter(role=Role.COUNSELOR, status__in=ROSTERED_STATUSES)


def rosterable_supervisors() -> QuerySet:
    """The supervisors a roster may use: active supervisors."""
    return Volunteer.objects.filter(role=Role.SUPERVISOR, status__in=ROSTERED_STATUSES)


def platform_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def person_key(user_id: int) -> str:
    return f"u{user_id}"


def user_id_of(key: str) -> int:
    return int(key[1:])


def iso(moment: datetime) -> str:
    return moment.astimezone(platform_zone()).isoformat(timespec="minutes")


def horizon(start: date, days: int) -> tuple[datetime, datetime]:
    zone = platform_zone()
    return wall_clock(start, 0, zone), wall_clock(start + timedelta(days=days), 0, zone)


@dataclass(frozen=True)
class PlannedShift:
    key: str
    role: str
    channel: str
    start: datetime
    end: datetime
    wanted: int
    maximum: int

    def to_json(self) -> dict:
        return {"id": self.key, "role": self.role, "channel": self.channel or None,
                "start": iso(self.start), "end": iso(self.end), "min": self.wanted, "max": self.maximum}


def plan_shifts(
    *,
    start: date,
    days: int,
    templates: list[ShiftTemplate],
    levels: dict[tuple[str, int, int], int],
    overrides: dict[tuple[str, date, int], int],
    rules: RosterSettings,
) -> list[PlannedShift]:
    """The positions of a period: every active template on every day, with the people wanted.

    Pure: counselors wanted = the mean over the shift's hours of the demand (a date's override,
    else the weekday curve); supervisors wanted = enough for the busiest hour at the ratio.
    """
    zone = platform_zone()
    first, last = horizon(start, days)

    def wanted_at(channel: str, moment: datetime) -> int:
        local = moment.astimezone(zone)
        override = overrides.get((channel, local.date(), local.hour))
        if override is not None:
            return override
        return levels.get((channel, local.weekday(), local.hour),
                          demand.default_wanted(channel, local.weekday(), local.hour, rules.peak_counselors))

    channels = sorted({t.channel for t in templates if t.role == Role.COUNSELOR})
    shifts = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for template in templates:
            begin = wall_clock(day, template.start_hour, zone)
            end = min(begin + timedelta(hours=template.hours), last)
            if end <= begin:
                continue
            hours = [begin + timedelta(hours=h) for h in range(int((end - begin).total_seconds() // 3600))]
            stamp = begin.astimezone(zone).strftime("%Y%m%d-%H")
            if template.role == Role.COUNSELOR:
                wanted = demand.counselors_wanted([wanted_at(template.channel, h) for h in hours])
                key = f"c-{stamp}-{template.channel}"
            else:
                per_hour = [sum(wanted_at(c, h) for c in channels) for h in hours]
                wanted = demand.supervisors_wanted(per_hour, rules.supervisor_ratio)
                key = f"s-{stamp}"
            shifts.append(PlannedShift(key, template.role, template.channel, begin, end, wanted,
                                       demand.shift_maximum(wanted, rules.overstaff_percent)))
    return shifts


def _trained_channels(volunteer: Volunteer) -> set[str]:
    return {c for c, on in (("voice", volunteer.serves_voice), ("text", volunteer.serves_text)) if on}


def _person_zone(volunteer: Volunteer) -> ZoneInfo:
    return ZoneInfo(volunteer.user.timezone or settings.TIME_ZONE)


def build_problem(
    *,
    start: date,
    days: int,
    name: str = "",
    replanning: RosterRun | None = None,
    fixed_before: datetime | None = None,
) -> dict:
    """The engine's problem (roster-problem/1) for a period, from the database, in a fixed number of queries.

    With `replanning` (a published run of the same period): its shifts are kept, its roster becomes
    `previous`, and its assignments on shifts starting before `fixed_before` become `pinned`.
    """
    rules = RosterSettings.current()  # 1
    first, last = horizon(start, days)
    if replanning is None:
        templates = list(ShiftTemplate.objects.filter(active=True))  # 2
        levels = {(d.channel, d.weekday, d.hour): d.wanted for d in DemandLevel.objects.all()}  # 3
        overrides = {(o.channel, o.date, o.hour): o.wanted for o in DemandOverride.objects.filter(  # 4
            date__gte=start - timedelta(days=1), date__lte=start + timedelta(days=days))}
        shifts = plan_shifts(start=start, days=days, templates=templates, levels=levels, overrides=overrides,
                             rules=rules)
        previous: list[tuple[str, int]] = []
    else:
        shifts = [PlannedShift(s.key, s.role, s.channel, s.start, s.end, s.wanted, s.maximum)
                  for s in replanning.shifts.all()]  # 2
        previous = [(a.shift.key, a.person_id) for a in  # 3
                    Assignment.objects.filter(run=replanning).select_related("shift").order_by("pk")]
    fixed_keys = {s.key for s in shifts if fixed_before is not None and s.start < fixed_before}

    volunteers = list(  # 5
        (rosterable_counselors() | rosterable_supervisors())
        .select_related("user", "user__availability_profile")
        .order_by("role", "user_id")
    )
    user_ids = [v.user_id for v in volunteers]
    cells: dict[int, dict[str, dict[int, set[int]]]] = defaultdict(lambda: {"a": defaultdict(set), "u": defaultdict(set)})
    for user_id, weekday, hour, kind in WeeklyAvailability.objects.filter(  # 6
            user__in=(rosterable_counselors() | rosterable_supervisors()).values("user_id")
    ).values_list("user_id", "weekday", "hour", "kind").iterator(chunk_size=20000):
        cells[user_id]["u" if kind == CellKind.UNPREFERRED else "a"][weekday].add(hour)
    exceptions: dict[int, list[DateException]] = defaultdict(list)
    for e in AvailabilityException.objects.filter(  # 7
            date__gte=start - timedelta(days=2), date__lte=start + timedelta(days=days + 1),
            user_id__in=user_ids):
        exceptions[e.user_id].append(DateException(e.date, e.start_hour, e.end_hour,
                                                   e.kind == ExceptionKind.AVAILABLE))

    shift_by_key = {s.key: s for s in shifts}
    pinned_intervals: dict[int, list] = defaultdict(list)
    for key, user_id in previous:
        if key in fixed_keys:
            pinned_intervals[user_id].append((shift_by_key[key].start, shift_by_key[key].end))

    people = []
    scale = days / 7
    for volunteer in volunteers:
        profile = getattr(volunteer.user, "availability_profile", None)
        mine = cells.get(volunteer.user_id)
        if profile is None or mine is None:
            continue  # no availability said: nothing to roster
        available, unpreferred = person_intervals(
            available=mine["a"], unpreferred=mine["u"], exceptions=exceptions.get(volunteer.user_id, []),
            zone=_person_zone(volunteer), start=first, end=last)
        # a shift already worked (or pinned) stays available to its person whatever they say now
        available = merge(available + pinned_intervals.get(volunteer.user_id, []))
        if not available:
            continue
        channels = sorted(_trained_channels(volunteer) & set(profile.channels())) \
            if volunteer.role == Role.COUNSELOR else []
        people.append({
            "id": person_key(volunteer.user_id), "role": volunteer.role, "channels": channels,
            "max_hours": round(profile.max_hours_per_week * scale, 2),
            "target_hours": round(profile.target_hours_per_week * scale, 2),
            "available": [[iso(a), iso(b)] for a, b in available],
            "unpreferred": [[iso(a), iso(b)] for a, b in unpreferred],
        })
    known = {p["id"] for p in people}
    previous_pairs = [{"shift": key, "person": person_key(u)} for key, u in previous if person_key(u) in known]
    problem = {
        "format": PROBLEM_FORMAT,
        "name": name or f"roster-{start:%Y%m%d}-{days}d",
        "timezone": settings.TIME_ZONE,
        "horizon": {"start": iso(first), "end": iso(last)},
        "rules": {"supervisor_ratio": rules.supervisor_ratio, "min_rest_hours": rules.min_rest_hours},
        "weights": {"uncovered": rules.weight_uncovered, "unpreferred": rules.weight_unpreferred,
                    "target_deviation": rules.weight_target},
        "shifts": [s.to_json() for s in shifts],
        "people": people,
    }
    if replanning is not None:
        problem["weights"]["change"] = rules.weight_change
        problem["previous"] = previous_pairs
        problem["pinned"] = [pair for pair in previous_pairs if pair["shift"] in fixed_keys]
    return problem
