"""A fast first roster: supervisors, then counselors within the ratio, then short shifts covered
by moving people, then extra hands where they bring people closer to their target.

Every step keeps every hard rule, so the result is valid whatever the solver later does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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
    busy: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # person -> pair positions
    chosen: set[int] = field(default_factory=set)  # pair positions
    options: list[int] = field(default_factory=list)  # candidate pairs per person
    pinned: set[int] | None = None  # pinned pair positions, filled on first use
    # version 2: shifts per calendar day and night shifts per person, experienced people per shift
    days: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    nights: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    experienced: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    spans: list[slice] | None = None

    @classmethod
    def empty(cls, problem: Problem, pairs: Pairs) -> RosterState:
        boundaries = np.unique(np.r_[pairs.shift_start, pairs.shift_end])
        intervals = max(len(boundaries) - 1, 0)
        options = np.bincount(pairs.person, minlength=len(problem.people)).tolist()
        return cls(
            problem,
            pairs,
            problem.min_rest_hours * HOUR,
            boundaries,
            np.zeros(intervals),
            np.zeros(intervals),
            [0] * len(problem.shifts),
            [0.0] * len(problem.people),
            options=options,
        )

    def span(self, shift_index: int) -> slice:
        """The elementary intervals the shift covers (computed once per shift)."""
        spans = self.spans
        if spans is None:
            starts = np.searchsorted(self.boundaries, self.pairs.shift_start).tolist()
            ends = np.searchsorted(self.boundaries, self.pairs.shift_end).tolist()
            spans = self.spans = [slice(a, b) for a, b in zip(starts, ends, strict=True)]
        return spans[shift_index]

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
        if self.conflicts(position):
            return False
        if self.problem.version == 2 and not self.calendar_allows(person_index, shift_index):
            return False
        return not check_ratio or self.ratio_allows(shift_index)

    def calendar_allows(self, person_index: int, shift_index: int) -> bool:
        """Hard rules 9 and 10: the shift keeps the person's run of days and night shifts in bounds."""
        shift = self.problem.shifts[shift_index]
        cap = self.problem.people[person_index].max_night_shifts
        if shift.night and cap is not None and self.nights[person_index] >= cap:
            return False
        limit = self.problem.max_consecutive_days
        worked = self.days[person_index]
        if limit is None or worked[shift.day]:
            return True
        run = 1  # the new day, and the worked days touching it on either side
        day = shift.day - 1
        while worked[day] and run <= limit:
            run, day = run + 1, day - 1
        day = shift.day + 1
        while worked[day] and run <= limit:
            run, day = run + 1, day + 1
        return run <= limit

    def conflicts(self, position: int) -> list[int]:
        """The person's chosen pairs that overlap the pair's shift or leave too little rest."""
        shift = self.problem.shifts[int(self.pairs.shift[position])]
        person_index = int(self.pairs.person[position])
        clashing = []
        for other in self.busy[person_index]:
            start, end = (
                self.pairs.shift_start[self.pairs.shift[other]],
                self.pairs.shift_end[self.pairs.shift[other]],
            )
            if shift.start < end + self.rest and start < shift.end + self.rest:
                clashing.append(other)
        return clashing

    def removable(self, position: int) -> bool:
        """Whether dropping the pair keeps the supervisor ratio (only supervisors matter)."""
        ratio = self.problem.supervisor_ratio
        shift_index = int(self.pairs.shift[position])
        if ratio is None or self.problem.shifts[shift_index].role != "supervisor":
            return True
        span = self.span(shift_index)
        return bool(np.all(self.counselors_on[span] <= ratio * (self.supervisors_on[span] - 1)))

    def ratio_allows(self, shift_index: int, extra: int = 1) -> bool:
        """Whether `extra` more people on the shift keep the supervisor ratio."""
        ratio = self.problem.supervisor_ratio
        if ratio is None or self.problem.shifts[shift_index].role != "counselor":
            return True
        span = self.span(shift_index)
        return bool(np.all(self.counselors_on[span] + extra <= ratio * self.supervisors_on[span]))

    def add(self, position: int) -> None:
        shift_index = int(self.pairs.shift[position])
        person_index = int(self.pairs.person[position])
        shift = self.problem.shifts[shift_index]
        self.chosen.add(position)
        self.assigned[shift_index] += 1
        self.hours[person_index] += shift.hours
        self.busy[person_index].append(position)
        on_duty = self.counselors_on if shift.role == "counselor" else self.supervisors_on
        on_duty[self.span(shift_index)] += 1
        if self.problem.version == 2:
            self.days[person_index][shift.day] += 1
            self.nights[person_index] += shift.night
            self.experienced[shift_index] += self.problem.people[person_index].experienced

    def remove(self, position: int) -> None:
        shift_index = int(self.pairs.shift[position])
        person_index = int(self.pairs.person[position])
        shift = self.problem.shifts[shift_index]
        self.chosen.remove(position)
        self.assigned[shift_index] -= 1
        self.hours[person_index] -= shift.hours
        self.busy[person_index].remove(position)
        on_duty = self.counselors_on if shift.role == "counselor" else self.supervisors_on
        on_duty[self.span(shift_index)] -= 1
        if self.problem.version == 2:
            self.days[person_index][shift.day] -= 1
            self.nights[person_index] -= shift.night
            self.experienced[shift_index] -= self.problem.people[person_index].experienced

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
    cost = (
        weights.unpreferred * float(state.pairs.unpreferred_hours[position])
        + weights.target_deviation * deviation
        + weights.change * change
    )
    if state.problem.version == 2:
        shift_index = int(state.pairs.shift[position])
        shift = state.problem.shifts[shift_index]
        if state.problem.people[person_index].experienced and state.experienced[shift_index] < shift.min_experienced:
            cost -= weights.inexperienced * hours
        if (
            shift.night
            and state.problem.night_excess_counts
            and state.nights[person_index] >= state.problem.night_fair_share
        ):
            cost += weights.night_fairness
    return cost


