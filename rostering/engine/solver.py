"""Solve a roster problem: greedy first roster, then the MIP with HiGHS (through MathOpt).

Why HiGHS: the LP relaxation of this assignment model is nearly tight, so an LP-based
branch-and-bound proves the optimum at the root where CP-SAT's bound stays weak
(see bench/README.md for the measurements).
"""

from __future__ import annotations

import math
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import numpy as np
from ortools.math_opt import model_parameters_pb2, model_pb2, result_pb2
from ortools.math_opt.core.python import solver as core_solver
from ortools.math_opt.python import callback, init_arguments, mathopt
from ortools.util.python.solve_interrupter import SolveInterrupter

from .explain import PinConflict, PinConflictError, explain_shortfalls, pin_conflicts
from .greedy import greedy_roster
from .model import MipModel, build_model
from .pairs import Pairs, build_pairs
from .problem import Problem, parse_problem
from .solution import Progress, Solution
from .verify import Assignment, Evaluation, evaluate

ProgressCallback = Callable[[Progress], None]

# a HiGHS branch-and-bound log line: source, nodes..., "12.5%", best bound, best solution, gap, ...
_HIGHS_PROGRESS = re.compile(
    r"^\s*[A-Za-z]?\s+\d+\s+\d+\s+\d+\s+[\d.]+%\s+(?P<bound>\S+)\s+(?P<solution>\S+)\s+\S+"
)
POSTPROCESS_SECONDS = 0.4  # kept back from the time limit to check and explain the roster
ABANDON_AFTER = 0.3  # seconds HiGHS gets to honour an interrupt before the caller moves on


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
        self.lock = threading.Lock()  # reports come from the greedy and the solver threads
        self.closed = False
        self.callback_error: Exception | None = None

    def rounded_bound(self, bound: float) -> float:
        """Every penalty is a multiple of the granularity, so the bound rounds up to the next one."""
        if self.granularity:
            bound = math.ceil(bound / self.granularity - 1e-6) * self.granularity
        return round(bound, 6)

    def report(self, source: str, penalty: float | None = None, bound: float | None = None) -> None:
        with self.lock:
            if not self.closed:
                self._report(source, penalty, bound)

    def close(self) -> None:
        """No more reports: an abandoned HiGHS thread may still log after solve() returned."""
        with self.lock:
            self.closed = True

    def _report(self, source: str, penalty: float | None, bound: float | None) -> None:
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
            progress = Progress(
                round(time.perf_counter() - self.started, 3), self.penalty, self.bound, source
            )
            try:
                self.on_progress(progress)
            except Exception as error:  # noqa: BLE001 - must not unwind through HiGHS; re-raised by solve()
                self.callback_error = error
                self.on_progress = None

    def highs_penalties(self, lines: list[str]) -> None:
        """A restricted problem's log: its rosters are valid for the whole problem, its bounds are not."""
        for line in lines:
            match = _HIGHS_PROGRESS.match(line)
            if match:
                self.report("highs", penalty=_finite(match["solution"]))

    def highs_log(self, lines: list[str]) -> None:
        for line in lines:
            match = _HIGHS_PROGRESS.match(line)
            if match:
                self.report("highs", penalty=_finite(match["solution"]), bound=_finite(match["bound"]))


_ABANDONED: list[threading.Thread] = []  # HiGHS runs the caller stopped waiting for


def solver_threads_running() -> bool:
    """Whether an abandoned HiGHS run is still going. Interpreter shutdown under a running HiGHS
    thread aborts the process (std::terminate), so a command line that exits right after solve()
    must then leave with os._exit (see __main__.py)."""
    return any(thread.is_alive() for thread in _ABANDONED)


def exit_now(code: int) -> None:
    """Flush and exit with `code`, skipping interpreter shutdown when HiGHS is still running."""
    sys.stdout.flush()
    sys.stderr.flush()
    if solver_threads_running():
        os._exit(code)
    sys.exit(code)


IPM_FROM_NONZEROS = 60_000  # measured: dual simplex wins on one week (49 k), interior point from two


