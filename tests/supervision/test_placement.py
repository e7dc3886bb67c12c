"""Group placement, pure: capacity, availability, balance, continuity, explanations; both backends agree."""
import random

import pytest

from supervision.placement import ALL_FULL, NO_SESSION, Counselor, Session, evaluate, place

BACKENDS = ["flow", "mip", "cpsat"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_capacity_and_availability_hold_and_the_left_out_are_explained(backend):
    sessions = [Session(1, 100, 2), Session(2, 200, 1)]
    counselors = [Counselor(i, frozenset({1})) for i in range(1, 5)] + [Counselor(9, frozenset())]
    result = place(sessions, counselors, backend=backend, seconds=10)
    evaluate(sessions, counselors, result.assignments)  # raises if a rule is broken
    assert len(result.assignments) == 2 and set(result.assignments.values()) == {1}
    assert result.unplaced[9] == NO_SESSION
    assert sorted(v for k, v in result.unplaced.items() if k != 9) == [ALL_FULL, ALL_FULL]
    assert result.status == "optimal"


@pytest.mark.parametrize("backend", BACKENDS)
def test_everyone_who_can_be_placed_is_placed_before_balance(backend):
    # counselor 1 can only go to session 1; 2 can go anywhere: 2 must not take 1's only seat
    sessions = [Session(1, 100, 1), Session(2, 200, 1)]
    counselors = [Counselor(1, frozenset({1})), Counselor(2, frozenset({1, 2}))]
    result = place(sessions, counselors, backend=backend, seconds=10)
    assert result.assignments == {1: 1, 2: 2}


@pytest.mark.parametrize("backend", BACKENDS)
def test_groups_are_balanced_across_supervisors(backend):
    sessions = [Session(s, 100 + s, 12) for s in range(1, 4)]
    counselors = [Counselor(i, frozenset({1, 2, 3})) for i in range(9)]
    result = place(sessions, counselors, backend=backend, seconds=10)
    assert sorted(result.loads.values()) == [3, 3, 3] and result.fullest == 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_last_times_supervisor_is_preferred_when_balance_allows(backend):
    sessions = [Session(1, 100, 12), Session(2, 200, 12)]
    counselors = ([Counselor(i, frozenset({1, 2}), last_supervisor_id=200) for i in range(3)]
                  + [Counselor(i, frozenset({1, 2}), last_supervisor_id=100) for i in range(3, 6)])
    result = place(sessions, counselors, backend=backend, seconds=10)
    assert result.continuity == 6
    assert all(result.assignments[i] == 2 for i in range(3))


@pytest.mark.parametrize("backend", BACKENDS)
def test_nothing_to_place_is_fine(backend):
    assert place([Session(1, 1, 12)], [], backend=backend).assignments == {}
    result = place([], [Counselor(1, frozenset({5}))], backend=backend)
    assert result.unplaced == {1: NO_SESSION}


def test_the_checker_refuses_broken_placements():
    sessions = [Session(1, 100, 1)]
    counselors = [Counselor(1, frozenset({1})), Counselor(2, frozenset({1})), Counselor(3, frozenset())]
    with pytest.raises(ValueError, match="capacity"):
        evaluate(sessions, counselors, {1: 1, 2: 1})
    with pytest.raises(ValueError, match="cannot attend"):
        evaluate(sessions, counselors, {3: 1})


def test_all_backends_reach_the_same_optimum_on_a_random_day():
    rng = random.Random(7)
    sessions = [Session(s, 1000 + s % 9, rng.choice([8, 10, 12])) for s in range(12)]
    counselors = [Counselor(i, frozenset(rng.sample(range(12), rng.randint(0, 4))),
                            last_supervisor_id=rng.choice([None, 1000 + rng.randrange(9)])) for i in range(130)]
    flow = place(sessions, counselors, backend="flow")
    mip = place(sessions, counselors, backend="mip", seconds=20, relative_gap=0)
    cpsat = place(sessions, counselors, backend="cpsat", seconds=20, relative_gap=0)
    assert flow.status == mip.status == cpsat.status == "optimal"
    assert flow.objective == mip.objective == cpsat.objective
    for result in (flow, mip, cpsat):
        evaluate(sessions, counselors, result.assignments)
        assert set(result.assignments) | set(result.unplaced) == {c.id for c in counselors}
