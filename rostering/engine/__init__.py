"""Roster engine: turns a roster-problem/1 into the best valid roster it can prove, without Django.

    from rostering.engine import solve
    solution = solve(problem_dict, seconds=30, on_progress=print, stop=threading.Event())
    document = solution.to_json()
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
