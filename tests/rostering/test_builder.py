"""The problem builder: the engine's input from the database, in a fixed number of queries."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering import engine
from rostering.models import AvailabilityException, DemandOverride
from rostering.selectors import build_problem, person_key
from tests.rostering.factories import rostered_person, small_demand

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 23)  # London's clocks change on Sunday 29 March


def people(count: int) -> None:
    for i in range(count):
        rostered_person(role="supervisor" if i % 5 == 0 else "counselor", tz="Europe/London" if i % 2 else
                        "Asia/Shanghai", hours=range(8, 20), unpreferred=(8,))


def queries_to_build(days: int = 7) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        problem = build_problem(start=MONDAY, days=days)
    return len(captured), problem


def test_the_builder_takes_the_same_number_of_queries_for_2_and_30_people():
    people(2)
    small, problem_small = queries_to_build()
    people(28)
    large, problem_large = queries_to_build()
    assert len(problem_small["people"]) == 2 and len(problem_large["people"]) == 30
    assert small == large <= 9


def test_the_built_problem_is_valid_for_the_engine_and_has_the_default_shifts():
    small_demand()
    people(3)
    problem = build_problem(start=MONDAY, days=7)
    parsed = engine.parse_problem(problem)
    assert len(parsed.shifts) == 7 * (2 * 6 + 3)  # voice and text every 4 h, supervisors every 8 h
    assert problem["horizon"] == {"start": "2026-03-23T00:00+08:00", "end": "2026-03-30T00:00+08:00"}
    assert problem["format"] == "roster-problem/2" and problem["timezone"] == "Asia/Shanghai"
    assert problem["rules"] == {"supervisor_ratio": 4, "min_rest_hours": 8, "max_consecutive_days": 5,
                                "night": {"start": "00:00", "end": "07:00"}, "night_fair_share": 1}
    assert problem["weights"] == {"uncovered": 1000, "unpreferred": 10, "target_deviation": 1,
                                  "inexperienced": 100, "night_fairness": 20}


def test_only_volunteers_ready_for_duty_are_rostered():
    ready = rostered_person(status="active")
    waiting = rostered_person(status="awaiting_training")
    left = rostered_person(status="left")
    ids = {p["id"] for p in build_problem(start=MONDAY, days=7)["people"]}
    assert person_key(ready.pk) in ids
    assert person_key(waiting.pk) not in ids and person_key(left.pk) not in ids


def test_a_london_and_a_new_york_volunteer_across_the_dst_change():
    london = rostered_person(tz="Europe/London", hours=range(18, 22), weekdays=[6])
    new_york = rostered_person(tz="America/New_York", hours=range(9, 11), weekdays=[6])
    problem = build_problem(start=MONDAY, days=8)
    by_id = {p["id"]: p for p in problem["people"]}
    # Sunday 18-22 in London: 02-06 Monday in Shanghai in winter time, 01-05 after the clocks change
    assert by_id[person_key(london.pk)]["available"] == [
        ["2026-03-23T02:00+08:00", "2026-03-23T06:00+08:00"],
        ["2026-03-30T01:00+08:00", "2026-03-30T05:00+08:00"],
    ]
    # New York is on summer time since 8 March: Sunday 09:00 EDT = 21:00 in Shanghai
    assert by_id[person_key(new_york.pk)]["available"] == [["2026-03-29T21:00+08:00", "2026-03-29T23:00+08:00"]]


def test_channels_limits_and_exceptions_reach_the_problem():
    person = rostered_person(voice=True, text=False, max_hours=12, target_hours=6, hours=range(0, 24))
    AvailabilityException.objects.create(user=person, date=MONDAY, start_hour=0, end_hour=24, kind="unavailable")
    DemandOverride.objects.create(channel="voice", date=MONDAY, hour=0, wanted=40)
    DemandOverride.objects.create(channel="voice", date=MONDAY, hour=1, wanted=40)
    DemandOverride.objects.create(channel="voice", date=MONDAY, hour=2, wanted=40)
    DemandOverride.objects.create(channel="voice", date=MONDAY, hour=3, wanted=40)
    problem = build_problem(start=MONDAY, days=14)
    mine = next(p for p in problem["people"] if p["id"] == person_key(person.pk))
    assert mine["channels"] == ["voice"]
    assert (mine["max_hours"], mine["target_hours"]) == (24, 12)  # two weeks
    assert mine["available"][0][0] == "2026-03-24T00:00+08:00"  # Monday taken away
    first_voice = next(s for s in problem["shifts"] if s["id"] == "c-20260323-00-voice")
    assert first_voice["min"] == 40
