"""Shortfalls say why a shift is short; clashing pins say which pairs break which rule."""

from __future__ import annotations

import pytest

from rostering.engine import PinConflictError, solve

from .helpers import person, problem, shift


def reasons_of(document: dict, shift_id: str) -> dict[str, object]:
    solution = solve(document, seconds=5)
    shortfall = next(s for s in solution.shortfalls if s.shift == shift_id)
    assert shortfall.short == shortfall.min - shortfall.assigned > 0
    return {reason.code: reason for reason in shortfall.reasons}


def test_nobody_with_the_channel():
    reasons = reasons_of(problem([shift("text", 0, 4, channel="text")], [person("voicer")]), "text")
    assert (
        reasons["no_one_available"].message
        == "No counselors trained for text are available for the whole shift."
    )


def test_too_few_available():
    reasons = reasons_of(problem([shift("c", 0, 4, low=3, high=3)], [person("a"), person("b")]), "c")
    assert reasons["few_available"].count == 2


def test_hour_limit():
    document = problem(
        [shift("first", 0, 4, low=1), shift("second", 10, 14, low=1)], [person("solo", max_hours=4)]
    )
    solution = solve(document, seconds=5)
    (shortfall,) = solution.shortfalls
    assert [r.code for r in shortfall.reasons] == ["hour_limit"]


def test_rest_and_busy():
    document = problem(
        [shift("a", 0, 4, low=2, high=2), shift("b", 2, 6, low=1), shift("c", 8, 12, low=1)],
        [person("x"), person("y")],
        rest=8,
    )
    solution = solve(document, seconds=5)
    codes = {s.shift: {r.code for r in s.reasons} for s in solution.shortfalls}
    assert codes["b"] == {"busy_elsewhere"}
    assert codes["c"] == {"rest"}


def test_supervisor_ratio_and_supervisors_short():
    document = problem(
        [shift("c", 0, 4, low=3, high=3), shift("s", 0, 8, channel=None, low=2, high=2)],
        [person(f"c{k}") for k in range(3)] + [person("boss", role="supervisor")],
        ratio=2,
    )
    reasons = reasons_of(document, "c")
    assert reasons["supervisor_ratio"].count == 1
    assert "s" in reasons["supervisors_short"].message


def conflicts(document: dict) -> list:
    with pytest.raises(PinConflictError) as caught:
        solve(document, seconds=5)
    return caught.value.conflicts


def test_pins_overlapping_for_one_person():
    document = problem(
        [shift("a", 0, 4), shift("b", 2, 6)],
        [person("x")],
        pinned=[{"shift": "a", "person": "x"}, {"shift": "b", "person": "x"}],
    )
    (conflict,) = conflicts(document)
    assert conflict.rule == "overlap"
    assert conflict.pairs == (("a", "x"), ("b", "x"))


def test_pins_too_close_for_rest():
    document = problem(
        [shift("a", 0, 4), shift("b", 6, 10)],
        [person("x")],
        rest=8,
        pinned=[{"shift": "a", "person": "x"}, {"shift": "b", "person": "x"}],
    )
    assert [c.rule for c in conflicts(document)] == ["rest"]


def test_pins_beyond_max_hours_and_max():
    document = problem(
        [shift("a", 0, 4), shift("b", 10, 14)],
        [person("x", max_hours=6), person("y")],
        pinned=[{"shift": "a", "person": "x"}, {"shift": "b", "person": "x"}, {"shift": "a", "person": "y"}],
    )
    rules = {c.rule for c in conflicts(document)}
    assert rules == {"max_hours", "max"}


def test_pin_on_the_wrong_channel_or_unavailable():
    document = problem(
        [shift("t", 0, 4, channel="text"), shift("v", 30, 34)],
        [person("x", channels=("voice",), available=((0, 24),))],
        pinned=[{"shift": "t", "person": "x"}, {"shift": "v", "person": "x"}],
    )
    assert [c.rule for c in conflicts(document)] == ["channel", "availability"]


def test_pins_breaking_the_supervisor_ratio():
    document = problem(
        [shift("c", 0, 4, high=3), shift("s", 0, 8, channel=None)],
        [person(f"c{k}") for k in range(3)] + [person("boss", role="supervisor")],
        ratio=2,
        pinned=[{"shift": "c", "person": f"c{k}"} for k in range(3)],
    )
    (conflict,) = conflicts(document)
    assert conflict.rule == "supervisor_ratio"
    assert len(conflict.pairs) == 3
