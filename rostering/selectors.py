"""Reads of the rostering app, each in a fixed number of queries."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum

from people.models import Volunteer
from rostering import demand
from rostering.availability import DateException, merge, person_intervals, wall_clock
from rostering.enums import CellKind, Channel, ExceptionKind, Role, RunState
from rostering.experience import counts_as_experienced
from rostering.models import (
    Assignment,
    AvailabilityException,
    DemandLevel,
    DemandOverride,
    ExperienceMark,
    RosterRun,
    RosterSettings,
    ShiftTemplate,
    WeeklyAvailability,
)
from training.selectors import ready_for_duty

PROBLEM_FORMAT = "roster-problem/2"
ROSTERED_STATUSES = ("ready", "active")


def rosterable_counselors() -> QuerySet:
    """The counselors a roster may use: the one place that decides who is rostered."""
    # Training decides who is ready for duty (every area's hours and a passing assessment).
    return ready_for_duty()


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


def per_period(per_week: int | None, days: int) -> int | None:
    """A weekly count limit for a period of `days`, rounded up (a one-day roster still allows a night shift
    under a limit of two a week); None (no limit) stays None."""
    return None if per_week is None else math.ceil(per_week * days / 7)


def night_limit(rules_limit: int | None, own_limit: int | None) -> int | None:
    """A person's night-shift limit: the service's and their own, whichever is lower (None: no limit)."""
    limits = [limit for limit in (rules_limit, own_limit) if limit is not None]
    return min(limits) if limits else None


def experienced_wanted(percent: int, wanted: int) -> int:
    """Experienced people wanted on a shift: `percent` of the people wanted, rounded up."""
    return min(wanted, math.ceil(percent * wanted / 100)) if percent > 0 else 0


@dataclass(frozen=True)
class PlannedShift:
    key: str
    role: str
    channel: str
    start: datetime
    end: datetime
    wanted: int
    maximum: int
    min_experienced: int = 0

    def to_json(self) -> dict:
        return {"id": self.key, "role": self.role, "channel": self.channel or None,
                "start": iso(self.start), "end": iso(self.end), "min": self.wanted, "max": self.maximum,
                "min_experienced": min(self.min_experienced, self.wanted)}


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
        return demand.wanted_in_hour(channel, local.date(), local.hour, levels=levels, overrides=overrides,
                                     peak=rules.peak_counselors)

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
                                       demand.shift_maximum(wanted, rules.overstaff_percent),
                                       experienced_wanted(template.experienced_percent, wanted)))
    return shifts


def _trained_channels(volunteer: Volunteer) -> set[str]:
    return set(volunteer.channels)


def _person_zone(volunteer: Volunteer) -> ZoneInfo:
    """Availability is said in the time zone of the volunteer's working profile."""
    return ZoneInfo(volunteer.timezone or settings.TIME_ZONE)


