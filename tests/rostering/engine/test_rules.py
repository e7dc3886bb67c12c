"""Each hard rule on a tiny problem whose best roster is known by hand."""

from __future__ import annotations

import pytest

from rostering.engine import solve

from .helpers import pairs_of, person, problem, referee_report, shift


def solved(document: dict):
    solution = solve(document, seconds=5)
    report = referee_report(document, solution)
    assert report["valid"], report["violations"]
    assert solution.penalty == pytest.approx(report["penalty"])
    assert solution.status == "optimal"
    return solution


def test_role_and_channel_match():
    document = problem(
        [shift("voice", 0, 4, channel="voice"), shift("sup", 0, 8, channel=None)],
        [person("texter", channels=("text",)), person("voicer"), person("boss", role="supervisor")],
    )
    assert pairs_of(solved(document)) == {("voice", "voicer"), ("sup", "boss")}


def test_availability_written_in_other_utc_offsets():
    # the shift is 10:00-14:00 UTC; "east" gives 18:00-22:00 at +08:00 (the same instants),
    # "west" gives 05:00-08:00 at -05:00, an hour short
    document = problem(
        [shift("day", 10, 14, high=2)],
        [person("east", available=((10, 14),), offset=8), person("west", available=((10, 13),), offset=-5)],
    )
    solution = solved(document)
    assert pairs_of(solution) == {("day", "east")}


def test_availability_union_of_touching_windows():
    document = problem([shift("day", 10, 14)], [person("split", available=((10, 12), (12, 14)))])
    assert pairs_of(solved(document)) == {("day", "split")}


def test_no_more_than_max():
    document = problem(
        [shift("busy", 0, 4, low=1, high=2)], [person(name, target=4) for name in ("a", "b", "c")]
    )
    assert len(solved(document).assignments) == 2


def test_overlap_is_refused():
    document = problem([shift("one", 0, 4), shift("two", 2, 6)], [person("solo")])
    assert len(solved(document).assignments) == 1


@pytest.mark.parametrize(("rest", "both"), [(8, False), (4, True)])
def test_rest_across_midnight(rest, both):
    # 20:00-24:00 then 04:00-08:00 the next day: 4 hours apart
    document = problem([shift("late", 20, 24), shift("early", 28, 32)], [person("solo")], rest=rest)
    assert len(solved(document).assignments) == (2 if both else 1)


def test_max_hours():
    document = problem([shift("one", 0, 4), shift("two", 10, 14)], [person("solo", max_hours=4)])
    assert len(solved(document).assignments) == 1


def test_supervisor_ratio_counts_at_every_instant():
    # ratio 1, one supervisor 00:00-08:00: at most one counselor at any instant
    document = problem(
        [shift("c1", 0, 4, low=2, high=2), shift("c2", 4, 8, low=1), shift("s", 0, 8, channel=None)],
        [person(f"c{k}") for k in range(3)] + [person("boss", role="supervisor")],
        ratio=1,
    )
    solution = solved(document)
    assert sum(1 for s, _ in solution.assignments if s == "c1") == 1
    assert sum(1 for s, _ in solution.assignments if s == "c2") == 1


def test_supervisor_ratio_at_shift_boundaries():
    # the supervisor shift starts two hours into the counselor shift: 00:00-02:00 has nobody to supervise
    document = problem(
        [shift("c", 0, 4), shift("s", 2, 10, channel=None)],
        [person("counselor"), person("boss", role="supervisor")],
        ratio=3,
    )
    solution = solved(document)
    assert all(s != "c" for s, _ in solution.assignments)
    shortfall = next(s for s in solution.shortfalls if s.shift == "c")
    assert "supervisor_ratio" in {reason.code for reason in shortfall.reasons}


def test_no_ratio_rule_means_counselors_alone_are_fine():
    document = problem([shift("c", 0, 4)], [person("counselor")], ratio=None)
    assert pairs_of(solved(document)) == {("c", "counselor")}


def test_pinned_pair_is_kept_even_when_costly():
    document = problem(
        [shift("c", 0, 4)],
        [person("cheap"), person("dear", unpreferred=((0, 4),))],
        pinned=[{"shift": "c", "person": "dear"}],
    )
    assert pairs_of(solved(document)) == {("c", "dear")}


def test_pinned_counselors_bring_the_supervisors_they_need():
    # ratio 1 and two pinned counselors: both supervisors must work although the supervisor shift wants none
    document = problem(
        [shift("c", 0, 4, low=0, high=2), shift("s", 0, 8, channel=None, low=0, high=2)],
        [person("c1"), person("c2"), person("b1", role="supervisor"), person("b2", role="supervisor")],
        ratio=1,
        pinned=[{"shift": "c", "person": "c1"}, {"shift": "c", "person": "c2"}],
    )
    assert pairs_of(solved(document)) == {("c", "c1"), ("c", "c2"), ("s", "b1"), ("s", "b2")}


@pytest.mark.parametrize("workers", [1, 2])
def test_empty_problems(workers):
    for shifts, people in (([], []), ([shift("c", 0, 4)], []), ([], [person("idle", target=4)])):
        document = problem(shifts, people)
        solution = solve(document, seconds=2, workers=workers)
        assert solution.assignments == ()
        assert referee_report(document, solution)["penalty"] == solution.penalty
