"""Group supervision placement: counselors into the day's (or week's) groups. Pure Python, no Django.

Plain data in (sessions with their supervisor and capacity; counselors with the sessions they can attend
and last time's supervisor), plain data out (who goes where, who could not be placed and why).

Objective, in this order of weight:
1. place as many counselors as possible (each at most once, within every group's capacity);
2. keep the fullest group as small as possible (groups balanced across the supervisors leading them);
3. prefer the supervisor the counselor had last time (continuity).
The weights make (1) dominate: one more counselor placed is worth more than any balance or continuity.

Three backends over the same model, measured on the bench (bench/supervision_bench.py):
- "flow" (the default): for a fixed size of the fullest group the constraint matrix is a bipartite incidence
  matrix (totally unimodular), so each such problem is a min-cost flow, solved exactly by OR-Tools'
  network simplex; trying every size (at most 30) and keeping the best proves the optimum. Full scale in about
  a second.
- "mip": the same model as a MIP through MathOpt (HiGHS); "cpsat": CP-SAT. Both are exact in principle but at
  full scale (2,000 counselors, 200 groups, ~110,000 pairs) neither found a placement within 30 s on the
  2-core machine (model building alone took 10-25 s): they are kept for small days and for cross-checking.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

# Reasons a counselor was not placed (codes; the app shows them in words).
NO_SESSION = "no_session"  # no group at a time they are available
ALL_FULL = "all_full"  # every group they could attend is full with people who had fewer choices
NOT_CHOSEN = "not_chosen"  # the solver stopped before placing them (time limit)


@dataclass(frozen=True)
class Session:
    id: int
    supervisor_id: int
    capacity: int


@dataclass(frozen=True)
class Counselor:
    id: int
    available: frozenset[int]  # the session ids they can attend
    last_supervisor_id: int | None = None


@dataclass(frozen=True)
class Weights:
    place: int = 1000
    balance: int = 20  # per counselor in the fullest group
    continuity: int = 5  # per counselor with last time's supervisor


@dataclass
class Placement:
    assignments: dict[int, int]  # counselor id -> session id
    unplaced: dict[int, str]  # counselor id -> reason code
    backend: str
    status: str  # "optimal", "feasible", "infeasible" (never: the empty placement is feasible)
    objective: float
    bound: float
    seconds: float
    continuity: int = 0
    fullest: int = 0
    loads: dict[int, int] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap between the best placement and the proven bound (0: proven optimal)."""
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / max(abs(self.bound), 1e-9))


def _pairs(sessions: list[Session], counselors: list[Counselor]) -> list[tuple[int, int]]:
    known = {s.id for s in sessions if s.capacity > 0}
    return [(c.id, s) for c in counselors for s in sorted(c.available) if s in known]


def evaluate(sessions: list[Session], counselors: list[Counselor], assignments: dict[int, int],
             weights: Weights = Weights()) -> tuple[float, int, int, dict[int, int]]:
    """(objective, continuity, fullest group, loads) of a placement; raises ValueError if it breaks a rule.

    An independent check of any solver's answer: availability, one group each, capacity."""
    by_id = {s.id: s for s in sessions}
    people = {c.id: c for c in counselors}
    loads: dict[int, int] = defaultdict(int)
    continuity = 0
    for counselor_id, session_id in assignments.items():
        counselor = people.get(counselor_id)
        if counselor is None or session_id not in by_id or session_id not in counselor.available:
            raise ValueError(f"counselor {counselor_id} cannot attend session {session_id}")
        loads[session_id] += 1
        continuity += by_id[session_id].supervisor_id == counselor.last_supervisor_id
    for session_id, load in loads.items():
        if load > by_id[session_id].capacity:
            raise ValueError(f"session {session_id} over capacity: {load} > {by_id[session_id].capacity}")
    fullest = max(loads.values(), default=0)
    objective = weights.place * len(assignments) + weights.continuity * continuity - weights.balance * fullest
    return objective, continuity, fullest, dict(loads)


