"""Re-planning keeps the published roster where it can and honours pins."""

from __future__ import annotations

from rostering.engine import solve

from .helpers import pairs_of, person, problem, referee_report, shift


def two_equal_people(**extra) -> dict:
    return problem([shift("c", 0, 4)], [person("ann"), person("bob")], **extra)


def test_previous_roster_is_kept_when_change_costs():
    for keeper in ("ann", "bob"):
        document = two_equal_people(previous=[{"shift": "c", "person": keeper}])
        document["weights"]["change"] = 5
        solution = solve(document, seconds=5)
        assert pairs_of(solution) == {("c", keeper)}
        assert solution.parts["changed_hours"] == 0


def test_change_weight_trades_against_other_penalties():
    # bob is unpreferred during c (10/h); moving to ann costs 2 x 4 h of change at weight 1: cheaper to move
    document = problem(
        [shift("c", 0, 4)],
        [person("ann"), person("bob", unpreferred=((0, 4),))],
        previous=[{"shift": "c", "person": "bob"}],
    )
    document["weights"]["change"] = 1
    solution = solve(document, seconds=5)
    assert pairs_of(solution) == {("c", "ann")}
    report = referee_report(document, solution)
    assert report["parts"]["changed_hours"] == 8
    assert solution.penalty == report["penalty"]


def test_previous_pair_now_impossible_is_dropped_and_counted():
    document = problem(
        [shift("c", 0, 4)],
        [person("ann"), person("bob", available=((10, 20),))],
        previous=[{"shift": "c", "person": "bob"}],
    )
    document["weights"]["change"] = 5
    solution = solve(document, seconds=5)
    assert pairs_of(solution) == {("c", "ann")}
    assert solution.penalty == referee_report(document, solution)["penalty"]


def test_pinned_pair_beats_previous():
    document = two_equal_people(
        previous=[{"shift": "c", "person": "ann"}], pinned=[{"shift": "c", "person": "bob"}]
    )
    document["weights"]["change"] = 5
    solution = solve(document, seconds=5)
    assert ("c", "bob") in pairs_of(solution)
    assert referee_report(document, solution)["valid"]