def highs_options(model: MipModel) -> dict[str, str]:
    """HiGHS settings measured on make_instance.py shapes (CPU seconds, see bench/README.md).

    Presolve removes only ~10% of this model and costs more than it saves on every instance.
    The root LP decides the run time: dual simplex is fastest on one week but grows
    superlinearly (39 s on four weeks), the interior-point method takes 7.9 s there.
    """
    options = {"presolve": "off"}
    if len(model.proto.linear_constraint_matrix.row_ids) >= IPM_FROM_NONZEROS:
        options["mip_lp_solver"] = "ipm"
    return options


class _HighsRun:
    """HiGHS on a daemon thread that the caller can abandon.

    HiGHS only polls its interrupter between LP solves, so a root LP of several seconds would
    hold up `stop` and the time limit; the caller stops waiting instead and the thread ends at
    HiGHS's next check.
    """

    def __init__(self, model: MipModel, tracker: _Tracker):
        self.model = model
        self.tracker = tracker
        self.interrupter = SolveInterrupter()
        self.result: result_pb2.SolveResultProto | None = None
        self.error: Exception | None = None
        self.thread: threading.Thread | None = None
        self.name = "highs"  # "highs-lp" when the LP and its rounding proved the optimum
        # LP first (version 2): the rounded roster and the LP's bound, kept when the rounding falls short
        self.incumbent: result_pb2.SolveResultProto | None = None
        self.lp_bound: float | None = None

    def start(self, seconds: float) -> None:
        if seconds > 0:
            self.thread = threading.Thread(target=self._run, args=(seconds,), daemon=True, name="highs")
            self.thread.start()

    def _run(self, seconds: float) -> None:
        started = time.perf_counter()
        try:
            if self.model.lp_first:
                self.result = self._lp_first(seconds)
                if self.result is not None or self.interrupter.interrupted:
                    return
            result = self._solve(
                self.model.proto,
                seconds - (time.perf_counter() - started),
                self.tracker.highs_log,
                hint=self._hint(),
            )
            self.result = self._with_incumbent(result)
        except Exception as error:  # noqa: BLE001 - reported to the caller, who keeps the greedy roster
            self.error = error

    def _solve(
        self,
        proto: model_pb2.ModelProto,
        seconds: float,
        log: Callable[[list[str]], None] | None,
        options: dict[str, str] | None = None,
        hint: model_parameters_pb2.SolutionHintProto | None = None,
    ) -> result_pb2.SolveResultProto:
        params = mathopt.SolveParameters(
            time_limit=timedelta(seconds=max(seconds, 0.01)),
            relative_gap_tolerance=0.0,
            # penalties are multiples of the granularity: closing the gap below it proves optimality
            absolute_gap_tolerance=0.5 * self.model.granularity if self.model.granularity else 1e-6,
            enable_output=log is not None,
        )
        for option, value in (options if options is not None else highs_options(self.model)).items():
            params.highs.string_options[option] = value
        return core_solver.solve(
            proto,
            mathopt.SolverType.HIGHS.value,
            init_arguments.StreamableSolverInitArguments().to_proto(),
            params.to_proto(),
            # a hint only when it is a whole roster (from the LP's rounding): HiGHS completes partial
            # hints with a sub-MIP that costs more than it saves
            model_parameters_pb2.ModelSolveParametersProto(solution_hints=[hint] if hint else []),
            log,
            callback.CallbackRegistration().to_proto(),
            None,
            self.interrupter.pybind_interrupter,
        )

    def _lp_first(self, seconds: float) -> result_pb2.SolveResultProto | None:
        """The LP relaxation, then the MIP over its fractional pairs only (the others fixed at their LP
        value). The LP's bound is valid for the whole problem, so a rounded roster that meets it is
        proven optimal without the full branch-and-bound, which spends most of its time finding a
        roster among the many optimal ones of a degenerate LP. None: the rounding fell short."""
        started = time.perf_counter()
        relaxed = model_pb2.ModelProto()
        relaxed.CopyFrom(self.model.proto)
        integers = np.asarray(relaxed.variables.integers, dtype=bool)
        relaxed.variables.integers[:] = [False] * len(integers)
        options = dict(highs_options(self.model))
        if options.pop("mip_lp_solver", None):
            options["solver"] = "ipm"
        lp = self._solve(relaxed, seconds, None, options)
        if lp.termination.reason != result_pb2.TERMINATION_REASON_OPTIMAL or not lp.solutions:
            return None
        bound = lp.termination.objective_bounds.dual_bound
        self.tracker.report("highs-lp", bound=bound)
        values = np.zeros(len(integers))
        vector = lp.solutions[0].primal_solution.variable_values
        values[np.asarray(vector.ids, dtype=np.int64)] = vector.values
        rounded = np.round(values)
        integral = integers & (np.abs(values - rounded) <= 1e-6)
        self.lp_bound = bound
        pairs = self.model.pairs
        fractional = np.flatnonzero(integers & ~integral)
        # first only the fractional pairs are free; then every pair of the people concerned
        widened = np.zeros(len(integers), dtype=bool)
        widened[: len(pairs)] = np.isin(pairs.person, pairs.person[fractional[fractional < len(pairs)]])
        for fixed in (integral, integral & ~widened):
            result = self._round(fixed, rounded, bound, seconds - (time.perf_counter() - started))
            if result is not None or self.interrupter.interrupted:
                return result
            if not widened.any():
                break
        return None

    def _round(
        self, fixed: np.ndarray, values: np.ndarray, bound: float, seconds: float
    ) -> result_pb2.SolveResultProto | None:
        """The MIP with the `fixed` variables at their LP `values`: its roster when it meets the LP's
        `bound`, else None (the roster kept as the incumbent when it is the best so far)."""
        restricted = model_pb2.ModelProto()
        restricted.CopyFrom(self.model.proto)
        lower = np.asarray(restricted.variables.lower_bounds)
        upper = np.asarray(restricted.variables.upper_bounds)
        lower[fixed] = upper[fixed] = values[fixed]
        restricted.variables.lower_bounds[:] = lower.tolist()
        restricted.variables.upper_bounds[:] = upper.tolist()
        # HiGHS's presolve removes the fixed columns: what is left is small
        sub = self._solve(restricted, seconds, self.tracker.highs_penalties, {"presolve": "on"})
        if not sub.solutions or not sub.solutions[0].HasField("primal_solution"):
            return None
        # the restricted problem's own bound says nothing about the whole one: the LP's does
        sub.termination.objective_bounds.dual_bound = bound
        penalty = sub.solutions[0].primal_solution.objective_value
        if penalty > self.tracker.rounded_bound(bound) + 1e-6:
            best = self.incumbent
            if best is None or penalty < best.solutions[0].primal_solution.objective_value - 1e-9:
                self.incumbent = sub  # the full MIP starts from the best of these rosters
            return None
        self.name = "highs-lp"
        return sub

    def _hint(self) -> model_parameters_pb2.SolutionHintProto | None:
        if self.incumbent is None:
            return None
        return model_parameters_pb2.SolutionHintProto(
            variable_values=self.incumbent.solutions[0].primal_solution.variable_values
        )

    def _with_incumbent(self, result: result_pb2.SolveResultProto) -> result_pb2.SolveResultProto:
        """The full MIP's result, keeping the LP's bound and the rounded roster where they are better."""
        if self.incumbent is None:
            return result
        bounds = result.termination.objective_bounds
        bounds.dual_bound = max(bounds.dual_bound, self.lp_bound)
        if not any(candidate.HasField("primal_solution") for candidate in result.solutions):
            result.solutions.extend(self.incumbent.solutions)
        return result

    def wait(self, deadline: float, stop: threading.Event | None) -> result_pb2.SolveResultProto | None:
        """The result, or None when HiGHS did not run or was abandoned at `stop` or past `deadline`
        (then the LP-first rounding's roster and bound when there are)."""
        if self.thread is None:
            return None
        interrupted_at = None
        while self.thread.is_alive():
            self.thread.join(0.05)
            now = time.perf_counter()
            stopping = (stop is not None and stop.is_set()) or self.tracker.callback_error is not None
            if interrupted_at is None and (stopping or now > deadline):
                self.interrupter.interrupt()
                interrupted_at = now
            if interrupted_at is not None and now - interrupted_at > ABANDON_AFTER:
                _ABANDONED.append(self.thread)
                return self.incumbent  # the rounded roster and the LP's bound, when there are
        if self.error is not None:
            raise self.error
        return self.result


