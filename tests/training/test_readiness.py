"""Readiness for duty and being behind schedule, as pure functions: facts built by hand, no database."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.enums import Area, Attendance
from training.readiness import (
    AreaProgress,
    AreaRequirement,
    PaceFacts,
    behind_schedule,
    credited_minutes,
    evaluate,
    hours,
)

VERSION_1 = (
    AreaRequirement(Area.SKILLS, 6 * 60, 60),
    AreaRequirement(Area.ETHICS, 4 * 60, 70),
    AreaRequirement(Area.PROCESSES, 2 * 60, 60),
    AreaRequirement(Area.CRISIS, 4 * 60, 80),
    AreaRequirement(Area.PLATFORM, 2 * 60, 60, assessment_required=False),
)
# a later version asks for more ethics hours and a higher crisis pass mark
VERSION_2 = tuple(
    AreaRequirement(r.area, r.required_minutes + (120 if r.area == Area.ETHICS else 0),
                    85 if r.area == Area.CRISIS else r.pass_mark, r.assessment_required) for r in VERSION_1)


def everything_done(requirements=VERSION_1, *, score_bonus=0) -> list[AreaProgress]:
    return [AreaProgress(r.area, r.required_minutes, (r.pass_mark + score_bonus,) if r.assessment_required else ())
            for r in requirements]


def replace(progress: list[AreaProgress], area: str, **changes) -> list[AreaProgress]:
    return [AreaProgress(p.area, changes.get("minutes", p.minutes), changes.get("scores", p.scores))
            if p.area == area else p for p in progress]


def test_every_area_with_its_hours_and_a_pass_is_ready():
    readiness = evaluate(VERSION_1, everything_done())
    assert readiness.ready
    assert readiness.areas_done == 5
    assert readiness.missing() == ()


def test_nothing_done_is_not_ready_and_every_area_says_what_is_missing():
    readiness = evaluate(VERSION_1, [])
    assert not readiness.ready
    assert [a.area for a in readiness.missing()] == [r.area for r in VERSION_1]
    skills = readiness.area(Area.SKILLS)
    assert skills.missing == ("6 more hours to attend (0 of 6).", "Not assessed yet (pass mark 60).")
    # an area that is not assessed only asks for hours
    assert readiness.area(Area.PLATFORM).missing == ("2 more hours to attend (0 of 2).",)


def test_one_minute_short_of_the_hours_is_not_ready():
    progress = replace(everything_done(), Area.ETHICS, minutes=4 * 60 - 1)
    readiness = evaluate(VERSION_1, progress)
    assert not readiness.ready
    assert readiness.area(Area.ETHICS).minutes_left == 1
    assert readiness.area(Area.ETHICS).missing == ("0.1 more hours to attend (3.9 of 4).",)


def test_a_score_below_the_pass_mark_is_not_a_pass_and_the_pass_mark_itself_is():
    below = evaluate(VERSION_1, replace(everything_done(), Area.CRISIS, scores=(79,)))
    assert not below.ready
    assert below.area(Area.CRISIS).missing == ("Assessed once, best score 79; the pass mark is 80.",)
    assert evaluate(VERSION_1, replace(everything_done(), Area.CRISIS, scores=(80,))).ready


def test_a_retake_that_passes_makes_the_area_done_and_the_history_counts_attempts():
    failed_twice = evaluate(VERSION_1, replace(everything_done(), Area.CRISIS, scores=(50, 72)))
    assert failed_twice.area(Area.CRISIS).missing == ("Assessed 2 times, best score 72; the pass mark is 80.",)
    passed_third = evaluate(VERSION_1, replace(everything_done(), Area.CRISIS, scores=(50, 72, 91)))
    assert passed_third.ready
    assert passed_third.area(Area.CRISIS).attempts == 3
    assert passed_third.area(Area.CRISIS).best_score == 91


def test_a_later_lower_retake_does_not_take_a_pass_away():
    assert evaluate(VERSION_1, replace(everything_done(), Area.SKILLS, scores=(75, 40))).ready


def test_the_crisis_plan_is_not_done_by_attending_alone():
    progress = replace(everything_done(), Area.CRISIS, minutes=100 * 60, scores=())
    readiness = evaluate(VERSION_1, progress)
    assert not readiness.ready
    assert readiness.area(Area.CRISIS).hours_met and not readiness.area(Area.CRISIS).assessment_met


def test_a_counselor_is_judged_on_their_own_curriculum_version():
    done_on_version_1 = everything_done(VERSION_1)
    assert evaluate(VERSION_1, done_on_version_1).ready
    version_2 = evaluate(VERSION_2, done_on_version_1)
    assert not version_2.ready
    assert {a.area for a in version_2.missing()} == {Area.ETHICS, Area.CRISIS}


def test_progress_in_an_area_the_version_does_not_have_is_ignored():
    three_areas = VERSION_1[:3]
    progress = everything_done(three_areas) + [AreaProgress(Area.CRISIS, 0, (0,))]
    assert evaluate(three_areas, progress).ready


def test_an_empty_curriculum_is_never_ready():
    assert not evaluate((), everything_done()).ready


@given(minutes=st.lists(st.integers(0, 1000), min_size=5, max_size=5),
       scores=st.lists(st.lists(st.integers(0, 100), max_size=4), min_size=5, max_size=5))
def test_ready_exactly_when_every_area_has_its_minutes_and_a_passing_attempt(minutes, scores):
    progress = [AreaProgress(r.area, m, tuple(s)) for r, m, s in zip(VERSION_1, minutes, scores, strict=True)]
    expected = all(
        m >= r.required_minutes and (not r.assessment_required or any(x >= r.pass_mark for x in s))
        for r, m, s in zip(VERSION_1, minutes, scores, strict=True))
    readiness = evaluate(VERSION_1, progress)
    assert readiness.ready == expected
    assert all(bool(a.missing) != a.done for a in readiness.areas)


@pytest.mark.parametrize(("status", "minutes", "credited"), [
    (Attendance.PRESENT, None, 120), (Attendance.PRESENT, 200, 120), (Attendance.PRESENT, 110, 110),
    (Attendance.LATE, 95, 95), (Attendance.LEFT_EARLY, 60, 60), (Attendance.LATE, None, 0),
    (Attendance.LEFT_EARLY, 500, 120), (Attendance.EXCUSED, 120, 0), (Attendance.ABSENT, 120, 0),
    (Attendance.UNMARKED, 120, 0),
])
def test_credited_minutes(status, minutes, credited):
    assert credited_minutes(status, minutes, 120) == credited


def test_hours_in_words():
    assert [hours(m) for m in (0, 90, 120, 125)] == ["0", "1.5", "2", "2.1"]


TODAY = date(2026, 12, 10)


def test_no_progress_for_n_days_is_behind_schedule():
    facts = PaceFacts(started_on=date(2026, 11, 1), last_progress_on=date(2026, 12, 3), missed_sessions=0)
    assert behind_schedule(facts, TODAY, idle_days=7) == ("No progress for 7 days.",)
    assert behind_schedule(facts, TODAY, idle_days=8) == ()


def test_a_new_counselor_with_nothing_done_is_measured_from_the_start():
    assert behind_schedule(PaceFacts(date(2026, 12, 8), None, 0), TODAY, idle_days=7) == ()
    assert behind_schedule(PaceFacts(date(2026, 12, 1), None, 0), TODAY, idle_days=7) == ("No progress for 9 days.",)


def test_missed_sessions_are_behind_schedule_and_a_ready_counselor_never_is():
    facts = PaceFacts(date(2026, 12, 1), date(2026, 12, 9), missed_sessions=3)
    assert behind_schedule(facts, TODAY, max_missed=2) == ("Missed 3 sessions.",)
    assert behind_schedule(facts, TODAY, max_missed=4) == ()
    ready = PaceFacts(date(2026, 1, 1), None, missed_sessions=9, ready=True)
    assert behind_schedule(ready, TODAY) == ()
