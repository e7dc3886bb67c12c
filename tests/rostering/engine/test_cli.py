"""The command line, end to end, judged by the referee."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .helpers import person, problem, shared_dir, shift

REPO = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "rostering.engine", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=REPO,
    )


def test_solve_sample_then_referee_accepts(tmp_path):
    output = tmp_path / "solution.json"
    sample = shared_dir() / "sample-small.json"
    result = run("solve", str(sample), "--seconds", "5", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "penalty" in result.stderr and "bound" in result.stderr
    solution = json.loads(output.read_text())
    assert {"format", "problem", "assignments", "penalty", "bound", "seconds", "status"} <= solution.keys()
    referee = subprocess.run(
        [sys.executable, str(shared_dir() / "check_roster.py"), str(sample), str(output)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert referee.returncode == 0, referee.stdout
    assert json.loads(referee.stdout)["penalty"] == solution["penalty"]


def test_solve_to_stdout_and_check_subcommand(tmp_path):
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(json.dumps(problem([shift("c", 0, 4)], [person("ann")])))
    result = run("solve", str(problem_path), "--seconds", "2")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["assignments"] == [{"shift": "c", "person": "ann"}]
    solution_path = tmp_path / "solution.json"
    solution_path.write_text(result.stdout)
    check = run("check", str(problem_path), str(solution_path))
    assert check.returncode == 0
    assert json.loads(check.stdout)["valid"] is True


def test_bad_input_exits_2_without_traceback(tmp_path):
    document = problem([shift("c", 0, 4, low=3, high=2)], [person("ann")])
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(document))
    result = run("solve", str(path), "--seconds", "2")
    assert result.returncode == 2
    assert result.stderr.strip() == 'error: shifts[0] (id "c"): min 3 > max 2'
    assert result.stdout == ""


def test_infeasible_pins_exit_1_and_write_nothing(tmp_path):
    document = problem(
        [shift("a", 0, 4), shift("b", 2, 6)],
        [person("x")],
        pinned=[{"shift": "a", "person": "x"}, {"shift": "b", "person": "x"}],
    )
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(document))
    output = tmp_path / "solution.json"
    result = run("solve", str(path), "--seconds", "2", "--output", str(output))
    assert result.returncode == 1
    assert not output.exists()
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("infeasible:") and "a and b" in line


def test_check_reports_an_invalid_roster_with_exit_1(tmp_path):
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(json.dumps(problem([shift("a", 0, 4), shift("b", 2, 6)], [person("x")])))
    solution_path = tmp_path / "solution.json"
    solution_path.write_text(
        json.dumps(
            {
                "format": "roster-solution/1",
                "problem": "tiny",
                "assignments": [{"shift": "a", "person": "x"}, {"shift": "b", "person": "x"}],
            }
        )
    )
    check = run("check", str(problem_path), str(solution_path))
    assert check.returncode == 1
    assert json.loads(check.stdout)["violations"] == ["5-overlap-or-rest: x: a then b"]