def build_problem(
    *,
    start: date,
    days: int,
    name: str = "",
    replanning: RosterRun | None = None,
    fixed_before: datetime | None = None,
) -> dict:
    """The engine's problem (roster-problem/2, SPEC) for a period, from the database, in a fixed number of
    queries.

    With `replanning` (a published run of the same period): its shifts are kept (with the experienced people
    they want), its roster becomes `previous`, and its assignments on shifts starting before `fixed_before`
    become `pinned`. The rules (days in a row, the night, nights per person, the fair share, the weights)
    are today's, so a pin that breaks a rule tightened since is reported as a conflict.
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
        shifts = [PlannedShift(s.key, s.role, s.channel, s.start, s.end, s.wanted, s.maximum, s.min_experienced)
                  for s in replanning.shifts.all()]  # 2
        previous = [(a.shift.key, a.person_id) for a in  # 3
                    Assignment.objects.filter(run=replanning).select_related("shift").order_by("pk")]
    fixed_keys = {s.key for s in shifts if fixed_before is not None and s.start < fixed_before}

    volunteers = list(  # 5
        (rosterable_counselors() | rosterable_supervisors())
        .select_related("user", "user__availability_profile")
        .annotate(marked_experienced=Exists(ExperienceMark.objects.filter(user_id=OuterRef("user_id"))))
        .order_by("role", "user_id")
    )
    user_ids = [v.user_id for v in volunteers]
    served = hours_served_before(first, (rosterable_counselors() | rosterable_supervisors())  # 6
                                 .filter(role=Role.COUNSELOR).values("user_id"))
    cells: dict[int, dict[str, dict[int, set[int]]]] = defaultdict(
        lambda: {"a": defaultdict(set), "u": defaultdict(set)})  # user -> available/unpreferred -> weekday -> hours
    for user_id, weekday, hour, kind in WeeklyAvailability.objects.filter(  # 7
            user__in=(rosterable_counselors() | rosterable_supervisors()).values("user_id")
    ).values_list("user_id", "weekday", "hour", "kind").iterator(chunk_size=20000):
        cells[user_id]["u" if kind == CellKind.UNPREFERRED else "a"][weekday].add(hour)
    exceptions: dict[int, list[DateException]] = defaultdict(list)
    for e in AvailabilityException.objects.filter(  # 8
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
    night = rules.night
    nights_allowed = per_period(rules.max_night_shifts_per_week, days) if night else None
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
        own_nights = per_period(profile.max_night_shifts_per_week, days) if night else None
        people.append({
            "id": person_key(volunteer.user_id), "role": volunteer.role, "channels": channels,
            "max_hours": round(profile.max_hours_per_week * scale, 2),
            "target_hours": round(profile.target_hours_per_week * scale, 2),
            "available": [[iso(a), iso(b)] for a, b in available],
            "unpreferred": [[iso(a), iso(b)] for a, b in unpreferred],
            "experienced": counts_as_experienced(role=volunteer.role, marked=volunteer.marked_experienced,
                                                 hours_served=served.get(volunteer.user_id, 0.0),
                                                 threshold_hours=rules.experienced_after_hours),
            "max_night_shifts": night_limit(nights_allowed, own_nights),
        })
    known = {p["id"] for p in people}
    previous_pairs = [{"shift": key, "person": person_key(u)} for key, u in previous if person_key(u) in known]
    problem = {
        "format": PROBLEM_FORMAT,
        "name": name or f"roster-{start:%Y%m%d}-{days}d",
        "timezone": settings.TIME_ZONE,
        "horizon": {"start": iso(first), "end": iso(last)},
        "rules": {
            "supervisor_ratio": rules.supervisor_ratio, "min_rest_hours": rules.min_rest_hours,
            "max_consecutive_days": rules.max_consecutive_days,
            "night": None if night is None else {"start": night[0].strftime("%H:%M"),
                                                 "end": night[1].strftime("%H:%M")},
            "night_fair_share": per_period(rules.night_fair_share_per_week, days) if night else None,
        },
        "weights": {"uncovered": rules.weight_uncovered, "unpreferred": rules.weight_unpreferred,
                    "target_deviation": rules.weight_target, "inexperienced": rules.weight_inexperienced,
                    "night_fairness": rules.weight_night_fairness},
        "shifts": [s.to_json() for s in shifts],
        "people": people,
    }
    if replanning is not None:
        problem["weights"]["change"] = rules.weight_change
        problem["previous"] = previous_pairs
        problem["pinned"] = [pair for pair in previous_pairs if pair["shift"] in fixed_keys]
    return problem


def hours_served_before(moment: datetime, people: QuerySet) -> dict[int, float]:
    """Hours each of `people` (a query of user ids) worked on published rosters in shifts that started before
    `moment` (1 query). The basis of `rostering.experience`."""
    spans = (Assignment.objects.filter(run__state=RunState.PUBLISHED, shift__start__lt=moment, person_id__in=people)
             .values("person_id").order_by()
             .annotate(total=Sum(ExpressionWrapper(F("shift__end") - F("shift__start"),
                                                   output_field=DurationField()))))
    return {row["person_id"]: row["total"].total_seconds() / 3600 for row in spans if row["total"]}


def experienced_counselors() -> tuple[int, int]:
    """(counselors who count as experienced for a roster starting now, counselors rostered) — for the rules
    page (4 queries)."""
    from django.utils import timezone

    rules = RosterSettings.current()
    counselors = rosterable_counselors()
    ids = list(counselors.values_list("user_id", flat=True))
    served = hours_served_before(timezone.now(), counselors.values("user_id"))
    marked = set(ExperienceMark.objects.filter(user_id__in=counselors.values("user_id"))
                 .values_list("user_id", flat=True))
    count = sum(counts_as_experienced(role=Role.COUNSELOR, marked=user_id in marked,
                                      hours_served=served.get(user_id, 0.0),
                                      threshold_hours=rules.experienced_after_hours) for user_id in ids)
    return count, len(ids)


# --- pages ------------------------------------------------------------------------------------------------

HEAT_ROWS = (("voice", "counselor"), ("text", "counselor"), ("", "supervisor"))


def coverage_level(wanted: int, assigned: int) -> str:
    """A heatmap cell's class: met, short (at least three quarters) or far short; none when nobody is wanted."""
    if wanted == 0:
        return "none" if assigned == 0 else "met"
    if assigned >= wanted:
        return "met"
    return "short" if assigned * 4 >= wanted * 3 else "far"