def explain(sessions: list[Session], counselors: list[Counselor], assignments: dict[int, int]) -> dict[int, str]:
    """Why each counselor left out was left out."""
    capacity = {s.id: s.capacity for s in sessions}
    loads: dict[int, int] = defaultdict(int)
    for session_id in assignments.values():
        loads[session_id] += 1
    reasons = {}
    for counselor in counselors:
        if counselor.id in assignments:
            continue
        open_to_them = [s for s in counselor.available if capacity.get(s, 0) > 0]
        if not open_to_them:
            reasons[counselor.id] = NO_SESSION
        elif all(loads[s] >= capacity[s] for s in open_to_them):
            reasons[counselor.id] = ALL_FULL
        else:
            reasons[counselor.id] = NOT_CHOSEN
    return reasons


def place(sessions: list[Session], counselors: list[Counselor], *, backend: str = "flow", seconds: float = 30.0,
          workers: int = 2, weights: Weights = Weights(), relative_gap: float = 1e-4) -> Placement:
    """Place the counselors; `backend` "flow" (exact, min-cost flows), "mip" (MathOpt + HiGHS) or "cpsat"."""
    started = time.perf_counter()
    pairs = _pairs(sessions, counselors)
    if not pairs:
        assignments, status, bound = {}, "optimal", 0.0
    elif backend == "flow":
        assignments, status, bound = _solve_flow(sessions, counselors, pairs, weights)
    elif backend == "cpsat":
        assignments, status, bound = _solve_cpsat(sessions, counselors, pairs, seconds, workers, weights,
                                                  relative_gap)
    elif backend == "mip":
        assignments, status, bound = _solve_mip(sessions, counselors, pairs, seconds, weights, relative_gap)
    else:
        raise ValueError(f"unknown backend {backend!r}")
    objective, continuity, fullest, loads = evaluate(sessions, counselors, assignments, weights)
    if not pairs:
        bound = objective
    return Placement(assignments=assignments, unplaced=explain(sessions, counselors, assignments), backend=backend,
                     status=status, objective=objective, bound=max(bound, objective),
                     seconds=time.perf_counter() - started, continuity=continuity, fullest=fullest, loads=loads)


def _model_parts(sessions, counselors, pairs, weights):
    supervisor = {s.id: s.supervisor_id for s in sessions}
    last = {c.id: c.last_supervisor_id for c in counselors}
    gain = {(c, s): weights.place + (weights.continuity if last[c] is not None and supervisor[s] == last[c] else 0)
            for c, s in pairs}
    by_counselor: dict[int, list] = defaultdict(list)
    by_session: dict[int, list] = defaultdict(list)
    for pair in pairs:
        by_counselor[pair[0]].append(pair)
        by_session[pair[1]].append(pair)
    capacity = {s.id: s.capacity for s in sessions}
    return gain, by_counselor, by_session, capacity


def _solve_cpsat(sessions, counselors, pairs, seconds, workers, weights, relative_gap):
    from ortools.sat.python import cp_model

    gain, by_counselor, by_session, capacity = _model_parts(sessions, counselors, pairs, weights)
    model = cp_model.CpModel()
    x = {pair: model.new_bool_var("") for pair in pairs}
    fullest = model.new_int_var(0, max(capacity.values()), "fullest")
    for group in by_counselor.values():
        model.add_at_most_one(x[p] for p in group)
    for session_id, group in by_session.items():
        load = sum(x[p] for p in group)
        model.add(load <= capacity[session_id])
        model.add(load <= fullest)
    model.maximize(sum(gain[p] * x[p] for p in pairs) - weights.balance * fullest)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = relative_gap
    if workers <= 2:
        # a reduced portfolio on two workers stalls on the bound; the LP subsolver proves it (STACK.md)
        solver.parameters.extra_subsolvers.append("max_lp")
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}, "infeasible", 0.0
    assignments = {c: s for (c, s), var in x.items() if solver.boolean_value(var)}
    status = "optimal" if code == cp_model.OPTIMAL else "feasible"
    return assignments, status, solver.best_objective_bound


