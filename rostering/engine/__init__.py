"""Roster engine: turns a roster-problem/1 or /2 into the best valid roster it can prove, without Django.

    import threading
    from rostering.engine import PinConflictError, ProblemError, solve

    stop = threading.Event()  # set it from another thread to stop early and keep the best roster
    try:
        solution = solve(problem_dict, seconds=60, workers=2, on_progress=report, stop=stop)
    except ProblemError as error:  # the document breaks the SPEC; str(error) names the entry
        ...
    except PinConflictError as error:  # pinned pairs break hard rules; error.conflicts says which
        ...
    document = solution.to_json()  # roster-solution/1 plus penalty, bound, gap, status, shortfalls

`report` receives :class:`Progress` (elapsed, penalty, bound, source) at each improvement.
"""

from .explain import PinConflict, PinConflictError, Reason, Shortfall, explain_shortfalls, pin_conflicts
from .problem import Problem, ProblemError, load_problem, parse_problem
from .solution import Progress, Solution
from .solver import solve
from .verify import Evaluation, evaluate

__all__ = [
    "Evaluation",
    "PinConflict",
    "PinConflictError",
    "Problem",
    "ProblemError",
    "Progress",
    "Reason",
    "Shortfall",
    "Solution",
    "evaluate",
    "explain_shortfalls",
    "load_problem",
    "parse_problem",
    "pin_conflicts",
    "solve",
]