def _fill(
    state: RosterState, by_shift: dict[int, list[int]], shift_order: list[int], *, to_max: bool
) -> None:
    """Fill each shift towards its min (or its max where that lowers the penalty), cheapest people first."""
    for shift_index in shift_order:
        shift = state.problem.shifts[shift_index]
        goal = shift.max if to_max else shift.min
        uncovered_gain = state.problem.weights.uncovered * shift.hours
        if state.assigned[shift_index] >= goal:
            continue
        # adding someone to this shift changes no other candidate's cost for it: rank once
        # equal costs: the person with the fewest other options first, keeping flexible people free
        ranked = sorted(
            (_marginal_cost(state, position), state.options[int(state.pairs.person[position])], position)
            for position in by_shift[shift_index]
            if state.fits(position, check_ratio=False)
        )
        for _, _, position in ranked:
            if state.assigned[shift_index] >= goal or not state.ratio_allows(shift_index):
                break
            below_min = state.assigned[shift_index] < shift.min
            # re-priced: an experienced person added earlier may have met min_experienced
            cost = _marginal_cost(state, position)
            if cost - (uncovered_gain if below_min else 0.0) >= 0:
                if state.problem.version == 2:
                    continue  # a later one may still be cheaper now
                break
            state.add(position)


def _move_to_short_shifts(state: RosterState, by_shift: dict[int, list[int]], shift_order: list[int]) -> None:
    """Cover short shifts by moving someone off a clashing shift and, if that one falls short,
    refilling it with a person who is free then (an augmenting path of length two)."""
    problem = state.problem
    for shift_index in shift_order:
        shift = problem.shifts[shift_index]
        uncovered_gain = problem.weights.uncovered * shift.hours
        for position in sorted(
            by_shift[shift_index], key=lambda k: state.options[int(state.pairs.person[k])]
        ):
            if state.assigned[shift_index] >= shift.min or not state.ratio_allows(shift_index):
                break
            if position in state.chosen:
                continue
            clashing = state.conflicts(position)
            if len(clashing) != 1:
                continue
            (other,) = clashing
            if other in _pinned_positions(state) or not state.removable(other):
                continue
            other_shift = int(state.pairs.shift[other])
            state.remove(other)
            if not state.fits(position):
                state.add(other)
                continue
            delta = _marginal_cost(state, position) - _marginal_cost(state, other) - uncovered_gain
            state.add(position)
            refill = None
            if state.assigned[other_shift] < problem.shifts[other_shift].min:
                fitting = [k for k in by_shift[other_shift] if k != other and state.fits(k)]
                refill = min(fitting, key=lambda k: _marginal_cost(state, k), default=None)
                if refill is None:
                    delta = np.inf
                else:
                    delta += _marginal_cost(state, refill)
            if delta < 0:
                if refill is not None:
                    state.add(refill)
            else:
                state.remove(position)
                state.add(other)


def _pinned_positions(state: RosterState) -> set[int]:
    """Pair positions of the pinned pairs (never moved)."""
    if state.pinned is None:
        index = state.pairs.index() if state.problem.pinned else {}
        state.pinned = {index[pair] for pair in state.problem.pinned}
    return state.pinned


def _add_supervisors_over(
    state: RosterState,
    by_shift: dict[int, list[int]],
    supervisor_shifts: list[int],
    shift_index: int,
    *,
    extra: int,
) -> None:
    """Add supervisors on shifts overlapping `shift_index` until `extra` more counselors fit the ratio."""
    shift = state.problem.shifts[shift_index]
    for supervisor_shift in supervisor_shifts:
        candidate = state.problem.shifts[supervisor_shift]
        if not (candidate.start < shift.end and shift.start < candidate.end):
            continue
        while not state.ratio_allows(shift_index, extra):
            fitting = [k for k in by_shift[supervisor_shift] if state.fits(k)]
            if not fitting:
                break
            state.add(min(fitting, key=lambda k: _marginal_cost(state, k)))
        if state.ratio_allows(shift_index, extra):
            return


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

    supervisor_shifts = sorted(
        (i for i, s in enumerate(problem.shifts) if s.role == "supervisor"), key=scarcity
    )
    counselor_shifts = sorted(
        (i for i, s in enumerate(problem.shifts) if s.role == "counselor"), key=scarcity
    )
    _fill(state, by_shift, supervisor_shifts, to_max=False)
    # pinned counselors may need more supervisors than the shifts' min
    for shift_index in sorted({s for s, _ in problem.pinned}):
        _add_supervisors_over(state, by_shift, supervisor_shifts, shift_index, extra=0)
    _fill(state, by_shift, counselor_shifts, to_max=False)
    if problem.supervisor_ratio is not None:
        # counselor shifts still short only because of the ratio: add supervisors over them, then retry
        for shift_index in counselor_shifts:
            if state.assigned[shift_index] < problem.shifts[shift_index].min:
                _add_supervisors_over(state, by_shift, supervisor_shifts, shift_index, extra=1)
                _fill(state, by_shift, [shift_index], to_max=False)
    _move_to_short_shifts(state, by_shift, supervisor_shifts + counselor_shifts)
    # extra hands where they bring people closer to their target
    _fill(state, by_shift, supervisor_shifts + counselor_shifts, to_max=True)
    return state.assignments()