def _solve_mip(sessions, counselors, pairs, seconds, weights, relative_gap):
    from ortools.math_opt.python import mathopt

    gain, by_counselor, by_session, capacity = _model_parts(sessions, counselors, pairs, weights)
    model = mathopt.Model(name="group-placement")
    x = {pair: model.add_binary_variable() for pair in pairs}
    fullest = model.add_variable(lb=0, ub=max(capacity.values()), is_integer=True)
    for group in by_counselor.values():
        model.add_linear_constraint(mathopt.fast_sum(x[p] for p in group) <= 1)
    for session_id, group in by_session.items():
        load = mathopt.fast_sum(x[p] for p in group)
        model.add_linear_constraint(load <= capacity[session_id])
        model.add_linear_constraint(load - fullest <= 0)
    model.maximize(mathopt.fast_sum(gain[p] * x[p] for p in pairs) - weights.balance * fullest)
    params = mathopt.SolveParameters(time_limit=timedelta(seconds=seconds), relative_gap_tolerance=relative_gap)
    result = mathopt.solve(model, mathopt.SolverType.HIGHS, params=params)
    if not result.has_primal_feasible_solution():
        return {}, "infeasible", 0.0
    values = result.variable_values()
    assignments = {c: s for (c, s), var in x.items() if values[var] > 0.5}
    reason = result.termination.reason
    status = "optimal" if reason == mathopt.TerminationReason.OPTIMAL else "feasible"
    return assignments, status, result.termination.objective_bounds.dual_bound


def _solve_flow(sessions, counselors, pairs, weights):
    """Exact: one min-cost flow per size of the fullest group; the best of them is the optimum."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    gain, by_counselor, by_session, capacity = _model_parts(sessions, counselors, pairs, weights)
    people = sorted(by_counselor)
    groups = sorted(by_session)
    node_of_person = {c: 2 + i for i, c in enumerate(people)}
    node_of_group = {s: 2 + len(people) + i for i, s in enumerate(groups)}
    source, sink = 0, 1

    def solve(fullest: int):
        flow = min_cost_flow.SimpleMinCostFlow()
        starts = [source] * len(people) + [node_of_person[c] for c, _ in pairs] + [node_of_group[s] for s in groups]
        ends = [node_of_person[c] for c in people] + [node_of_group[s] for _, s in pairs] + [sink] * len(groups)
        caps = [1] * len(people) + [1] * len(pairs) + [min(capacity[s], fullest) for s in groups]
        costs = [0] * len(people) + [-gain[p] for p in pairs] + [0] * len(groups)
        starts.append(source)  # whoever is not placed flows past the groups
        ends.append(sink)
        caps.append(len(people))
        costs.append(0)
        flow.add_arcs_with_capacity_and_unit_cost(np.array(starts), np.array(ends), np.array(caps), np.array(costs))
        supplies = np.zeros(2 + len(people) + len(groups), dtype=np.int64)
        supplies[source], supplies[sink] = len(people), -len(people)
        flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
        if flow.solve() != flow.OPTIMAL:
            raise RuntimeError("min-cost flow did not solve")
        first_pair_arc = len(people)
        chosen = {pairs[i][0]: pairs[i][1] for i in range(len(pairs)) if flow.flow(first_pair_arc + i) > 0}
        return -flow.optimal_cost() - weights.balance * fullest, chosen

    best_value, best = None, {}
    for fullest in range(1, max(capacity.values()) + 1):
        value, chosen = solve(fullest)
        if best_value is None or value > best_value:
            best_value, best = value, chosen
    return best, "optimal", float(best_value)
