"""Explanations a scheduler can act on: why a shift falls short, and which pinned pairs clash."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np

from .pairs import Pairs, pair_rule_failure
from .problem import HOUR, Problem, Shift
from .verify import Assignment, longest_runs


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a shift is short. `code` is one of no_one_available, few_available, busy_elsewhere,
    rest, hour_limit, consecutive_days, night_limit, supervisor_ratio, supervisors_short,
    penalty_tradeoff, and for a shift short of experienced people (version 2) experienced_short,
    no_experienced_available, experienced_available; `count` is how many people (or supervisor shifts) it concerns."""

    code: str
    message: str
    count: int = 0


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A shift left below its `min` (or, in version 2, below its `min_experienced` experienced
    people), with the reasons in the order a scheduler would check them."""

    shift: str
    min: int
    assigned: int
    short: int
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    min_experienced: int = 0  # version 2
    experienced: int = 0  # experienced people assigned (version 2)

    @property
    def experienced_short(self) -> int:
        return max(0, self.min_experienced - self.experienced)

    def to_json(self) -> dict:
        document = asdict(self)
        if not self.min_experienced:  # version 1 documents stay as they were
            del document["min_experienced"], document["experienced"]
        else:
            document["experienced_short"] = self.experienced_short
        return document


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


def _calendar_pin_conflicts(
    problem: Problem, person_index: int, pins: list[tuple[int, int]], ids
) -> list[PinConflict]:
    """Hard rules 9 (days in a row) and 10 (night shifts) broken by one person's pinned pairs."""
    shifts, person = problem.shifts, problem.people[person_index]
    conflicts = []
    limit = problem.max_consecutive_days
    if limit is not None:
        for first, length in longest_runs({shifts[s].day for s, _ in pins}, limit):
            run = [pair for pair in pins if first <= shifts[pair[0]].day < first + length]
            conflicts.append(
                PinConflict(
                    "consecutive_days",
                    tuple(map(ids, run)),
                    f"{person.id} is pinned on {length} days in a row from "
                    f"{date.fromordinal(first).isoformat()}, more than max_consecutive_days {limit} (rule 9)",
                )
            )
    nights = [pair for pair in pins if shifts[pair[0]].night]
    if person.max_night_shifts is not None and len(nights) > person.max_night_shifts:
        conflicts.append(
            PinConflict(
                "night_shifts",
                tuple(map(ids, nights)),
                f"{person.id} is pinned to {len(nights)} night shifts, more than max_night_shifts "
                f"{person.max_night_shifts} (rule 10)",
            )
        )
    return conflicts


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
        if problem.version == 2:
            conflicts += _calendar_pin_conflicts(problem, person_index, pins, ids)
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


class _Blockers:
    """Why a person who could take a shift (a candidate pair) is not on it, given the roster."""

    def __init__(self, problem: Problem, assignments: list[Assignment]):
        self.problem = problem
        self.rest = problem.min_rest_hours * HOUR
        self.hours: dict[int, float] = defaultdict(float)
        self.busy: dict[int, list[int]] = defaultdict(list)
        self.days: dict[int, set[int]] = defaultdict(set)
        self.nights: dict[int, int] = defaultdict(int)
        for shift_index, person_index in assignments:
            shift = problem.shifts[shift_index]
            self.hours[person_index] += shift.hours
            self.busy[person_index].append(shift_index)
            self.days[person_index].add(shift.day)
            self.nights[person_index] += shift.night

    def reason(self, shift_index: int, person_index: int) -> str:
        """busy_elsewhere, rest, hour_limit, consecutive_days, night_limit or free."""
        problem = self.problem
        shift = problem.shifts[shift_index]
        others = [problem.shifts[i] for i in self.busy.get(person_index, [])]
        if any(o.start < shift.end and shift.start < o.end for o in others):
            return "busy_elsewhere"
        if any(o.start < shift.end + self.rest and shift.start < o.end + self.rest for o in others):
            return "rest"
        if self.hours.get(person_index, 0.0) + shift.hours > problem.people[person_index].max_hours + 1e-9:
            return "hour_limit"
        if problem.version == 2:
            limit = problem.max_consecutive_days
            days = self.days.get(person_index, set())
            if limit is not None and shift.day not in days and longest_runs(days | {shift.day}, limit):
                return "consecutive_days"
            cap = problem.people[person_index].max_night_shifts
            if shift.night and cap is not None and self.nights.get(person_index, 0) >= cap:
                return "night_limit"
        return "free"


