"""The roster as a mixed-integer program, written straight into a MathOpt ModelProto.

Variables: one binary per candidate pair, one count and one shortfall per shift, an
over/under deviation pair per person. Rows (all built from numpy arrays, no per-variable
Python objects):

* count     y_s - sum_p x_ps = 0
* cover     y_s + short_s >= min_s              (short_s is max(0, min - assigned) at optimum)
* target    sum_s h_s x_ps - over_p + under_p = target_p; bounds on over/under enforce max_hours
* rest      per person, the maximal cliques of the interval graph of [start, end + rest):
            two shifts conflict exactly when those extended intervals overlap, so one row
            per maximal clique (a sweep over sorted starts) states overlap and rest exactly.
* ratio     per distinct set of shifts on duty in an elementary interval between shift
            boundaries: sum counselor y - ratio * sum supervisor y <= 0

Version 2 adds (see `_version2_rows`):

* experienced  sum over experienced people x_ps + lack_s >= min_experienced_s
* nights       sum over the person's night shifts x <= max_night_shifts (hard rule 10), and
               sum - excess_p <= night_fair_share (the fairness penalty)
* days         per run of K + 1 consecutive dates on which the person has candidate shifts,
               sum over the run of worked_pd <= K (hard rule 9), where worked_pd is the sum of
               x over the person's shifts that day when they all clash (one shift a day at most),
               else a variable above the x-sum of each clique of clashing shifts of that day
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from ortools.math_opt import model_pb2

from .pairs import Pairs
from .problem import HOUR, Problem


@dataclass(frozen=True, slots=True)
class MipModel:
    proto: model_pb2.ModelProto
    pairs: Pairs
    count_offset: int  # first shift-count variable
    granularity: float  # every penalty is a multiple of this (0: unknown)
    lp_first: bool = False  # solve the LP, then the MIP over its fractional pairs (see solver.py)


def _fraction_gcd(a: Fraction, b: Fraction) -> Fraction:
    """The largest fraction whose integer multiples include both a and b (gcd(0, b) = b)."""
    denominator = a.denominator * b.denominator
    return Fraction(math.gcd(a.numerator * b.denominator, b.numerator * a.denominator), denominator)


def penalty_granularity(problem: Problem, pairs: Pairs) -> float:
    """The largest g such that every roster's penalty is a multiple of g, or 0 when not small."""
    weights = problem.weights
    atoms: list[float] = []
    hours = [s.hours for s in problem.shifts]
    for weight in (
        weights.uncovered,
        weights.change if problem.has_previous else 0,
        weights.target_deviation,
    ):
        if weight:
            atoms += [weight * h for h in set(hours)]
    if weights.target_deviation:
        atoms += [weights.target_deviation * t for t in {p.target_hours for p in problem.people}]
    if weights.unpreferred:
        atoms += [weights.unpreferred * u for u in set(np.round(pairs.unpreferred_hours, 12).tolist())]
    if problem.version == 2:
        if weights.inexperienced:
            atoms += [weights.inexperienced * s.hours for s in problem.shifts if s.min_experienced]
        if weights.night_fairness and problem.night_excess_counts:
            atoms.append(weights.night_fairness)
    step = Fraction(0)
    for atom in atoms:
        fraction = Fraction(atom).limit_denominator(3600)
        if abs(float(fraction) - atom) > 1e-9 * max(1.0, abs(atom)):
            return 0.0
        step = _fraction_gcd(step, abs(fraction))
    return float(step) if step and float(step) >= 1e-3 else 0.0


def interval_cliques(starts: list[float], ends: list[float]) -> list[list[int]]:
    """Maximal cliques of the interval graph of [starts[k], ends[k]) (starts sorted), by a sweep."""
    cliques: list[list[int]] = []
    for j, moment in enumerate(starts):
        if j + 1 < len(starts) and starts[j + 1] == moment:
            continue
        clique = [k for k in range(j + 1) if ends[k] > moment]
        if cliques and set(clique) <= set(cliques[-1]):
            continue
        if cliques and set(cliques[-1]) <= set(clique):
            cliques[-1] = clique
        else:
            cliques.append(clique)
    return cliques