def _mip_assignments(result: result_pb2.SolveResultProto, pairs: Pairs) -> list[Assignment] | None:
    for candidate in result.solutions:
        if candidate.HasField("primal_solution"):
            values = candidate.primal_solution.variable_values
            ids = np.asarray(values.ids, dtype=np.int64)
            chosen = ids[(np.asarray(values.values) > 0.5) & (ids < len(pairs))]
            return sorted(zip(pairs.shift[chosen].tolist(), pairs.person[chosen].tolist(), strict=True))
    return None


def _combined_pin_conflict(problem: Problem, violations: tuple[str, ...] = ()) -> PinConflict:
    detail = f" ({'; '.join(violations[:3])})" if violations else " (the supervisor ratio around them)"
    return PinConflict(
        "combined",
        tuple((problem.shifts[s].id, problem.people[p].id) for s, p in problem.pinned),
        "the pinned pairs cannot all be kept together with the hard rules" + detail,
    )


def _search(
    problem: Problem,
    pairs: Pairs,
    highs: _HighsRun,
    time_limit: float,
    workers: int,
    stop: threading.Event | None,
) -> tuple[list[Assignment], Evaluation, float | None, str]:
    """Greedy and HiGHS: the best valid roster found, its evaluation, the proven bound, its source."""
    tracker = highs.tracker
    # HiGHS stops itself at `deadline`; it is abandoned if it has not returned ABANDON_AFTER later
    deadline = time_limit - POSTPROCESS_SECONDS - ABANDON_AFTER
    # HiGHS releases the GIL: with two workers it runs beside the greedy instead of after it
    if workers >= 2 and not (stop is not None and stop.is_set()):
        highs.start(deadline - time.perf_counter())
    best = greedy_roster(problem, pairs)
    best_eval = evaluate(problem, best)
    solver_name = "greedy"
    if best_eval.valid:
        tracker.report("greedy", penalty=best_eval.penalty)
    if workers < 2 and not (stop is not None and stop.is_set()):
        highs.start(deadline - time.perf_counter())
    try:
        result = highs.wait(deadline, stop)
    except Exception as error:  # noqa: BLE001 - the greedy roster stands if the MIP solver fails
        return best, best_eval, None, f"greedy (HiGHS failed: {error})"
    if result is None:
        return best, best_eval, None, solver_name
    if result.termination.reason in (
        result_pb2.TERMINATION_REASON_INFEASIBLE,
        result_pb2.TERMINATION_REASON_INFEASIBLE_OR_UNBOUNDED,
    ):
        raise PinConflictError([_combined_pin_conflict(problem)])
    mip_roster = _mip_assignments(result, pairs)
    if mip_roster is not None:
        mip_eval = evaluate(problem, mip_roster)
        if mip_eval.valid and (not best_eval.valid or mip_eval.penalty <= best_eval.penalty + 1e-9):
            best, best_eval, solver_name = mip_roster, mip_eval, highs.name
    dual = result.termination.objective_bounds.dual_bound
    if not math.isfinite(dual):
        return best, best_eval, None, solver_name
    tracker.report("highs", penalty=best_eval.penalty, bound=dual)
    return best, best_eval, tracker.rounded_bound(dual), solver_name


