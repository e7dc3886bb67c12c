"""Property: on random small problems every roster written passes the referee with the same penalty."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rostering.engine import PinConflictError, parse_problem, solve

from .helpers import at, greedy_judged, referee

CHANNELS = ("voice", "text")


@st.composite
def problems(draw) -> dict:
    shifts = []
    for k in range(draw(st.integers(1, 8))):
        start = draw(st.integers(0, 40))
        length = draw(st.sampled_from((3, 4, 8)))
        supervisor = draw(st.booleans()) and length == 8
        low = draw(st.integers(0, 3))
        shifts.append(
            {
                "id": f"s{k}",
                "role": "supervisor" if supervisor else "counselor",
                "channel": None if supervisor else draw(st.sampled_from(CHANNELS)),
                "start": at(start),
                "end": at(start + length),
                "min": low,
                "max": low + draw(st.integers(0, 2)),
            }
        )
    people = []
    for k in range(draw(st.integers(1, 7))):
        role = draw(st.sampled_from(("counselor", "counselor", "supervisor")))
        offset = draw(st.sampled_from((-5, 0, 8)))
        windows = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, 44))
            windows.append([at(start, offset), at(start + draw(st.integers(2, 14)), offset)])
        unpreferred = []
        if windows and draw(st.booleans()):
            start = draw(st.floats(0, 44)).__round__(2)
            unpreferred.append([at(start, offset), at(start + 2.5, offset)])
        people.append(
            {
                "id": f"p{k}",
                "role": role,
                "channels": list(draw(st.sets(st.sampled_from(CHANNELS), min_size=1)))
                if role == "counselor"
                else [],
                "max_hours": draw(st.sampled_from((3, 4, 8, 12, 40))),
                "target_hours": draw(st.integers(0, 16)),
                "available": windows,
                "unpreferred": unpreferred,
            }
        )
    document = {
        "format": "roster-problem/1",
        "name": "random",
        "timezone": "UTC",
        "horizon": {"start": at(0), "end": at(72)},
        "rules": {
            "supervisor_ratio": draw(st.sampled_from((None, 1, 2, 3))),
            "min_rest_hours": draw(st.sampled_from((0, 2, 8, 10.5))),
        },
        "weights": {
            "uncovered": draw(st.sampled_from((0, 5, 1000))),
            "unpreferred": draw(st.sampled_from((0, 1, 10))),
            "target_deviation": draw(st.sampled_from((0, 1, 3))),
            "change": draw(st.sampled_from((0, 1, 5))),
        },
        "shifts": shifts,
        "people": people,
    }
    pairs = [{"shift": s["id"], "person": p["id"]} for s in shifts for p in people]
    if pairs and draw(st.booleans()):
        document["previous"] = draw(
            st.lists(st.sampled_from(pairs), max_size=4, unique_by=lambda x: tuple(x.values()))
        )
    if pairs and draw(st.integers(0, 4)) == 0:
        document["pinned"] = draw(
            st.lists(st.sampled_from(pairs), max_size=2, unique_by=lambda x: tuple(x.values()))
        )
    return document


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_roster_passes_the_referee_with_the_same_penalty(document):
    try:
        solution = solve(document, seconds=5)
    except PinConflictError:
        # infeasible pins: the referee must agree that pinning them all is invalid
        forced = {"format": "roster-solution/1", "problem": "random", "assignments": document["pinned"]}
        assert not referee().check(document, forced)["valid"] or _needs_more_than_pins(document)
        return
    report = referee().check(document, solution.to_json())
    assert report["valid"], report["violations"]
    assert solution.penalty == pytest.approx(report["penalty"], abs=1e-6)
    assert solution.parts == report["parts"]
    if solution.status == "optimal":
        assert solution.bound == pytest.approx(solution.penalty)


def _needs_more_than_pins(document: dict) -> bool:
    """Pins valid on their own can still be infeasible when no roster around them keeps the ratio."""
    return document["rules"]["supervisor_ratio"] is not None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_greedy_first_roster_is_always_valid(document):
    """The fallback roster alone must pass the referee whenever the pins are consistent."""
    judged = greedy_judged(document)
    if judged is None:
        return
    evaluation, report = judged
    assert evaluation.penalty == pytest.approx(report["penalty"], abs=1e-6)
    assert evaluation.valid == report["valid"]
    if not report["valid"]:
        # only pins the greedy could not build supervisors around may leave it invalid
        assert parse_problem(document).pinned and set(report["violations"]) == {"7-supervisor-ratio"}
