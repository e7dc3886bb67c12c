"""An independent checker of a roster: the SPEC's hard rules and penalty, computed from scratch.

It reads only the :class:`Problem` and the assignment list, never the model, so a modelling
bug shows up as a violation here instead of in the referee.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .pairs import inside, overlap_hours
from .problem import HOUR, Problem

Assignment = tuple[int, int]  # (shift index, person index)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Hard-rule violations (empty when valid) and the penalty with its parts, in hours."""

    violations: tuple[str, ...]
    penalty: float
    uncovered_hours: float
    unpreferred_hours: float
    target_deviation_hours: float
    changed_hours: float
    assigned: tuple[int, ...] = field(repr=False)  # people per shift
    version: int = 1
    inexperienced_hours: float = 0.0  # version 2
    night_excess_shifts: int = 0  # version 2

    @property
    def valid(self) -> bool:
        return not self.violations

    def parts(self) -> dict[str, float]:
        return {
            "uncovered_hours": round(self.uncovered_hours, 6),
            "unpreferred_hours": round(self.unpreferred_hours, 6),
            "target_deviation_hours": round(self.target_deviation_hours, 6),
            "changed_hours": round(self.changed_hours, 6),
        } | (
            {
                "inexperienced_hours": round(self.inexperienced_hours, 6),
                "night_excess_shifts": self.night_excess_shifts,
            }
            if self.version == 2
            else {}
        )


def ratio_excess_moments(problem: Problem, assignments: list[Assignment]) -> list[tuple[float, float]]:
    """(moment, excess) where counselors on duty exceed ratio x supervisors on duty."""
    ratio = problem.supervisor_ratio
    if ratio is None:
        return []
    events: dict[float, float] = defaultdict(float)
    for shift_index, _ in assignments:
        shift = problem.shifts[shift_index]
        weight = 1 if shift.role == "counselor" else -ratio
        events[shift.start] += weight
        events[shift.end] -= weight
    level = 0.0
    excess = []
    for moment in sorted(events):
        level += events[moment]
        if level > 0:
            excess.append((moment, level))
    return excess


def longest_runs(days: set[int], limit: int) -> list[tuple[int, int]]:
    """(first day, length) of each run of consecutive day ordinals longer than `limit`."""
    runs = []
    ordered = sorted(days)
    start = 0
    for k in range(1, len(ordered) + 1):
        if k == len(ordered) or ordered[k] != ordered[k - 1] + 1:
            if k - start > limit:
                runs.append((ordered[start], k - start))
            start = k
    return runs


def evaluate(problem: Problem, assignments: list[Assignment]) -> Evaluation:
    """Check every hard rule of the SPEC and compute the penalty of a roster."""
    violations: list[str] = []
    shifts, people = problem.shifts, problem.people
    rest = problem.min_rest_hours * HOUR
    seen: set[Assignment] = set()
    assigned = [0] * len(shifts)
    per_person: dict[int, list[int]] = defaultdict(list)
    for shift_index, person_index in assignments:
        pair = (shift_index, person_index)
        shift, person = shifts[shift_index], people[person_index]
        label = f"{shift.id}/{person.id}"
        if pair in seen:
            violations.append(f"1-repeated-pair: {label}")
            continue
        seen.add(pair)
        if shift.role != person.role:
            violations.append(f"2-role: {label}")
        elif shift.role == "counselor" and shift.channel not in person.channels:
            violations.append(f"2-channel: {label}")
        if not inside(shift.start, shift.end, person.available):
            violations.append(f"3-unavailable: {label}")
        assigned[shift_index] += 1
        per_person[person_index].append(shift_index)

    for shift_index, count in enumerate(assigned):
        if count > shifts[shift_index].max:
            violations.append(f"4-over-max: {shifts[shift_index].id}: {count} > {shifts[shift_index].max}")

    hours = [0.0] * len(people)
    nights = [0] * len(people)
    unpreferred = 0.0
    limit = problem.max_consecutive_days if problem.version == 2 else None
    for person_index, mine in per_person.items():
        person = people[person_index]
        mine.sort(key=lambda i: shifts[i].start)
        for before, after in zip(mine, mine[1:], strict=False):
            if shifts[after].start < shifts[before].end + rest:
                violations.append(
                    f"5-overlap-or-rest: {person.id}: {shifts[before].id} then {shifts[after].id}"
                )
        hours[person_index] = sum(shifts[i].end - shifts[i].start for i in mine) / HOUR
        if hours[person_index] > person.max_hours + 1e-9:
            violations.append(f"6-max-hours: {person.id}: {hours[person_index]:g} > {person.max_hours:g}")
        unpreferred += sum(overlap_hours(shifts[i].start, shifts[i].end, person.unpreferred) for i in mine)
        if problem.version != 2:
            continue
        if limit is not None:
            for first, length in longest_runs({shifts[i].day for i in mine}, limit):
                violations.append(
                    f"9-consecutive-days: {person.id}: {length} days in a row from "
                    f"{date.fromordinal(first).isoformat()} (at most {limit})"
                )
        nights[person_index] = sum(1 for i in mine if shifts[i].night)
        if person.max_night_shifts is not None and nights[person_index] > person.max_night_shifts:
            violations.append(
                f"10-night-shifts: {person.id}: {nights[person_index]} > {person.max_night_shifts}"
            )

    for moment, excess in ratio_excess_moments(problem, list(seen)):
        violations.append(f"7-supervisor-ratio: at {moment:.0f}: excess {excess:g}")
    for shift_index, person_index in problem.pinned:
        if (shift_index, person_index) not in seen:
            violations.append(f"8-pinned-missing: {shifts[shift_index].id}/{people[person_index].id}")

    changed = sum(shifts[s].hours for s, _ in set(problem.previous) ^ seen) if problem.has_previous else 0.0
    uncovered = sum(max(0, s.min - n) * s.hours for s, n in zip(shifts, assigned, strict=True))
    target = sum(abs(h - p.target_hours) for h, p in zip(hours, people, strict=True))
    weights = problem.weights
    penalty = (
        weights.uncovered * uncovered
        + weights.unpreferred * unpreferred
        + weights.target_deviation * target
        + weights.change * changed
    )
    inexperienced = 0.0
    night_excess = 0
    if problem.version == 2:
        experienced = [0] * len(shifts)
        for shift_index, person_index in seen:
            experienced[shift_index] += people[person_index].experienced
        inexperienced = sum(
            max(0, s.min_experienced - n) * s.hours for s, n in zip(shifts, experienced, strict=True)
        )
        if problem.night_excess_counts:
            night_excess = sum(max(0, n - problem.night_fair_share) for n in nights)
        penalty += weights.inexperienced * inexperienced + weights.night_fairness * night_excess
    return Evaluation(
        violations=tuple(violations),
        penalty=round(penalty, 6),
        uncovered_hours=uncovered,
        unpreferred_hours=unpreferred,
        target_deviation_hours=target,
        changed_hours=changed,
        assigned=tuple(assigned),
        version=problem.version,
        inexperienced_hours=inexperienced,
        night_excess_shifts=night_excess,
    )
