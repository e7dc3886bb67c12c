"""Solve a roster problem: greedy first roster, then the MIP with HiGHS (through MathOpt).

Why HiGHS: the LP relaxation of this assignment model is nearly tight, so an LP-based
branch-and-bound proves the optimum at the root where CP-SAT's bound stays weak
(see bench/README.md for the measurements).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import numpy as np
from ortools.math_opt import model_parameters_pb2, result_pb2
from ortools.math_opt.core.python import solver as core_solver
from ortools.math_opt.python import callback, init_arguments, mathopt
from ortools.util.python.solve_interrupter import SolveInterrupter

from .explain import PinConflict, PinConflictError, explain_shortfalls, pin_conflicts
from .greedy import greedy_roster
from .model import MipModel, build_model
from .pairs import Pairs, build_pairs
from .problem import Problem, parse_problem
from .solution import Progress, Solution
from .verify import Assignment, evaluate

ProgressCallback = Callable[[Progress], None]

# a HiGHS branch-and-bound log line: source, nodes..., "12.5%", best bound, best solution, gap, ...
_HIGHS_PROGRESS = re.compile(
    r"^\s*[A-Za-z]?\s+\d+\s+\d+\s+\d+\s+[\d.]+%\s+(?P<bound>\S+)\s+(?P<solution>\S+)\s+\S+"
)
POSTPROCESS_SECONDS = 0.4  # kept back from the time limit to check and explain the roster


def _finite(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _Tracker:
    """Keeps the best penalty and bound seen and reports each improvement."""

    def __init__(self, started: float, on_progress: ProgressCallback | None, granularity: float = 0.0):
        self.started = started
        self.on_progress = on_progress
        self.granularity = granularity
        self.penalty: float | None = None
        self.bound: float | None = None
        self.first_roster: float | None = None

    def rounded_bound(self, bound: float) -> float:
        """Every penalty is a multiple of the granularity, so the bound rounds up to the next one."""
        if self.granularity:
            bound = math.ceil(bound / self.granularity - 1e-6) * self.granularity
        return round(bound, 6)

    def report(self, source: str, penalty: float | None = None, bound: float | None = None) -> None:
        improved = False
        if penalty is not None and (self.penalty is None or penalty < self.penalty - 1e-9):
            self.penalty = penalty
            improved = True
            if self.first_roster is None:
                self.first_roster = time.perf_counter() - self.started
        if bound is not None:
            bound = self.rounded_bound(bound)
            if self.penalty is not None:
                bound = min(bound, self.penalty)
            if self.bound is None or bound > self.bound + 1e-9:
                self.bound = bound
                improved = True
        if improved and self.on_progress is not None:
            self.on_progress(Progress(round(time.perf_counter() - self.started, 3), self.penalty, self.bound, source))

    def highs_log(self, lines: list[str]) -> None:
        for line in lines:
            match = _HIGHS_PROGRESS.match(line)
            if match:
                self.report("highs", penalty=_finite(match["solution"]), bound=_finite(match["bound"]))


def _solve_mip(model: MipModel, hint: list[int], seconds: float, workers: int, tracker: _Tracker,
               stop: threading.Event | None) -> result_pb2.SolveResultProto | None:
    """Run HiGHS on the model for at most `seconds`; None when there is no time or `stop` is set."""
    if seconds <= 0 or (stop is not None and stop.is_set()):
        return None
    params = mathopt.SolveParameters(
        time_limit=timedelta(seconds=seconds),
        relative_gap_tolerance=0.0,
        # penalties are multiples of the granularity: closing the gap below it proves optimality
        absolute_gap_tolerance=0.5 * model.granularity if model.granularity else 1e-6,
        enable_output=True,
        threads=max(1, workers),
    )
    # an interior-point root LP is several times faster than dual simplex on the multi-week models
    params.highs.string_options["mip_lp_solver"] = "ipm"
    model_params = model_parameters_pb2.ModelSolveParametersProto()
    if hint:
        model_params.solution_hints.add().variable_values.ids.extend(hint)
        model_params.solution_hints[0].variable_values.values.extend([1.0] * len(hint))
    interrupter = SolveInterrupter()
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(0.05):
            if stop is not None and stop.is_set():
                interrupter.interrupt()
                return

    watcher = threading.Thread(target=watch, daemon=True) if stop is not None else None
    if watcher:
        watcher.start()
    try:
        return core_solver.solve(
            model.proto, mathopt.SolverType.HIGHS.value,
            init_arguments.StreamableSolverInitArguments().to_proto(),
            params.to_proto(), model_params, tracker.highs_log,
            callback.CallbackRegistration().to_proto(), None, interrupter.pybind_interrupter,
        )
    finally:
        finished.set()
        if watcher:
            watcher.join()


def _mip_assignments(result: result_pb2.SolveResultProto, pairs: Pairs) -> list[Assignment] | None:
    for candidate in result.solutions:
        if candidate.HasField("primal_solution"):
            values = candidate.primal_solution.variable_values
            ids = np.asarray(values.ids, dtype=np.int64)
            chosen = ids[(np.asarray(values.values) > 0.5) & (ids < len(pairs))]
            return sorted(zip(pairs.shift[chosen].tolist(), pairs.person[chosen].tolist()))
    return None


def solve(
    problem: dict | Problem,
    *,
    seconds: float,
    workers: int = 2,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> Solution:
    """Return the best valid roster found within `seconds`, with its penalty and a proven lower bound.

    `problem` is a roster-problem/1 document (dict) or a parsed :class:`Problem`. `on_progress`
    is called from the solving thread at each improvement. Setting `stop` from another thread
    ends the search early and keeps the best roster so far.

    Raises ProblemError for an invalid document and PinConflictError when the pinned pairs
    break a hard rule (no roster is possible then).
    """
    started = time.perf_counter()
    if not isinstance(problem, Problem):
        problem = parse_problem(problem)
    tracker = _Tracker(started, on_progress)
    pairs = build_pairs(problem)
    conflicts = pin_conflicts(problem, pairs)
    if conflicts:
        raise PinConflictError(conflicts)
    model = build_model(problem, pairs)
    build_seconds = time.perf_counter() - started
    tracker.granularity = model.granularity

    best = greedy_roster(problem, pairs)
    best_eval = evaluate(problem, best)
    if not best_eval.valid:  # a bug in the greedy: fall back to the pinned pairs alone
        best = sorted(problem.pinned)
        best_eval = evaluate(problem, best)
    solver_name = "greedy"
    tracker.report("greedy", penalty=best_eval.penalty)

    index = pairs.index()
    hint = [index[pair] for pair in best]
    remaining = seconds - (time.perf_counter() - started) - POSTPROCESS_SECONDS
    result = _solve_mip(model, hint, remaining, workers, tracker, stop)
    bound = None
    if result is not None:
        reason = result.termination.reason
        if reason in (result_pb2.TERMINATION_REASON_INFEASIBLE, result_pb2.TERMINATION_REASON_INFEASIBLE_OR_UNBOUNDED):
            if problem.pinned:
                raise PinConflictError([PinConflict(
                    "combined", tuple((problem.shifts[s].id, problem.people[p].id) for s, p in problem.pinned),
                    "the pinned pairs cannot all be kept together with the hard rules "
                    "(the supervisor ratio or rest around them)")])
        mip_roster = _mip_assignments(result, pairs)
        if mip_roster is not None:
            mip_eval = evaluate(problem, mip_roster)
            if mip_eval.valid and mip_eval.penalty <= best_eval.penalty + 1e-9:
                best, best_eval, solver_name = mip_roster, mip_eval, "highs"
        dual = result.termination.objective_bounds.dual_bound
        if math.isfinite(dual):
            bound = tracker.rounded_bound(dual)
        tracker.report("highs", penalty=best_eval.penalty, bound=dual if math.isfinite(dual) else None)
    if bound is not None:
        bound = min(bound, best_eval.penalty)
    status = "optimal" if bound is not None and best_eval.penalty <= bound + 1e-6 else "feasible"
    return Solution(
        problem=problem.name,
        assignments=tuple((problem.shifts[s].id, problem.people[p].id) for s, p in best),
        penalty=best_eval.penalty,
        bound=bound,
        seconds=time.perf_counter() - started,
        status=status,
        parts=best_eval.parts(),
        shortfalls=tuple(explain_shortfalls(problem, pairs, best)),
        solver=solver_name,
        build_seconds=build_seconds,
        first_roster_seconds=tracker.first_roster,
    )
