"""The candidate (shift, person) pairs: every pair that passes the per-pair hard rules.

Pruning here (role, channel, availability, a shift longer than the person's max_hours)
keeps the model to the pairs that could ever be assigned.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .problem import HOUR, Person, Problem, Shift


@dataclass(frozen=True, slots=True)
class Pairs:
    """Candidate pairs as parallel arrays, sorted by person then shift start."""

    shift: np.ndarray  # int32 shift index
    person: np.ndarray  # int32 person index
    hours: np.ndarray  # float64 shift length
    unpreferred_hours: np.ndarray  # float64 hours of the shift inside the person's unpreferred time
    previous: np.ndarray  # bool: the pair is in `previous`
    shift_start: np.ndarray  # float64 per shift
    shift_end: np.ndarray  # float64 per shift

    def __len__(self) -> int:
        return len(self.shift)

    def index(self) -> dict[tuple[int, int], int]:
        """Map (shift, person) to the pair's position."""
        return {(int(s), int(p)): k for k, (s, p) in enumerate(zip(self.shift, self.person, strict=True))}


def shift_group(shift: Shift) -> tuple[str, str | None]:
    return shift.role, shift.channel


def pair_rule_failure(shift: Shift, person: Person) -> str | None:
    """The first per-pair hard rule the pair breaks (SPEC rules 2, 3, 6), or None."""
    if shift.role != person.role:
        return f"role: {person.id} is a {person.role}, {shift.id} is a {shift.role} shift"
    if shift.role == "counselor" and shift.channel not in person.channels:
        return f"channel: {person.id} is not trained for {shift.channel}"
    if not inside(shift.start, shift.end, person.available):
        return f"availability: {shift.id} is not inside {person.id}'s availability"
    if shift.hours > person.max_hours + 1e-9:
        return (
            f"max_hours: {shift.id} lasts {shift.hours:g} h, "
            f"more than {person.id}'s max_hours {person.max_hours:g}"
        )
    return None


def inside(start: float, end: float, intervals: tuple[tuple[float, float], ...]) -> bool:
    return any(a <= start and end <= b for a, b in intervals)


def overlap_hours(start: float, end: float, intervals: tuple[tuple[float, float], ...]) -> float:
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in intervals) / HOUR


def build_pairs(problem: Problem) -> Pairs:
    """Enumerate candidate pairs with a sorted sweep per (role, channel) group and availability window."""
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for index, shift in enumerate(problem.shifts):
        groups[shift_group(shift)].append(index)
    group_starts = {}
    for key, members in groups.items():
        members.sort(key=lambda i: problem.shifts[i].start)
        group_starts[key] = [problem.shifts[i].start for i in members]

    previous = set(problem.previous)
    shifts_out: list[int] = []
    people_out: list[int] = []
    unpreferred_out: list[float] = []
    for person_index, person in enumerate(problem.people):
        if person.role == "counselor":
            keys = [("counselor", channel) for channel in person.channels]
        else:
            keys = [("supervisor", None)]
        mine: list[int] = []
        for key in keys:
            members = groups.get(key)
            if not members:
                continue
            starts = group_starts[key]
            for a, b in person.available:
                for k in range(bisect_left(starts, a), bisect_right(starts, b)):
                    shift = problem.shifts[members[k]]
                    if shift.end <= b and shift.hours <= person.max_hours + 1e-9:
                        mine.append(members[k])
        mine.sort(key=lambda i: problem.shifts[i].start)
        for shift_index in mine:
            shift = problem.shifts[shift_index]
            shifts_out.append(shift_index)
            people_out.append(person_index)
            unpreferred_out.append(
                overlap_hours(shift.start, shift.end, person.unpreferred) if person.unpreferred else 0.0
            )
    shift_array = np.asarray(shifts_out, dtype=np.int32)
    person_array = np.asarray(people_out, dtype=np.int32)
    shift_start = np.asarray([s.start for s in problem.shifts], dtype=np.float64)
    shift_end = np.asarray([s.end for s in problem.shifts], dtype=np.float64)
    previous_mask = (
        np.fromiter(
            ((s, p) in previous for s, p in zip(shifts_out, people_out, strict=True)),
            dtype=bool,
            count=len(shifts_out),
        )
        if previous
        else np.zeros(len(shifts_out), dtype=bool)
    )
    return Pairs(
        shift=shift_array,
        person=person_array,
        hours=(shift_end - shift_start)[shift_array] / HOUR if len(shift_array) else np.zeros(0),
        unpreferred_hours=np.asarray(unpreferred_out, dtype=np.float64),
        previous=previous_mask,
        shift_start=shift_start,
        shift_end=shift_end,
    )
