"""The Python API the app calls: progress reports, early stop, JSON round trip."""

from __future__ import annotations

import json
import threading

import pytest

from rostering.engine import Solution, load_problem, solve

from .helpers import person, problem, referee, shared_dir, shift


def sample() -> dict:
    return json.loads((shared_dir() / "sample-small.json").read_text())


def test_progress_is_reported_and_solution_is_optimal():
    seen = []
    solution = solve(sample(), seconds=10, on_progress=seen.append)
    assert seen and seen[-1].penalty == solution.penalty
    assert all(b.elapsed >= a.elapsed for a, b in zip(seen, seen[1:], strict=False))
    assert solution.status == "optimal" and solution.gap == 0 and solution.bound == solution.penalty
    report = referee().check(sample(), solution.to_json())
    assert report["valid"] and report["penalty"] == solution.penalty


def test_stop_before_start_keeps_a_valid_roster():
    stop = threading.Event()
    stop.set()
    solution = solve(load_problem(shared_dir() / "sample-small.json"), seconds=10, stop=stop)
    assert solution.status == "feasible"
    assert referee().check(sample(), solution.to_json())["valid"]


def test_stop_from_another_thread_ends_early():
    stop = threading.Event()
    timer = threading.Timer(0.5, stop.set)
    timer.start()
    solution = solve(sample(), seconds=30, stop=stop)
    timer.join()
    assert solution.seconds < 10
    assert referee().check(sample(), solution.to_json())["valid"]


def test_json_round_trip():
    solution = solve(sample(), seconds=5)
    again = Solution.from_json(json.loads(json.dumps(solution.to_json())))
    assert again.assignments == solution.assignments
    assert again.shortfalls == solution.shortfalls
    assert again.penalty == solution.penalty


def test_greedy_alone_builds_around_pins():

    document = problem(
        [shift("c", 0, 4, low=0, high=3), shift("s", 0, 8, channel=None, low=0, high=2)],
        [person(f"c{k}") for k in range(3)] + [person(f"b{k}", role="supervisor") for k in range(2)],
        ratio=2,
        pinned=[{"shift": "c", "person": f"c{k}"} for k in range(3)],
    )
    stop = threading.Event()
    stop.set()
    solution = solve(document, seconds=5, stop=stop)
    assert solution.solver == "greedy"
    assert referee().check(document, solution.to_json())["valid"]


def test_an_exception_in_the_progress_callback_stops_and_is_raised():
    class Cancelled(Exception):
        pass

    def cancel(progress):
        raise Cancelled

    with pytest.raises(Cancelled):
        solve(sample(), seconds=30, on_progress=cancel)