def _blocker_reasons(problem: Problem, counts: Counter, who: str) -> list[Reason]:
    """Reasons for the people kept off a shift by their other shifts and their limits."""
    texts = {
        "busy_elsewhere": f"{{n}} of the available {who} work another shift at that time.",
        "rest": f"{{n}} of the available {who} would not get {problem.min_rest_hours:g} h of rest between shifts.",
        "hour_limit": f"{{n}} of the available {who} are at their hour limit (max_hours).",
        "consecutive_days": (
            f"{{n}} of the available {who} would work more than {problem.max_consecutive_days} days in a row "
            "(max_consecutive_days)."
        ),
        "night_limit": f"{{n}} of the available {who} have reached their limit of night shifts (max_night_shifts).",
    }
    return [Reason(code, text.format(n=counts[code]), counts[code]) for code, text in texts.items() if counts[code]]


def explain_shortfalls(problem: Problem, pairs: Pairs, assignments: list[Assignment]) -> list[Shortfall]:
    """For every shift below `min` (or below `min_experienced` experienced people), why nobody else
    could be added, as counted reasons."""
    shifts, people = problem.shifts, problem.people
    assigned = Counter(s for s, _ in assignments)
    experienced = Counter(s for s, p in assignments if people[p].experienced)
    chosen = set(assignments)
    blockers = _Blockers(problem, assignments)
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
        need = shift.min_experienced if problem.version == 2 else 0
        lacking = max(0, need - experienced.get(shift_index, 0))
        if count >= shift.min and not lacking:
            continue
        who = "counselors trained for " + str(shift.channel) if shift.role == "counselor" else "supervisors"
        reasons: list[Reason] = []
        pool = candidates.get(shift_index, [])
        counts = Counter(blockers.reason(shift_index, p) for p in pool if (shift_index, p) not in chosen)
        free = counts["free"]
        if count < shift.min:
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
            reasons += _blocker_reasons(problem, counts, who)
        if count < shift.min and free and shift.role == "counselor" and problem.supervisor_ratio is not None:
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
        if count < shift.min and free:
            reasons.append(
                Reason(
                    "penalty_tradeoff",
                    f"{free} of the available {who} could work it, but "
                    "adding them costs more than the gap under the current weights.",
                    free,
                )
            )
        if lacking:
            reasons += _experienced_reasons(problem, shift, shift_index, pool, chosen, blockers, lacking, who)
        shortfalls.append(
            Shortfall(
                shift.id,
                shift.min,
                count,
                max(0, shift.min - count),
                tuple(reasons),
                min_experienced=need,
                experienced=experienced.get(shift_index, 0),
            )
        )
    return shortfalls


def _experienced_reasons(
    problem: Problem,
    shift: Shift,
    shift_index: int,
    pool: list[int],
    chosen: set[Assignment],
    blockers: _Blockers,
    lacking: int,
    who: str,
) -> list[Reason]:
    """Why a shift has fewer experienced people than `min_experienced`."""
    have = shift.min_experienced - lacking
    experienced_pool = [p for p in pool if problem.people[p].experienced]
    reasons = [
        Reason(
            "experienced_short",
            f"{have} experienced {'person is' if have == 1 else 'people are'} on the shift; "
            f"{shift.min_experienced} are wanted.",
            lacking,
        )
    ]
    if not experienced_pool:
        reasons.append(
            Reason("no_experienced_available", f"No experienced {who} are available for the whole shift.", 0)
        )
        return reasons
    counts = Counter(blockers.reason(shift_index, p) for p in experienced_pool if (shift_index, p) not in chosen)
    labels = {
        "busy_elsewhere": "work another shift at that time",
        "rest": "would not get enough rest",
        "hour_limit": "are at their hour limit",
        "consecutive_days": "would work too many days in a row",
        "night_limit": "have reached their night shifts",
        "free": "could work it, but adding them costs more under the current weights",
    }
    parts = [f"{counts[code]} {label}" for code, label in labels.items() if counts[code]]
    reasons.append(
        Reason(
            "experienced_available",
            f"{len(experienced_pool)} experienced {who} are available for the whole shift"
            + (f": {'; '.join(parts)}." if parts else ", all already on it."),
            len(experienced_pool),
        )
    )
    return reasons