def solve(
    problem: dict | Problem,
    *,
    seconds: float,
    workers: int = 2,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> Solution:
    """Return the best valid roster found within `seconds`, with its penalty and a proven lower bound.

    `problem` is a roster-problem/1 or /2 document (dict) or a parsed :class:`Problem`. `workers` >= 2
    runs HiGHS (single-threaded branch-and-bound) beside the greedy first roster; 1 runs them in
    turn. `on_progress` is called at each improvement, from the calling thread or the solver's
    thread (never both at once); an exception it raises stops the search and is re-raised here.
    Setting `stop` from another thread ends the search early and keeps the best roster so far;
    HiGHS polls it only between LP solves, so a long root LP is abandoned (it finishes on a
    daemon thread) rather than waited for.

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

    highs = _HighsRun(model, tracker)
    try:
        best, best_eval, bound, solver_name = _search(problem, pairs, highs, started + seconds, workers, stop)
    finally:
        tracker.close()
        highs.interrupter.interrupt()  # a no-op when HiGHS has returned; ends an abandoned run early
    if tracker.callback_error is not None:
        raise tracker.callback_error
    if not best_eval.valid:
        # only pinned pairs the greedy could not build around get here: no valid roster was found
        raise PinConflictError([_combined_pin_conflict(problem, best_eval.violations)])
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
