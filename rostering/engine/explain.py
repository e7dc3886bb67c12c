"""Explanations a scheduler can act on: why a shift falls short, and which pinned pairs clash."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

import numpy as np

from .pairs import Pairs, pair_rule_failure
from .problem import HOUR, Problem
from .verify import Assignment


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a shift is short. `code` is one of no_one_available, few_available, busy_elsewhere,
    rest, hour_limit, supervisor_ratio, supervisors_short, penalty_tradeoff; `count` is how many
    people (or supervisor shifts) the reason concerns."""

    code: str
    message: str
    count: int = 0


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A shift left below its `min`, with the reasons in the order a scheduler would check them."""

    shift: str
    min: int
    assigned: int
    short: int
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PinConflict:
    """A hard rule that some pinned pairs break, alone or together."""

    rule: str
    pairs: tuple[tuple[str, str], ...]  # (shift id, person id)
    message: str

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "pairs": [{"shift": s, "person": p} for s, p in self.pairs],
            "message": self.message,
        }


class PinConflictError(Exception):
    """The pinned pairs break a hard rule: no roster can contain them all."""

    def __init__(self, conflicts: list[PinConflict]):
        self.conflicts = conflicts
        super().__init__("pinned pairs break hard rules: " + "; ".join(c.message for c in conflicts))


def _on_duty_capacity(problem: Problem, pairs: Pairs, moment: float) -> int:
    """An upper bound on the supervisors who could be on duty at `moment`."""
    active = [i for i, s in enumerate(problem.shifts) if s.role == "supervisor" and s.start <= moment < s.end]
    mask = np.isin(pairs.shift, active)
    distinct_people = len(set(pairs.person[mask].tolist()))
    seats = sum(min(problem.shifts[i].max, int((pairs.shift == i).sum())) for i in active)
    return min(distinct_people, seats)


def pin_conflicts(problem: Problem, pairs: Pairs) -> list[PinConflict]:
    """Every hard rule the pinned pairs break on their own or together (empty when they look feasible)."""
    shifts, people = problem.shifts, problem.people
    conflicts: list[PinConflict] = []

    def ids(pair: tuple[int, int]) -> tuple[str, str]:
        return shifts[pair[0]].id, people[pair[1]].id

    for pair in problem.pinned:
        failure = pair_rule_failure(shifts[pair[0]], people[pair[1]])
        if failure:
            rule, text = failure.split(": ", 1)
            conflicts.append(PinConflict(rule, (ids(pair),), f"pinned {'/'.join(ids(pair))}: {text}"))

    by_shift: dict[int, list[tuple[int, int]]] = defaultdict(list)
    by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair in problem.pinned:
        by_shift[pair[0]].append(pair)
        by_person[pair[1]].append(pair)
    for shift_index, pins in by_shift.items():
        if len(pins) > shifts[shift_index].max:
            conflicts.append(
                PinConflict(
                    "max",
                    tuple(map(ids, pins)),
                    f"{len(pins)} people pinned to {shifts[shift_index].id}, "
                    f"whose max is {shifts[shift_index].max}",
                )
            )
    rest = problem.min_rest_hours * HOUR
    for person_index, pins in by_person.items():
        person = people[person_index]
        pins.sort(key=lambda pair: shifts[pair[0]].start)
        for k, before in enumerate(pins):
            for after in pins[k + 1 :]:
                first, second = shifts[before[0]], shifts[after[0]]
                if second.start >= first.end + rest:
                    break
                rule = "overlap" if second.start < first.end else "rest"
                text = (
                    "overlap"
                    if rule == "overlap"
                    else f"are less than {problem.min_rest_hours:g} h apart (min_rest_hours)"
                )
                conflicts.append(
                    PinConflict(
                        rule,
                        (ids(before), ids(after)),
                        f"{person.id} is pinned to {first.id} and {second.id}, which {text}",
                    )
                )
        total = sum(shifts[s].hours for s, _ in pins)
        if total > person.max_hours + 1e-9:
            conflicts.append(
                PinConflict(
                    "max_hours",
                    tuple(map(ids, pins)),
                    f"{person.id} is pinned to {total:g} h, more than max_hours {person.max_hours:g}",
                )
            )
    ratio = problem.supervisor_ratio
    if ratio is not None:
        moments = sorted(
            {shifts[s].start for s, _ in problem.pinned if shifts[s].role == "counselor"}
            | {shifts[s].end for s, _ in problem.pinned if shifts[s].role == "supervisor"}
        )
        for moment in moments:
            on_duty = [
                pair
                for pair in problem.pinned
                if shifts[pair[0]].role == "counselor"
                and shifts[pair[0]].start <= moment < shifts[pair[0]].end
            ]
            if not on_duty:
                continue
            capacity = _on_duty_capacity(problem, pairs, moment)
            if len(on_duty) > ratio * capacity:
                conflicts.append(
                    PinConflict(
                        "supervisor_ratio",
                        tuple(map(ids, on_duty)),
                        f"{len(on_duty)} counselors are pinned on duty at the same time but at "
                        f"most {capacity} supervisors can be, allowing {ratio * capacity}",
                    )
                )
                break
    return conflicts


def explain_shortfalls(problem: Problem, pairs: Pairs, assignments: list[Assignment]) -> list[Shortfall]:
    """For every shift below `min`, why nobody else could be added, as counted reasons."""
    shifts, people = problem.shifts, problem.people
    assigned = Counter(s for s, _ in assignments)
    chosen = set(assignments)
    hours: dict[int, float] = defaultdict(float)
    busy: dict[int, list[int]] = defaultdict(list)
    for shift_index, person_index in assignments:
        hours[person_index] += shifts[shift_index].hours
        busy[person_index].append(shift_index)
    rest = problem.min_rest_hours * HOUR
    candidates: dict[int, list[int]] = defaultdict(list)
    for shift_index, person_index in zip(pairs.shift.tolist(), pairs.person.tolist(), strict=True):
        candidates[shift_index].append(person_index)

    # counselors and supervisors on duty over each elementary interval
    boundaries = np.unique(np.r_[pairs.shift_start, pairs.shift_end])
    level = {
        "counselor": np.zeros(max(len(boundaries) - 1, 0)),
        "supervisor": np.zeros(max(len(boundaries) - 1, 0)),
    }

    def span(shift_index: int) -> slice:
        return slice(
            int(np.searchsorted(boundaries, shifts[shift_index].start)),
            int(np.searchsorted(boundaries, shifts[shift_index].end)),
        )

    for shift_index, _ in assignments:
        level[shifts[shift_index].role][span(shift_index)] += 1

    shortfalls = []
    for shift_index, shift in enumerate(shifts):
        count = assigned.get(shift_index, 0)
        if count >= shift.min:
            continue
        who = "counselors trained for " + str(shift.channel) if shift.role == "counselor" else "supervisors"
        reasons: list[Reason] = []
        pool = candidates.get(shift_index, [])
        if not pool:
            reasons.append(Reason("no_one_available", f"No {who} are available for the whole shift.", 0))
        elif len(pool) < shift.min:
            reasons.append(
                Reason(
                    "few_available",
                    f"Only {len(pool)} {who} are available for the whole shift; {shift.min} are wanted.",
                    len(pool),
                )
            )
        at_limit = clash = rested = free = 0
        for person_index in pool:
            if (shift_index, person_index) in chosen:
                continue
            others = [shifts[i] for i in busy.get(person_index, [])]
            if any(o.start < shift.end and shift.start < o.end for o in others):
                clash += 1
            elif any(o.start < shift.end + rest and shift.start < o.end + rest for o in others):
                rested += 1
            elif hours.get(person_index, 0.0) + shift.hours > people[person_index].max_hours + 1e-9:
                at_limit += 1
            else:
                free += 1
        if clash:
            reasons.append(
                Reason(
                    "busy_elsewhere",
                    f"{clash} of the available {who} work another shift at that time.",
                    clash,
                )
            )
        if rested:
            reasons.append(
                Reason(
                    "rest",
                    f"{rested} of the available {who} would not get "
                    f"{problem.min_rest_hours:g} h of rest between shifts.",
                    rested,
                )
            )
        if at_limit:
            reasons.append(
                Reason(
                    "hour_limit",
                    f"{at_limit} of the available {who} are at their hour limit (max_hours).",
                    at_limit,
                )
            )
        if free and shift.role == "counselor" and problem.supervisor_ratio is not None:
            window = span(shift_index)
            headroom = problem.supervisor_ratio * level["supervisor"][window] - level["counselor"][window]
            if headroom.min(initial=np.inf) < 1:
                supervisors = int(level["supervisor"][window].min(initial=0))
                overlapping = [
                    i
                    for i, s in enumerate(shifts)
                    if s.role == "supervisor" and s.start < shift.end and shift.start < s.end
                ]
                short_supervisors = [shifts[i].id for i in overlapping if assigned.get(i, 0) < shifts[i].min]
                reasons.append(
                    Reason(
                        "supervisor_ratio",
                        f"The supervisor ratio is reached: {supervisors} supervisor(s) on duty allow "
                        f"{problem.supervisor_ratio * supervisors} counselors; {free} more could "
                        "work if more supervisors were on duty.",
                        free,
                    )
                )
                if short_supervisors:
                    reasons.append(
                        Reason(
                            "supervisors_short",
                            f"The supervisor shifts at that time are short themselves: "
                            f"{', '.join(short_supervisors)}.",
                            len(short_supervisors),
                        )
                    )
                free = 0
        if free:
            reasons.append(
                Reason(
                    "penalty_tradeoff",
                    f"{free} of the available {who} could work it, but "
                    "adding them costs more than the gap under the current weights.",
                    free,
                )
            )
        shortfalls.append(Shortfall(shift.id, shift.min, count, shift.min - count, tuple(reasons)))
    return shortfalls