def run_experienced_ids(run: RosterRun) -> set[int]:
    """The people the run's problem counts as experienced (rostering.experience decided it when it was built)."""
    return {user_id_of(p["id"]) for p in run.problem.get("people", []) if p.get("experienced")}


def run_shifts_with_counts(run: RosterRun) -> list:
    """The run's shifts with the people (`assigned`) and experienced people (`experienced`) on them (2 queries)."""
    from django.db.models import Count

    shifts = list(run.shifts.annotate(assigned=Count("assignments")).order_by("start", "role", "channel"))  # 1
    experienced_ids = run_experienced_ids(run)
    experienced: dict[int, int] = defaultdict(int)
    for shift_id, person_id in Assignment.objects.filter(run=run).values_list("shift_id", "person_id"):  # 2
        experienced[shift_id] += person_id in experienced_ids
    for shift in shifts:
        shift.experienced = experienced.get(shift.pk, 0)
    return shifts


def run_heatmap(run: RosterRun, shifts: list) -> list[dict]:
    """Wanted vs assigned for every hour of the period (platform time), per channel and for supervisors."""
    zone = platform_zone()
    first, _ = horizon(run.period_start, run.days)
    hours = run.days * 24
    totals = {row: [[0, 0] for _ in range(hours)] for row in HEAT_ROWS}
    for shift in shifts:
        row = (shift.channel, shift.role)
        begin = int((shift.start - first).total_seconds() // 3600)
        end = int(-(-(shift.end - first).total_seconds() // 3600))
        for h in range(max(0, begin), min(hours, end)):
            totals[row][h][0] += shift.wanted
            totals[row][h][1] += shift.assigned
    labels = {("voice", "counselor"): Channel.VOICE.label, ("text", "counselor"): Channel.TEXT.label,
              ("", "supervisor"): Role(Role.SUPERVISOR).label}
    rows = []
    for offset in range(run.days):
        day = (first + timedelta(days=offset)).astimezone(zone).date()
        for row in HEAT_ROWS:
            cells = []
            for h in range(24):
                wanted, assigned = totals[row][offset * 24 + h]
                cells.append({"hour": h, "wanted": wanted, "assigned": assigned,
                              "level": coverage_level(wanted, assigned)})
            rows.append({"day": day, "label": labels[row], "kind": row[0] or row[1], "cells": cells})
    return rows


def longest_run_of_days(days: set[date]) -> int:
    """The most consecutive dates in `days` (0 for none)."""
    longest = 0
    for day in days:
        if day - timedelta(days=1) not in days:  # the first day of a run
            length = 1
            while day + timedelta(days=length) in days:
                length += 1
            longest = max(longest, length)
    return longest


def _label(choices, value: str) -> str:
    """A stored choice in the reader's language ('' stays ''; an unknown value is shown as it is)."""
    return str(choices(value).label) if value in choices.values else value


def run_hours(run: RosterRun) -> list[dict]:
    """Hours per person against their target and maximum for the period, with their night shifts against
    their limit and their most days in a row (platform dates) (2 queries)."""
    from django.contrib.auth import get_user_model

    zone = platform_zone()
    worked: dict[int, float] = defaultdict(float)
    nights: dict[int, int] = defaultdict(int)
    days: dict[int, set[date]] = defaultdict(set)
    for user_id, start, end, night in Assignment.objects.filter(run=run).values_list(  # 1
            "person_id", "shift__start", "shift__end", "shift__night"):
        worked[user_id] += (end - start).total_seconds() / 3600
        nights[user_id] += night
        days[user_id].add(start.astimezone(zone).date())
    wishes = {user_id_of(p["id"]): p for p in run.problem.get("people", [])}
    ids = set(worked) | set(wishes)
    users = get_user_model().objects.in_bulk(ids)  # 2
    rows = []
    for user_id in ids:
        wish = wishes.get(user_id, {})
        hours = round(worked.get(user_id, 0.0), 2)
        target = wish.get("target_hours", 0)
        role = wish.get("role", "")
        rows.append({"user": users.get(user_id), "role": role, "role_label": _label(Role, role), "hours": hours,
                     "target": target, "max": wish.get("max_hours", 0), "deviation": round(hours - target, 2),
                     "nights": nights.get(user_id, 0), "max_nights": wish.get("max_night_shifts"),
                     "days_in_a_row": longest_run_of_days(days.get(user_id, set())),
                     "experienced": bool(wish.get("experienced"))})
    rows.sort(key=lambda r: (-abs(r["deviation"]), str(r["user"])))
    return rows


def run_shortfalls(run: RosterRun, shifts: list) -> list[dict]:
    """Shifts below the wanted number, or below the experienced people they want, now (`shifts` from
    `run_shifts_with_counts`), with the engine's reasons in words where it gave them."""
    from rostering.enums import reason_in_words

    reasons = {s["shift"]: s.get("reasons", []) for s in run.shortfalls or []}
    days = (run.problem.get("rules") or {}).get("max_consecutive_days")
    out = []
    for shift in shifts:
        short = max(0, shift.wanted - shift.assigned)
        experienced_short = max(0, shift.min_experienced - shift.experienced)
        if short or experienced_short:
            out.append({"shift": shift, "short": short, "experienced_short": experienced_short,
                        "reasons": [reason_in_words(r, days=days) for r in reasons.get(shift.key, [])]})
    return out


def run_pin_conflicts(run: RosterRun, *, per_rule: int = 50) -> list[dict]:
    """The pinned pairs that made a re-plan impossible, in words: rule by rule (in the engine's order), each
    conflict's people and their fixed shifts; at most `per_rule` conflicts each, with the number left out
    (2 queries)."""
    from django.contrib.auth import get_user_model

    from rostering.enums import pin_conflict_in_words

    conflicts = run.pin_conflicts or []
    if not conflicts:
        return []
    by_rule: dict[str, list[dict]] = {}
    for conflict in conflicts:
        by_rule.setdefault(conflict["rule"], []).append(conflict)
    shown = [c for group in by_rule.values() for c in group[:per_rule]]
    keys = {pair["shift"] for c in shown for pair in c.get("pairs", [])}
    shifts = {s.key: s for s in run.shifts.filter(key__in=keys)}  # 1
    users = get_user_model().objects.in_bulk(  # 2
        {user_id_of(pair["person"]) for c in shown for pair in c.get("pairs", [])})
    days = (run.problem.get("rules") or {}).get("max_consecutive_days")
    return [{"code": rule, "rule": pin_conflict_in_words(rule, days=days), "count": len(group),
             "more": max(0, len(group) - per_rule),
             "conflicts": [[{"user": users.get(user_id_of(pair["person"])), "shift": shifts.get(pair["shift"])}
                            for pair in c.get("pairs", [])] for c in group[:per_rule]]}
            for rule, group in by_rule.items()]


def run_diff(run: RosterRun) -> dict | None:
    """What a re-planned run changes against the roster it re-plans: who gains or loses which shift."""
    if run.replans_id is None:
        return None
    from django.contrib.auth import get_user_model

    def pairs(of_run_id):
        return {(key, user_id): (start, end, role, channel) for key, user_id, start, end, role, channel in
                Assignment.objects.filter(run_id=of_run_id).values_list(
                    "shift__key", "person_id", "shift__start", "shift__end", "shift__role", "shift__channel")}

    before, after = pairs(run.replans_id), pairs(run.pk)  # 2
    added = sorted(set(after) - set(before), key=lambda p: after[p][0])
    removed = sorted(set(before) - set(after), key=lambda p: before[p][0])
    users = get_user_model().objects.in_bulk({u for _, u in added + removed})  # 3

    def rows(keys, source):
        return [{"user": users.get(u), "start": source[(k, u)][0], "end": source[(k, u)][1],
                 "role": source[(k, u)][2], "channel": source[(k, u)][3],
                 "what": _label(Channel, source[(k, u)][3]) or _label(Role, source[(k, u)][2])} for k, u in keys]

    return {"added": rows(added, after), "removed": rows(removed, before),
            "people": len({u for _, u in added + removed})}


def recent_runs(limit: int = 30) -> list[RosterRun]:
    return list(RosterRun.objects.select_related("created_by", "published_by")[:limit])


@dataclass
class MyShift:
    assignment_id: int
    shift: object
    supervisors: list
    offer: object = None


def my_shifts(user, *, moment: datetime, days_ahead: int = 60) -> list[MyShift]:
    """My upcoming published shifts, each with the supervisors on duty with me (2 queries)."""
    mine = list(Assignment.objects.filter(  # 1
        person=user, run__state=RunState.PUBLISHED, shift__end__gt=moment,
        shift__start__lt=moment + timedelta(days=days_ahead)).select_related("shift").order_by("shift__start"))
    if not mine:
        return []
    # Only the supervisor shifts that overlap one of mine, as plain values: a window from my first to my last
    # shift held every supervisor's fortnight (hundreds of rows made into model instances on every visit).
    overlapping = Q()
    for assignment in mine:
        overlapping |= Q(shift__start__lt=assignment.shift.end, shift__end__gt=assignment.shift.start)
    supervising = list(Assignment.objects.filter(  # 2
        overlapping, run__state=RunState.PUBLISHED, shift__role=Role.SUPERVISOR).exclude(person=user)
        .values_list("shift__start", "shift__end", "person__full_name", "person__email"))
    out = []
    for assignment in mine:
        shift = assignment.shift
        with_me = sorted({name or email for start, end, name, email in supervising
                          if start < shift.end and shift.start < end})
        out.append(MyShift(assignment_id=assignment.pk, shift=shift, supervisors=with_me))
    return out


@dataclass(frozen=True)
class MonthHours:
    served: float  # shifts that have ended (served_assignments)
    upcoming: float  # shifts still to come or under way: not served yet


def hours_in_month(user, *, year: int, month: int, zone: ZoneInfo, moment: datetime) -> MonthHours:
    """A person's hours of published shifts that start in a calendar month of `zone` (2 queries): those served
    by `moment` (the one rule, ``served_assignments``: the shift has ended) and those still to come."""
    first = datetime(year, month, 1, tzinfo=zone)
    last = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)

    def hours(assignments) -> float:
        spans = assignments.filter(person=user).values_list("shift__start", "shift__end")
        return round(sum((end - start).total_seconds() for start, end in spans) / 3600, 2)

    rostered = hours(Assignment.objects.filter(run__state=RunState.PUBLISHED, shift__start__gte=first,
                                               shift__start__lt=last))
    served = hours(served_assignments(moment=moment, start=first, end=last))
    return MonthHours(served=served, upcoming=round(rostered - served, 2))


def served_assignments(*, moment: datetime, start: datetime | None = None,
                       end: datetime | None = None) -> QuerySet[Assignment]:
    """The shifts *served*: the one place that decides which rostered hours count as worked (the service
    record, the basis of the allowance).

    A shift is served by the person assigned to it on a published roster once it has ended by ``moment``;
    it counts in the period its start falls in (``start`` <= shift start < ``end``). What the data model
    already takes away is not counted: a shift dropped (its assignment is deleted), a shift handed to a
    colleague (the assignment is the colleague's now), a roster replaced by a re-plan (superseded runs are
    not published; the re-plan kept the shifts already worked, pinned). Shifts still to come, or under way,
    are not served yet. The schedulers' corrections (``HoursCorrection``) are added on top, per month.
    """
    served = Assignment.objects.filter(run__state=RunState.PUBLISHED, shift__end__lte=moment)
    if start is not None:
        served = served.filter(shift__start__gte=start)
    if end is not None:
        served = served.filter(shift__start__lt=end)
    return served


def weekday_names() -> list[str]:
    from django.utils.dates import WEEKDAYS_ABBR

    return [str(WEEKDAYS_ABBR[d]) for d in range(7)]


def platform_hour_labels(own_zone) -> list[str] | None:
    """For each hour of my day, the platform's hour then (today's offsets); None when the zones agree now."""
    from django.utils import timezone as dj_timezone

    today = dj_timezone.localdate(timezone=own_zone)
    zone = platform_zone()
    labels = [datetime(today.year, today.month, today.day, h, tzinfo=own_zone).astimezone(zone).strftime("%H")
              for h in range(24)]
    return None if labels == [f"{h:02d}" for h in range(24)] else labels


def offers_open_to(user, *, moment: datetime, limit: int = 50) -> list:
    """Open hand-overs of future published shifts by others (1 query); taking one checks the rules."""
    from rostering.models import ShiftOffer

    return list(ShiftOffer.objects.filter(state="open", kind="handover", assignment__run__state=RunState.PUBLISHED,
                                          assignment__shift__start__gt=moment)
                .exclude(offered_by=user).select_related("assignment__shift", "offered_by")
                .order_by("assignment__shift__start")[:limit])


def my_pending_offers(user) -> dict[int, object]:
    """My pending offers by assignment id (1 query)."""
    from rostering.models import ShiftOffer

    return {o.assignment_id: o for o in ShiftOffer.objects.filter(offered_by=user, state__in=["open",
                                                                                               "needs_scheduler"])}


ENDED_OFFERS_SHOWN_DAYS = 14


def my_recently_ended_offers(user, *, moment: datetime, days: int = ENDED_OFFERS_SHOWN_DAYS) -> list:
    """My offers decided in the last ``days`` (taken, dropped, refused, withdrawn, cancelled), newest first, so that
    an offer that ended is not simply gone from my page (1 query)."""
    from rostering.enums import OfferState
    from rostering.models import ShiftOffer

    return list(ShiftOffer.objects.filter(offered_by=user, decided_at__gte=moment - timedelta(days=days))
                .exclude(state__in=OfferState.pending()).select_related("shift", "taken_by")
                .order_by("-decided_at")[:20])


def offers_needing_scheduler() -> list:
    from rostering.models import ShiftOffer

    return list(ShiftOffer.objects.filter(state="needs_scheduler").select_related("assignment__shift", "offered_by")
                .order_by("assignment__shift__start"))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    zone = platform_zone()
    return (datetime(year, month, 1, tzinfo=zone),
            datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone))


def hours_by_person(year: int, month: int) -> list[dict]:
    """Hours per person in a month (platform time) from the published rosters, with corrections (3 queries)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from rostering.models import HoursCorrection

    first, last = month_bounds(year, month)
    rostered: dict[int, float] = defaultdict(float)
    shifts: dict[int, int] = defaultdict(int)
    for user_id, start, end in Assignment.objects.filter(  # 1
            run__state=RunState.PUBLISHED, shift__start__gte=first, shift__start__lt=last).values_list(
            "person_id", "shift__start", "shift__end").iterator(chunk_size=5000):
        rostered[user_id] += (end - start).total_seconds() / 3600
        shifts[user_id] += 1
    corrections: dict[int, list] = defaultdict(list)
    for correction in HoursCorrection.objects.filter(month=date(year, month, 1)).select_related("created_by"):  # 2
        corrections[correction.person_id].append(correction)
    users = get_user_model().objects.in_bulk(set(rostered) | set(corrections))  # 3
    rows = []
    for user_id, user in users.items():
        corrected = sum((c.hours for c in corrections[user_id]), Decimal(0))
        worked = round(rostered.get(user_id, 0.0), 2)
        rows.append({"user": user, "shifts": shifts.get(user_id, 0), "rostered": worked,
                     "corrections": corrections[user_id], "corrected": corrected,
                     "total": round(worked + float(corrected), 2)})
    rows.sort(key=lambda r: (str(r["user"]).lower(), r["user"].pk))
    return rows


def reminders_due(moment: datetime, *, horizon_hours: int = 72) -> list:
    """Published assignments whose person's reminder time has come and who has not been reminded (1 query)."""
    due = []
    for assignment in (Assignment.objects.filter(
            run__state=RunState.PUBLISHED, reminded_at__isnull=True, shift__start__gt=moment,
            shift__start__lte=moment + timedelta(hours=horizon_hours))
            .select_related("shift", "person", "person__availability_profile")):
        profile = getattr(assignment.person, "availability_profile", None)
        lead = profile.reminder_hours_before if profile is not None else 12
        if lead and assignment.shift.start - timedelta(hours=lead) <= moment:
            due.append(assignment)
    return due
