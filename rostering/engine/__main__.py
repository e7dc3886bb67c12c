"""Command line: solve or check roster files without a database.

    python -m rostering.engine solve PROBLEM.json --seconds N [--workers K] [--output SOLUTION.json]
    python -m rostering.engine check PROBLEM.json SOLUTION.json

Exit status: 0 roster written (or valid), 1 infeasible pins (or invalid roster), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from .explain import PinConflictError, explain_shortfalls
from .pairs import build_pairs
from .problem import SOLUTION_FORMAT, ProblemError, load_problem
from .solution import Progress, number_text
from .solver import exit_now, solve
from .verify import evaluate

EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2


def _print_progress(progress: Progress) -> None:
    print(progress.line(), file=sys.stderr, flush=True)


def _write(document: dict, output: str | None) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _solve_command(args: argparse.Namespace) -> int:
    problem = load_problem(args.problem)
    stop = threading.Event()
    # Ctrl-C ends the search early and still writes the best roster
    previous_handler = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        solution = solve(
            problem, seconds=args.seconds, workers=args.workers, on_progress=_print_progress, stop=stop
        )
    except PinConflictError as error:
        print(f"infeasible: {error}", file=sys.stderr)
        return EXIT_INFEASIBLE
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    _write(solution.to_json(), args.output)
    gap = "-" if solution.gap is None else f"{100 * solution.gap:.3f}%"
    print(
        f"{solution.status}: penalty {number_text(solution.penalty)}, bound {number_text(solution.bound)}, "
        f"gap {gap}, "
        f"{len(solution.assignments)} assignments, {len(solution.shortfalls)} shifts short, "
        f"{solution.seconds:.2f}s",
        file=sys.stderr,
    )
    return EXIT_OK


def _check_command(args: argparse.Namespace) -> int:
    problem = load_problem(args.problem)
    try:
        document = json.loads(Path(args.solution).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ProblemError(f"{args.solution}: cannot read a JSON solution ({error})") from None
    if not isinstance(document, dict) or document.get("format") != SOLUTION_FORMAT:
        raise ProblemError(f"{args.solution}: format is not {SOLUTION_FORMAT!r}")
    shifts, people = problem.shift_index(), problem.person_index()
    assignments = []
    for k, item in enumerate(document.get("assignments", [])):
        if not isinstance(item, dict) or item.get("shift") not in shifts or item.get("person") not in people:
            raise ProblemError(f"assignments[{k}]: unknown shift or person {item!r}")
        assignments.append((shifts[item["shift"]], people[item["person"]]))
    evaluation = evaluate(problem, assignments)
    shortfalls = explain_shortfalls(problem, build_pairs(problem), assignments)
    _write(
        {
            "valid": evaluation.valid,
            "violations": list(evaluation.violations),
            "penalty": evaluation.penalty,
            "parts": evaluation.parts(),
            "shortfalls": [s.to_json() for s in shortfalls],
        },
        None,
    )
    return EXIT_OK if evaluation.valid else EXIT_INFEASIBLE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rostering.engine", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    solve_parser = commands.add_parser("solve", help="write the best roster found in the time given")
    solve_parser.add_argument("problem", help="roster-problem/1 or /2 JSON file")
    solve_parser.add_argument("--seconds", type=float, required=True, help="time limit")
    solve_parser.add_argument("--workers", type=int, default=2, help="solver threads (default 2)")
    solve_parser.add_argument("--output", help="solution file (default: stdout)")
    solve_parser.set_defaults(run=_solve_command)
    check_parser = commands.add_parser("check", help="check a roster's hard rules, penalty and shortfalls")
    check_parser.add_argument("problem")
    check_parser.add_argument("solution")
    check_parser.set_defaults(run=_check_command)
    args = parser.parse_args(argv)
    if getattr(args, "seconds", 1) is not None and getattr(args, "seconds", 1) <= 0:
        parser.error("--seconds must be positive")
    try:
        return args.run(args)
    except ProblemError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    exit_now(main())
