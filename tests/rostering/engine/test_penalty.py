"""The penalty's parts, computed by the engine, agree with the referee's."""

from __future__ import annotations

import json
import random

import pytest

from rostering.engine import evaluate, parse_problem, solve
from rostering.engine.model import penalty_granularity
from rostering.engine.pairs import build_pairs

from .helpers import person, problem, referee, shared_dir, shift


def referee_parts(document: dict, assignments: list[tuple[str, str]]) -> dict:
    solution = {
        "format": "roster-solution/1",
        "problem": document["name"],
        "assignments": [{"shift": s, "person": p} for s, p in assignments],
    }
    return referee().check(document, solution)


def engine_parts(document: dict, assignments: list[tuple[str, str]]):
    parsed = parse_problem(document)
    shifts, people = parsed.shift_index(), parsed.person_index()
    return evaluate(parsed, [(shifts[s], people[p]) for s, p in assignments])


@pytest.mark.parametrize("seed", range(5))
def test_random_rosters_of_the_sample_match_the_referee(seed):
    document = json.loads((shared_dir() / "sample-small.json").read_text())
    document["previous"] = [
        {"shift": s["id"], "person": p["id"]}
        for s, p in zip(document["shifts"][::7], document["people"][::3], strict=False)
    ]
    document["weights"]["change"] = 3
    parsed = parse_problem(document)
    pairs = build_pairs(parsed)
    rng = random.Random(seed)
    chosen = rng.sample(range(len(pairs)), k=len(pairs) // 4)
    assignments = [(parsed.shifts[pairs.shift[k]].id, parsed.people[pairs.person[k]].id) for k in chosen]
    report = referee_parts(document, assignments)
    evaluation = engine_parts(document, assignments)
    assert evaluation.parts() == report["parts"]
    assert evaluation.penalty == pytest.approx(report["penalty"])
    assert evaluation.valid == report["valid"]
    # the solver's optimality proof relies on every penalty being a multiple of the granularity
    granularity = penalty_granularity(parsed, pairs)
    assert granularity > 0
    assert evaluation.penalty / granularity == pytest.approx(round(evaluation.penalty / granularity))


def test_each_part_by_hand():
    document = problem(
        [shift("a", 0, 4, low=2, high=2), shift("b", 10, 13, low=1)],
        [person("x", target=10, unpreferred=((2, 5),)), person("y", target=0)],
        uncovered=100,
        unpreferred=10,
        target=1,
        previous=[{"shift": "b", "person": "y"}],
    )
    document["weights"]["change"] = 5
    evaluation = engine_parts(document, [("a", "x"), ("b", "x")])
    # a is one short (4 h), x works 2 unpreferred hours, x is 3 h under target,
    # b/y removed (3 h) and a/x, b/x added (4 h + 3 h)
    assert evaluation.parts() == {
        "uncovered_hours": 4.0,
        "unpreferred_hours": 2.0,
        "target_deviation_hours": 3.0,
        "changed_hours": 10.0,
    }
    assert evaluation.penalty == 100 * 4 + 10 * 2 + 3 + 5 * 10
    assert evaluation.penalty == referee_parts(document, [("a", "x"), ("b", "x")])["penalty"]


def test_empty_previous_makes_every_assignment_a_change():
    document = problem([shift("a", 0, 4)], [person("x")], previous=[])
    document["weights"]["change"] = 1
    assert engine_parts(document, [("a", "x")]).changed_hours == 4.0
    assert referee_parts(document, [("a", "x")])["parts"]["changed_hours"] == 4.0


def test_fractional_hours_keep_an_exact_granularity_and_optimality():
    # a 20-minute unpreferred window: penalties move in steps of 2/3, not whole numbers
    document = problem([shift("a", 0, 4)], [person("x", unpreferred=((0, 1 / 3),), target=0)])
    parsed = parse_problem(document)
    assert penalty_granularity(parsed, build_pairs(parsed)) == pytest.approx(2 / 3)
    solution = solve(document, seconds=5)
    assert solution.status == "optimal"
    assert solution.penalty == pytest.approx(referee_parts(document, list(solution.assignments))["penalty"])