def _rest_cliques(pairs: Pairs, rest_seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """(row, pair) entries of the maximal conflict cliques of each person's candidate shifts."""
    starts = pairs.shift_start[pairs.shift]
    extended_ends = pairs.shift_end[pairs.shift] + rest_seconds
    boundaries = np.flatnonzero(np.diff(pairs.person)) + 1
    rows: list[int] = []
    members: list[int] = []
    row = 0
    for lo, hi in zip(np.r_[0, boundaries], np.r_[boundaries, len(pairs)], strict=True):
        if hi - lo < 2:
            continue
        person_starts = starts[lo:hi].tolist()
        person_ends = extended_ends[lo:hi].tolist()
        longest = float((extended_ends[lo:hi] - starts[lo:hi]).max())
        previous: list[int] = []
        for j, moment in enumerate(person_starts):
            if j + 1 < hi - lo and person_starts[j + 1] == moment:
                continue  # same start as the next pair: its clique is a superset
            first = bisect_left(person_starts, moment - longest)
            clique = [k for k in range(first, j + 1) if person_ends[k] > moment]
            if len(clique) < 2 or (previous and set(clique) <= set(previous)):
                continue
            if previous and set(previous) <= set(clique):
                # the previous row is dominated: overwrite it
                del rows[-len(previous) :], members[-len(previous) :]
                row -= 1
            rows += [row] * len(clique)
            members += [lo + k for k in clique]
            previous = clique
            row += 1
    return np.asarray(rows, dtype=np.int64), np.asarray(members, dtype=np.int64)


def most_shifts(problem: Problem, pairs: Pairs) -> np.ndarray:
    """Per pair position, the most shifts its person can work: how many of their shortest candidate
    shifts fit in max_hours (rest and overlap aside)."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    # pairs are grouped by person: sort each group by length and count the shortest that fit
    order = np.lexsort((pairs.hours, pairs.person))
    lengths = pairs.hours[order]
    first = np.r_[0, np.flatnonzero(np.diff(pairs.person[order])) + 1]
    size = np.diff(np.r_[first, len(order)])
    totals = np.cumsum(lengths)
    before = np.repeat(np.r_[0.0, totals][first], size)
    max_hours = np.asarray([p.max_hours for p in problem.people])[pairs.person[order]]
    fits = np.add.reduceat((totals - before <= max_hours + 1e-9).astype(np.int64), first)
    # a person's pairs occupy the same positions in both orders
    return np.repeat(fits, size)


def _cardinality_rows(problem: Problem, pairs: Pairs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, pair) entries and right-hand sides of `sum x <= k` per person, where k is the most
    shifts that fit in max_hours (the shortest ones first), wherever the hours row alone lets the LP
    take more: 8 h of 3 h shifts is 2 shifts, not 2.67. A Chvatal-Gomory rounding of the hours row
    that closes most of the LP gap of shift lengths that do not divide max_hours."""
    empty = np.zeros(0, dtype=np.int64)
    if len(pairs) == 0:
        return empty, empty, np.zeros(0)
    most = most_shifts(problem, pairs)
    first = np.r_[0, np.flatnonzero(np.diff(pairs.person)) + 1]
    size = np.diff(np.r_[first, len(pairs)])
    fits = most[first]
    shortest = np.minimum.reduceat(pairs.hours, first)
    max_hours = np.asarray([p.max_hours for p in problem.people])[pairs.person[first]]
    # the LP could already take at most max_hours / shortest shifts: a cut only when that is more
    cut = (size >= 2) & (fits < size) & (fits < max_hours / shortest - 1e-9)
    if not cut.any():
        return empty, empty, np.zeros(0)
    chosen = np.flatnonzero(cut)
    rows = np.repeat(np.arange(len(chosen)), size[chosen])
    members = np.concatenate([np.arange(first[k], first[k] + size[k]) for k in chosen])
    return rows, members, fits[chosen].astype(np.float64)


def _distance(value: int, modulus: int) -> int:
    """How far `value` is from the nearest multiple of `modulus`."""
    r = value % modulus
    return min(r, modulus - r)


def _residue_rows(problem: Problem, pairs: Pairs, over0: int, under0: int) -> _Rows:
    """Rows `over_p + under_p >= a0 + sum (a_s - a0) x_ps`: a person's hours are a sum of shift lengths,
    so when all but one clique of their shifts last a multiple of g hours, their distance to the
    target is at least the distance of the target to those sums modulo g. The LP otherwise meets a
    target of 8 h with 3 h + 4 h + a quarter of a 4 h shift (a 23-hour day, 3-hour shifts)."""
    out = _Rows([], [], [], [], [], 0, [], [], [])
    rest = problem.min_rest_hours * HOUR
    minutes = np.rint(pairs.hours * 60).astype(np.int64)
    if len(pairs) == 0 or np.any(np.abs(pairs.hours * 60 - minutes) > 1e-6):
        return out
    boundaries = np.flatnonzero(np.diff(pairs.person)) + 1
    for lo, hi in zip(np.r_[0, boundaries].tolist(), np.r_[boundaries, len(pairs)].tolist(), strict=True):
        person_index = int(pairs.person[lo])
        target = problem.people[person_index].target_hours * 60
        if abs(target - round(target)) > 1e-6:
            continue
        lengths = minutes[lo:hi]
        values, counts = np.unique(lengths, return_counts=True)
        if len(values) == 1:
            g, odd = int(values[0]), []
        elif len(values) == 2:
            rare = int(values[np.argmin(counts)]) if counts[0] != counts[1] else int(values[0])
            g = int(values[values != rare][0])
            odd = [lo + k for k in np.flatnonzero(lengths == rare).tolist()]
            # the odd shifts must clash pairwise (at most one of them in any roster)
            first_end = min(pairs.shift_end[pairs.shift[k]] for k in odd) + rest
            if max(pairs.shift_start[pairs.shift[k]] for k in odd) >= first_end:
                continue
        else:
            continue
        a0 = _distance(-round(target), g)
        terms = [(k, _distance(int(minutes[k]) - round(target), g) - a0) for k in odd]
        terms = [(k, a) for k, a in terms if a]
        if not a0 and not terms:
            continue
        out.row(
            [over0 + person_index, under0 + person_index, *(k for k, _ in terms)],
            [1.0, 1.0, *(-a / 60 for _, a in terms)],
            a0 / 60,
            math.inf,
        )
    return out


def _ratio_rows(problem: Problem) -> list[tuple[np.ndarray, np.ndarray]]:
    """Distinct (counselor shifts, supervisor shifts) on duty over the elementary intervals."""
    if problem.supervisor_ratio is None or not problem.shifts:
        return []
    starts = np.asarray([s.start for s in problem.shifts])
    ends = np.asarray([s.end for s in problem.shifts])
    counselor = np.asarray([s.role == "counselor" for s in problem.shifts])
    moments = np.unique(np.r_[starts, ends])[:-1]
    active = (starts[:, None] <= moments[None, :]) & (moments[None, :] < ends[:, None])
    seen: set[bytes] = set()
    rows = []
    for column in active.T:
        if not (column & counselor).any():
            continue
        key = np.packbits(column).tobytes()
        if key in seen:
            continue
        seen.add(key)
        rows.append((np.flatnonzero(column & counselor), np.flatnonzero(column & ~counselor)))
    return rows


@dataclass(slots=True)
class _Rows:
    """Rows and extra columns collected as flat lists (local row numbers from 0)."""

    rows: list[int]
    cols: list[int]
    coefs: list[float]
    lower: list[float]
    upper: list[float]
    n_vars: int  # next free column
    var_lower: list[float]
    var_upper: list[float]
    var_cost: list[float]

    def row(self, cols: list[int], coefs: list[float], lo: float, hi: float) -> None:
        number = len(self.lower)
        self.rows += [number] * len(cols)
        self.cols += cols
        self.coefs += coefs
        self.lower.append(lo)
        self.upper.append(hi)

    def var(self, lo: float, hi: float, cost: float) -> int:
        self.var_lower.append(lo)
        self.var_upper.append(hi)
        self.var_cost.append(cost)
        self.n_vars += 1
        return self.n_vars - 1


def _version2_rows(problem: Problem, pairs: Pairs, first_var: int) -> _Rows:
    """Rows of hard rules 9 and 10 and of the experienced and night-fairness penalty parts."""
    out = _Rows([], [], [], [], [], first_var, [], [], [])
    weights = problem.weights
    shifts, people = problem.shifts, problem.people
    # experienced people short on a shift: lack_s >= min_experienced - experienced assigned
    if weights.inexperienced:
        experienced = np.asarray([p.experienced for p in people], dtype=bool)
        members: dict[int, list[int]] = {}
        for k in np.flatnonzero(experienced[pairs.person]).tolist():
            members.setdefault(int(pairs.shift[k]), []).append(k)
        for index, shift in enumerate(shifts):
            if shift.min_experienced:
                lack = out.var(0.0, float(shift.min_experienced), weights.inexperienced * shift.hours)
                mine = members.get(index, [])
                out.row([*mine, lack], [1.0] * (len(mine) + 1), float(shift.min_experienced), math.inf)
    fair = problem.night_fair_share if problem.night_excess_counts and weights.night_fairness else None
    limit = problem.max_consecutive_days
    most = most_shifts(problem, pairs)  # a limit at or above it cannot bind
    rest = problem.min_rest_hours * HOUR
    # plain lists: this loop runs once per pair
    pair_shift = pairs.shift.tolist()
    starts = pairs.shift_start[pairs.shift].tolist()
    ends = (pairs.shift_end[pairs.shift] + rest).tolist()
    day_of = [s.day for s in shifts]
    night_of = [s.night for s in shifts]
    boundaries = np.flatnonzero(np.diff(pairs.person)) + 1
    for lo, hi in zip(np.r_[0, boundaries].tolist(), np.r_[boundaries, len(pairs)].tolist(), strict=True):
        if hi <= lo:
            continue
        person = people[int(pairs.person[lo])]
        positions = range(lo, hi)
        nights = [k for k in positions if night_of[pair_shift[k]]]
        cap = person.max_night_shifts
        reachable = min(len(nights), most[lo])
        if cap is not None and reachable > cap:
            out.row(nights, [1.0] * len(nights), -math.inf, float(cap))
            reachable = cap
        if fair is not None and reachable > fair:
            excess = out.var(0.0, float(reachable - fair), weights.night_fairness)
            out.row([*nights, excess], [1.0] * len(nights) + [-1.0], -math.inf, float(fair))
        if limit is None or most[lo] <= limit:
            continue  # no K + 1 shifts fit in the person's max_hours: no run of K + 1 days
        by_day: dict[int, list[int]] = {}
        for k in positions:
            by_day.setdefault(day_of[pair_shift[k]], []).append(k)
        runs = [day for day in by_day if all(day + j in by_day for j in range(1, limit + 1))]
        if not runs:
            continue
        # a worked-day term per date, as (columns, coefficients)
        worked: dict[int, tuple[list[int], list[float]]] = {}
        for day in sorted({day + j for day in runs for j in range(limit + 1)}):
            mine = by_day[day]
            cliques = interval_cliques([starts[k] for k in mine], [ends[k] for k in mine])
            if len(cliques) == 1 and len(cliques[0]) == len(mine):
                worked[day] = (mine, [1.0] * len(mine))
            else:
                flag = out.var(0.0, 1.0, 0.0)
                for clique in cliques:
                    out.row([*(mine[k] for k in clique), flag], [1.0] * len(clique) + [-1.0], -math.inf, 0.0)
                worked[day] = ([flag], [1.0])
        for first in sorted(runs):
            run = [first + j for j in range(limit + 1)]
            cols = [c for d in run for c in worked[d][0]]
            coefs = [c for d in run for c in worked[d][1]]
            out.row(cols, coefs, -math.inf, float(limit))
    return out


def build_model(problem: Problem, pairs: Pairs) -> MipModel:
    """Build the MIP of `problem` over the candidate `pairs` (pinned pairs fixed to 1)."""
    weights = problem.weights
    n_pairs, n_shifts, n_people = len(pairs), len(problem.shifts), len(problem.people)
    count0 = n_pairs
    short0 = count0 + n_shifts
    over0 = short0 + n_shifts
    under0 = over0 + n_people
    n_vars = under0 + n_people

    shift_min = np.asarray([s.min for s in problem.shifts], dtype=np.float64)
    shift_max = np.asarray([s.max for s in problem.shifts], dtype=np.float64)
    shift_hours = np.asarray([s.hours for s in problem.shifts], dtype=np.float64)
    max_hours = np.asarray([p.max_hours for p in problem.people], dtype=np.float64)
    target = np.asarray([p.target_hours for p in problem.people], dtype=np.float64)

    lower = np.zeros(n_vars)
    upper = np.full(n_vars, np.inf)
    upper[:n_pairs] = 1.0
    if problem.pinned:
        index = pairs.index()
        pinned = [index[pair] for pair in problem.pinned if pair in index]
        lower[pinned] = 1.0
    upper[count0:short0] = shift_max
    upper[short0:over0] = shift_min
    # target row: hours = target + over - under, so these bounds are exactly hours <= max_hours
    upper[over0:under0] = np.maximum(0.0, max_hours - target)
    lower[under0:] = np.maximum(0.0, target - max_hours)
    integers = np.zeros(n_vars, dtype=bool)
    integers[:n_pairs] = True

    cost = np.zeros(n_vars)
    change_weight = weights.change if problem.has_previous else 0.0
    change_sign = np.where(pairs.previous, -1.0, 1.0)
    cost[:n_pairs] = weights.unpreferred * pairs.unpreferred_hours + change_weight * pairs.hours * change_sign
    cost[short0:over0] = weights.uncovered * shift_hours
    cost[over0:] = weights.target_deviation
    # removing every previous pair costs its hours; the pair variables' negative cost refunds it
    offset = change_weight * sum(problem.shifts[s].hours for s, _ in problem.previous)

    row_parts: list[np.ndarray] = []
    col_parts: list[np.ndarray] = []
    coef_parts: list[np.ndarray] = []
    row_lower: list[np.ndarray] = []
    row_upper: list[np.ndarray] = []
    n_rows = 0

    def add_rows(
        rows: np.ndarray, cols: np.ndarray, coefs: np.ndarray, lo: np.ndarray, hi: np.ndarray
    ) -> None:
        nonlocal n_rows
        row_parts.append(rows + n_rows)
        col_parts.append(cols)
        coef_parts.append(coefs)
        row_lower.append(lo)
        row_upper.append(hi)
        n_rows += len(lo)

    pair_ids = np.arange(n_pairs)
    shift_ids = np.arange(n_shifts)
    # count: y_s - sum x = 0
    add_rows(
        np.r_[shift_ids, pairs.shift],
        np.r_[count0 + shift_ids, pair_ids],
        np.r_[np.ones(n_shifts), -np.ones(n_pairs)],
        np.zeros(n_shifts),
        np.zeros(n_shifts),
    )
    # cover: y_s + short_s >= min_s
    covered = np.flatnonzero(shift_min > 0)
    local = np.arange(len(covered))
    add_rows(
        np.r_[local, local],
        np.r_[count0 + covered, short0 + covered],
        np.ones(2 * len(covered)),
        shift_min[covered],
        np.full(len(covered), np.inf),
    )
    # target: sum h x - over + under = target
    person_ids = np.arange(n_people)
    add_rows(
        np.r_[pairs.person, person_ids, person_ids],
        np.r_[pair_ids, over0 + person_ids, under0 + person_ids],
        np.r_[pairs.hours, -np.ones(n_people), np.ones(n_people)],
        target,
        target,
    )
    # rest and overlap cliques
    clique_rows, clique_pairs = _rest_cliques(pairs, problem.min_rest_hours * HOUR)
    n_cliques = int(clique_rows[-1]) + 1 if len(clique_rows) else 0
    add_rows(
        clique_rows, clique_pairs, np.ones(len(clique_rows)), np.full(n_cliques, -np.inf), np.ones(n_cliques)
    )
    # at most k shifts per person, k the most that fit in max_hours
    card_rows, card_pairs, card_bounds = _cardinality_rows(problem, pairs)
    add_rows(card_rows, card_pairs, np.ones(len(card_rows)), np.full(len(card_bounds), -np.inf), card_bounds)
    if problem.version == 2 and weights.target_deviation:
        residue = _residue_rows(problem, pairs, over0, under0)
        if residue.lower:
            add_rows(
                np.asarray(residue.rows, dtype=np.int64),
                np.asarray(residue.cols, dtype=np.int64),
                np.asarray(residue.coefs),
                np.asarray(residue.lower),
                np.asarray(residue.upper),
            )
    # supervisor ratio
    ratio_rows = _ratio_rows(problem)
    if ratio_rows:
        rows = np.concatenate([np.full(len(c) + len(s), k) for k, (c, s) in enumerate(ratio_rows)])
        cols = np.concatenate([np.r_[c, s] for c, s in ratio_rows]) + count0
        coefs = np.concatenate(
            [np.r_[np.ones(len(c)), np.full(len(s), -float(problem.supervisor_ratio))] for c, s in ratio_rows]
        )
        add_rows(rows, cols, coefs, np.full(len(ratio_rows), -np.inf), np.zeros(len(ratio_rows)))
    if problem.version == 2:
        extra = _version2_rows(problem, pairs, n_vars)
        if extra.lower:
            add_rows(
                np.asarray(extra.rows, dtype=np.int64),
                np.asarray(extra.cols, dtype=np.int64),
                np.asarray(extra.coefs),
                np.asarray(extra.lower),
                np.asarray(extra.upper),
            )
        lower = np.r_[lower, extra.var_lower]
        upper = np.r_[upper, extra.var_upper]
        cost = np.r_[cost, extra.var_cost]
        integers = np.r_[integers, np.zeros(len(extra.var_lower), dtype=bool)]
        n_vars = extra.n_vars

    all_rows = np.concatenate(row_parts)
    all_cols = np.concatenate(col_parts)
    all_coefs = np.concatenate(coef_parts)
    order = np.lexsort((all_cols, all_rows))

    proto = model_pb2.ModelProto(name=problem.name)
    proto.variables.ids.extend(range(n_vars))
    proto.variables.lower_bounds.extend(lower.tolist())
    proto.variables.upper_bounds.extend(upper.tolist())
    proto.variables.integers.extend(integers.tolist())
    nonzero = np.flatnonzero(cost)
    proto.objective.offset = float(offset)
    proto.objective.linear_coefficients.ids.extend(nonzero.tolist())
    proto.objective.linear_coefficients.values.extend(cost[nonzero].tolist())
    proto.linear_constraints.ids.extend(range(n_rows))
    proto.linear_constraints.lower_bounds.extend(np.concatenate(row_lower).tolist())
    proto.linear_constraints.upper_bounds.extend(np.concatenate(row_upper).tolist())
    matrix = proto.linear_constraint_matrix
    matrix.row_ids.extend(all_rows[order].tolist())
    matrix.column_ids.extend(all_cols[order].tolist())
    matrix.coefficients.extend(all_coefs[order].tolist())
    return MipModel(
        proto=proto,
        pairs=pairs,
        count_offset=count0,
        granularity=penalty_granularity(problem, pairs),
        # version 2's LP is degenerate with many optimal rosters: HiGHS's search for an integral one
        # took longer than its root LP; version 1 keeps the measured path
        lp_first=problem.version == 2,
    )
