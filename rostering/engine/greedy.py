"""A fast first roster: fill supervisors, then counselors within the ratio, then top up targets.

Every step keeps every hard rule, so the result is valid whatever the solver later does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .pairs import Pairs
from .problem import HOUR, Problem
from .verify import Assignment


@dataclass(slots=True)
class RosterState:
    """A partial roster with the bookkeeping needed to test a new pair in O(shifts of the person)."""

    problem: Problem
    pairs: Pairs
    rest: float
    boundaries: np.ndarray
    counselors_on: np.ndarray
    supervisors_on: np.ndarray
    assigned: list[int]
    hours: list[float]
    busy: dict[int, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    chosen: set[int] = field(default_factory=set)  # pair positions

    @classmethod
    def empty(cls, problem: Problem, pairs: Pairs) -> RosterState:
        boundaries = np.unique(np.r_[pairs.shift_start, pairs.shift_end])
        intervals = max(len(boundaries) - 1, 0)
        return cls(problem, pairs, problem.min_rest_hours * HOUR, boundaries,
                   np.zeros(intervals), np.zeros(intervals),
                   [0] * len(problem.shifts), [0.0] * len(problem.people))

    def span(self, shift_index: int) -> slice:
        shift = self.problem.shifts[shift_index]
        return slice(int(np.searchsorted(self.boundaries, shift.start)),
                     int(np.searchsorted(self.boundaries, shift.end)))

    def fits(self, position: int, *, check_ratio: bool = True) -> bool:
        """Whether adding candidate pair `position` keeps every hard rule."""
        shift_index = int(self.pairs.shift[position])
        person_index = int(self.pairs.person[position])
        shift = self.problem.shifts[shift_index]
        person = self.problem.people[person_index]
        if position in self.chosen or self.assigned[shift_index] >= shift.max:
            return False
        if self.hours[person_index] + shift.hours > person.max_hours + 1e-9:
            return False
        for start, end in self.busy[person_index]:
            if shift.start < end + self.rest and start < shift.end + self.rest:
                return False
        return not check_ratio or self.ratio_allows(shift_index)

    def ratio_allows(self, shift_index: int) -> bool:
        """Whether one more person on the shift keeps the supervisor ratio."""
        ratio = self.problem.supervisor_ratio
        if ratio is None or self.problem.shifts[shift_index].role != "counselor":
            return True
        span = self.span(shift_index)
        return bool(np.all(self.counselors_on[span] + 1 <= ratio * self.supervisors_on[span]))

    def add(self, position: int) -> None:
        shift_index = int(self.pairs.shift[position])
        person_index = int(self.pairs.person[position])
        shift = self.problem.shifts[shift_index]
        self.chosen.add(position)
        self.assigned[shift_index] += 1
        self.hours[person_index] += shift.hours
        self.busy[person_index].append((shift.start, shift.end))
        on_duty = self.counselors_on if shift.role == "counselor" else self.supervisors_on
        on_duty[self.span(shift_index)] += 1

    def assignments(self) -> list[Assignment]:
        return sorted((int(self.pairs.shift[k]), int(self.pairs.person[k])) for k in self.chosen)


def _marginal_cost(state: RosterState, position: int) -> float:
    """Penalty change of adding the pair, ignoring coverage."""
    weights = state.problem.weights
    person_index = int(state.pairs.person[position])
    hours = float(state.pairs.hours[position])
    target = state.problem.people[person_index].target_hours
    worked = state.hours[person_index]
    deviation = abs(worked + hours - target) - abs(worked - target)
    change = -hours if state.pairs.previous[position] else hours
    if not state.problem.has_previous:
        change = 0.0
    return (weights.unpreferred * float(state.pairs.unpreferred_hours[position])
            + weights.target_deviation * deviation + weights.change * change)


def _fill(state: RosterState, by_shift: dict[int, list[int]], shift_order: list[int], *, to_max: bool) -> None:
    """Fill each shift towards its min (or max when that lowers the penalty) with the cheapest fitting people."""
    for shift_index in shift_order:
        shift = state.problem.shifts[shift_index]
        goal = shift.max if to_max else shift.min
        uncovered_gain = state.problem.weights.uncovered * shift.hours
        while state.assigned[shift_index] < goal and state.ratio_allows(shift_index):
            best, best_cost = -1, np.inf
            for position in by_shift[shift_index]:
                if not state.fits(position, check_ratio=False):
                    continue
                cost = _marginal_cost(state, position)
                if cost < best_cost:
                    best, best_cost = position, cost
            below_min = state.assigned[shift_index] < shift.min
            if best < 0 or best_cost - (uncovered_gain if below_min else 0.0) >= 0:
                break
            state.add(best)


def greedy_roster(problem: Problem, pairs: Pairs) -> list[Assignment]:
    """A valid roster built greedily; pinned pairs are taken first (they must already be feasible)."""
    state = RosterState.empty(problem, pairs)
    index = pairs.index()
    for pair in problem.pinned:
        state.add(index[pair])

    by_shift: dict[int, list[int]] = defaultdict(list)
    for position, shift_index in enumerate(pairs.shift.tolist()):
        by_shift[shift_index].append(position)

    def scarcity(shift_index: int) -> float:
        return len(by_shift[shift_index]) / max(problem.shifts[shift_index].min, 1)

    supervisor_shifts = sorted((i for i, s in enumerate(problem.shifts) if s.role == "supervisor"), key=scarcity)
    counselor_shifts = sorted((i for i, s in enumerate(problem.shifts) if s.role == "counselor"), key=scarcity)
    _fill(state, by_shift, supervisor_shifts, to_max=False)
    _fill(state, by_shift, counselor_shifts, to_max=False)
    if problem.supervisor_ratio is not None:
        # counselor shifts still short only because of the ratio: add supervisors over them, then retry
        for shift_index in counselor_shifts:
            if state.assigned[shift_index] >= problem.shifts[shift_index].min:
                continue
            overlapping = [i for i in supervisor_shifts
                           if problem.shifts[i].start < problem.shifts[shift_index].end
                           and problem.shifts[shift_index].start < problem.shifts[i].end]
            for supervisor_shift in overlapping:
                if state.ratio_allows(shift_index):
                    break
                fitting = [k for k in by_shift[supervisor_shift] if state.fits(k)]
                if fitting:
                    state.add(min(fitting, key=lambda k: _marginal_cost(state, k)))
            _fill(state, by_shift, [shift_index], to_max=False)
    # extra hands where they bring people closer to their target
    _fill(state, by_shift, supervisor_shifts + counselor_shifts, to_max=True)
    return state.assignments()
