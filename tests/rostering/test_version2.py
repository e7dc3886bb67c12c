"""The app's version 2 rosters (roster-problem/2): days in a row, the night and nights per person, the fair
share, experienced people. Through the real stack: the rules page, the builder, the engine, the referee, the
run page in both languages."""
import json
import subprocess
import sys
from datetime import date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from people.enums import StaffRole
from rostering import engine, services
from rostering.exceptions import RosterError
from rostering.exports import solution_document
from rostering.forms import AvailabilityProfileForm, RosterSettingsForm, ShiftTemplateForm
from rostering.models import (
    AvailabilityProfile,
    ExperienceMark,
    RosterRun,
    RosterSettings,
    ShiftTemplate,
)
from rostering.selectors import build_problem, longest_run_of_days, person_key, platform_zone
from tests.people.factories import staff_member
from tests.rostering.engine.helpers import shared_dir
from tests.rostering.factories import rostered_person, small_demand

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 23)

RULE_FIELDS = {"form": "rules", "supervisor_ratio": 4, "min_rest_hours": 8, "peak_counselors": 3,
               "overstaff_percent": 25, "max_consecutive_days": 5, "night_start": "00:00", "night_end": "07:00",
               "max_night_shifts_per_week": 2, "night_fair_share_per_week": 1, "experienced_after_hours": 40,
               "weight_uncovered": 1000, "weight_unpreferred": 10, "weight_target": 1, "weight_change": 5,
               "weight_inexperienced": 100, "weight_night_fairness": 20}


def set_rules(**values) -> RosterSettings:
    rules = RosterSettings.current()
    for name, value in values.items():
        setattr(rules, name, value)
    rules.save()
    return rules


def generate(django_capture_on_commit_callbacks, *, days=4, seconds=30, **kwargs) -> RosterRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_create(actor=None, start=MONDAY, days=days, seconds=seconds, **kwargs)
    run.refresh_from_db()
    return run


def referee_report(tmp_path, problem: dict, solution: dict) -> tuple[int, dict]:
    """check_roster.py's verdict on a problem and a solution the app wrote (exit code, report)."""
    problem_file, solution_file = tmp_path / "problem.json", tmp_path / "solution.json"
    problem_file.write_text(json.dumps(problem))
    solution_file.write_text(json.dumps(solution))
    done = subprocess.run([sys.executable, str(shared_dir() / "check_roster.py"), str(problem_file),
                           str(solution_file)], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2: the referee could not read the problem
    return done.returncode, json.loads(done.stdout)


def by_person(run: RosterRun) -> dict[int, list]:
    out: dict[int, list] = {}
    for a in run.assignments.select_related("shift"):
        out.setdefault(a.person_id, []).append(a.shift)
    return out


# --- the builder -----------------------------------------------------------------------------------------------

def test_the_builder_writes_version_2_and_the_referee_reads_it(tmp_path):
    small_demand()
    rostered_person()
    rostered_person(role="supervisor")
    problem = build_problem(start=MONDAY, days=7)
    assert problem["format"] == "roster-problem/2" and problem["timezone"] == "Asia/Shanghai"
    code, report = referee_report(tmp_path, problem, {"format": "roster-solution/1", "problem": problem["name"],
                                                      "assignments": []})
    assert (code, report["valid"], report["violations"]) == (0, True, {})
    assert {"inexperienced_hours", "night_excess_shifts"} <= set(report["parts"])  # judged as version 2


def test_every_rule_reaches_the_problem():
    small_demand()
    set_rules(max_consecutive_days=3, night_start=time(22, 30), night_end=time(6, 0), max_night_shifts_per_week=3,
              night_fair_share_per_week=2, weight_inexperienced=70, weight_night_fairness=9)
    default = rostered_person()
    fewer = rostered_person()
    AvailabilityProfile.objects.filter(user=fewer).update(max_night_shifts_per_week=1)
    more = rostered_person()  # a person cannot raise the service's limit for themselves
    AvailabilityProfile.objects.filter(user=more).update(max_night_shifts_per_week=9)
    ShiftTemplate.objects.filter(role="counselor", start_hour=20).update(experienced_percent=50)
    ShiftTemplate.objects.filter(role="counselor", start_hour=12).update(experienced_percent=0)
    problem = build_problem(start=MONDAY, days=14)
    assert problem["rules"]["max_consecutive_days"] == 3
    assert problem["rules"]["night"] == {"start": "22:30", "end": "06:00"}
    assert problem["rules"]["night_fair_share"] == 4  # two a week, for two weeks
    assert (problem["weights"]["inexperienced"], problem["weights"]["night_fairness"]) == (70, 9)
    limits = {p["id"]: p["max_night_shifts"] for p in problem["people"]}
    assert limits == {person_key(default.pk): 6, person_key(fewer.pk): 2, person_key(more.pk): 6}
    shifts = {s["id"]: s for s in problem["shifts"]}
    evening = shifts["c-20260323-20-voice"]
    assert evening["min_experienced"] == -(-evening["min"] * 50 // 100) >= 1
    assert shifts["c-20260323-12-voice"]["min_experienced"] == 0
    assert all(0 <= s["min_experienced"] <= s["min"] for s in problem["shifts"])


def test_weekly_limits_scale_with_the_period_rounded_up():
    small_demand()
    set_rules(max_night_shifts_per_week=2, night_fair_share_per_week=1)
    rostered_person()
    one_day = build_problem(start=MONDAY, days=1)
    assert one_day["rules"]["night_fair_share"] == 1 and one_day["people"][0]["max_night_shifts"] == 1
    four_weeks = build_problem(start=MONDAY, days=28)
    assert four_weeks["rules"]["night_fair_share"] == 4 and four_weeks["people"][0]["max_night_shifts"] == 8


def test_without_a_night_there_are_no_night_limits_and_no_limit_means_null():
    small_demand()
    set_rules(night_start=None, night_end=None, max_consecutive_days=None)
    rostered_person()
    problem = build_problem(start=MONDAY, days=7)
    assert problem["rules"]["night"] is None and problem["rules"]["max_consecutive_days"] is None
    assert problem["rules"]["night_fair_share"] is None and problem["people"][0]["max_night_shifts"] is None
    engine.parse_problem(problem)


def test_who_counts_as_experienced(django_capture_on_commit_callbacks):
    """Supervisors; a scheduler's mark; counselors with 40 hours on published rosters before the first day."""
    small_demand(peak=2)
    set_rules(experienced_after_hours=8)
    veteran, marked, newcomer = (rostered_person(max_hours=40, target_hours=40) for _ in range(3))
    supervisor = rostered_person(role="supervisor")
    services.experience_mark(user=marked, actor=None)
    # a published week in which the veteran worked, and a shift of hers after the next period starts
    run = services.run_create(actor=None, start=MONDAY - timedelta(days=7), days=7, seconds=5, enqueue=False)
    shifts = list(run.shifts.filter(role="counselor", channel="voice").order_by("start"))
    from rostering.models import Assignment

    Assignment.objects.bulk_create([Assignment(run=run, shift=shifts[0], person=veteran),
                                    Assignment(run=run, shift=shifts[3], person=veteran)])
    RosterRun.objects.filter(pk=run.pk).update(state="published")
    experienced = {p["id"]: p["experienced"] for p in build_problem(start=MONDAY, days=7)["people"]}
    assert experienced == {person_key(veteran.pk): True, person_key(marked.pk): True,
                           person_key(newcomer.pk): False, person_key(supervisor.pk): True}
    # the hours count only before the period: a roster starting earlier does not see them
    earlier = {p["id"]: p["experienced"] for p in build_problem(start=MONDAY - timedelta(days=7), days=7)["people"]}
    assert earlier[person_key(veteran.pk)] is False
    set_rules(experienced_after_hours=9)  # 8 hours worked: one short
    assert not {p["id"]: p["experienced"] for p in build_problem(start=MONDAY, days=7)["people"]}[
        person_key(veteran.pk)]


# --- limits in the form and in the database -------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("max_consecutive_days", 0), ("max_consecutive_days", 15), ("max_night_shifts_per_week", 15),
    ("night_fair_share_per_week", 15), ("experienced_after_hours", 2001), ("weight_inexperienced", 1_000_001),
    ("weight_night_fairness", 1_000_001), ("night_end", "00:00"), ("night_end", ""), ("night_start", "25:00"),
])
def test_the_rules_form_refuses_what_is_out_of_range(field, value):
    form = RosterSettingsForm({**RULE_FIELDS, field: value}, instance=RosterSettings.current())
    assert not form.is_valid() and field in form.errors


def test_the_rules_form_accepts_no_night_and_no_limits():
    fields = {**RULE_FIELDS, "night_start": "", "night_end": "", "max_consecutive_days": "",
              "max_night_shifts_per_week": "", "night_fair_share_per_week": "", "experienced_after_hours": ""}
    form = RosterSettingsForm(fields, instance=RosterSettings.current())
    assert form.is_valid(), form.errors
    rules = form.save()
    assert rules.night is None and rules.max_consecutive_days is None


@pytest.mark.parametrize("values", [
    {"max_consecutive_days": 0}, {"max_consecutive_days": 15}, {"max_night_shifts_per_week": 15},
    {"night_fair_share_per_week": 15}, {"experienced_after_hours": 2001}, {"weight_inexperienced": 1_000_001},
    {"weight_night_fairness": 1_000_001}, {"night_start": time(3), "night_end": time(3)},
    {"night_start": time(3), "night_end": None},
])
def test_the_database_refuses_what_is_out_of_range(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        set_rules(**values)


def test_template_share_and_personal_night_limit_have_limits_in_form_and_database():
    template = ShiftTemplate.objects.first()
    form = ShiftTemplateForm({"role": "counselor", "channel": "voice", "start_hour": 3, "hours": 4,
                              "experienced_percent": 101})
    assert not form.is_valid() and "experienced_percent" in form.errors
    with pytest.raises(IntegrityError), transaction.atomic():
        ShiftTemplate.objects.filter(pk=template.pk).update(experienced_percent=101)
    with pytest.raises(RosterError):
        services.shift_template_set_experienced(template_id=template.pk, percent=-1, actor=None)
    person = rostered_person()
    profile = AvailabilityProfile.objects.get(user=person)
    form = AvailabilityProfileForm({"max_hours_per_week": 10, "target_hours_per_week": 5, "reminder_hours_before": 12,
                                    "max_night_shifts_per_week": 15}, instance=profile, rules=RosterSettings.current())
    assert not form.is_valid() and "max_night_shifts_per_week" in form.errors
    assert "allows 2 a week" in str(form.fields["max_night_shifts_per_week"].help_text)
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityProfile.objects.filter(pk=profile.pk).update(max_night_shifts_per_week=15)


def test_the_scheduler_sets_the_version_2_rules_on_the_rules_page(client):
    scheduler = staff_member(StaffRole.SCHEDULER)
    client.force_login(scheduler)
    url = reverse("rostering:rules")
    page = client.get(url).content.decode()
    for words in ("Most days in a row a person works", "Night begins (platform time)", "Who counts as experienced",
                  "Experienced share"):
        assert words in page
    response = client.post(url, {**RULE_FIELDS, "max_consecutive_days": 4, "night_start": "23:00",
                                 "night_end": "06:30", "max_night_shifts_per_week": 3})
    assert response.status_code == 302
    rules = RosterSettings.current()
    assert (rules.max_consecutive_days, rules.night, rules.max_night_shifts_per_week) == (
        4, (time(23), time(6, 30)), 3)
    response = client.post(url, {**RULE_FIELDS, "max_consecutive_days": 40})
    assert response.status_code == 200 and "less than or equal to 14" in response.content.decode()
    assert RosterSettings.current().max_consecutive_days == 4
    template = ShiftTemplate.objects.get(role="counselor", channel="text", start_hour=12)
    client.post(url, {"form": "experienced", "template": template.pk, "percent": 40})
    template.refresh_from_db()
    assert template.experienced_percent == 40
    client.post(url, {"form": "experienced", "template": template.pk, "percent": 140})
    template.refresh_from_db()
    assert template.experienced_percent == 40
    volunteer = rostered_person(email="veteran@example.org")
    client.post(url, {"form": "mark", "email": "VETERAN@example.org"})
    assert ExperienceMark.objects.filter(user=volunteer, marked_by=scheduler).exists()
    assert "veteran@example.org" in client.get(url).content.decode()
    client.post(url, {"form": "unmark", "user": volunteer.pk})
    assert not ExperienceMark.objects.exists()
    from common.audit import AuditEntry

    assert {"roster.rules_updated", "roster.template_experienced", "roster.experience_marked",
            "roster.experience_unmarked"} <= set(AuditEntry.objects.values_list("action", flat=True))


# --- end to end: the engine's roster keeps the rules -----------------------------------------------------------

@pytest.fixture
def night_team():
    """Six counselors and three supervisors free all week, wanting all the hours they may work: without limits
    some would work every day and several nights, and their hour limits do not stop them first."""
    small_demand(peak=3)
    counselors = [rostered_person(max_hours=84, target_hours=84) for _ in range(6)]
    supervisors = [rostered_person(role="supervisor", max_hours=84, target_hours=84) for _ in range(3)]
    return counselors, supervisors


def roster_shape(run: RosterRun) -> tuple[int, int]:
    """The most days in a row (platform dates) and the most night shifts anyone works."""
    zone = platform_zone()
    days, nights = 0, 0
    for shifts in by_person(run).values():
        days = max(days, longest_run_of_days({s.start.astimezone(zone).date() for s in shifts}))
        nights = max(nights, sum(s.night for s in shifts))
    return days, nights


def test_a_generated_roster_keeps_days_in_a_row_and_nights_per_person(
        night_team, tmp_path, django_capture_on_commit_callbacks):
    set_rules(max_consecutive_days=None, max_night_shifts_per_week=None, night_fair_share_per_week=None)
    free = generate(django_capture_on_commit_callbacks, days=7)
    assert free.state == "draft", free.error
    free_days, free_nights = roster_shape(free)
    assert free_days > 2 and free_nights > 1  # left alone, the roster breaks both limits below
    set_rules(max_consecutive_days=2, max_night_shifts_per_week=1, night_fair_share_per_week=1)
    run = generate(django_capture_on_commit_callbacks, days=7)
    assert run.state == "draft", run.error
    assert run.solver_status == "optimal"
    days, nights = roster_shape(run)
    assert days <= 2 and nights <= 1
    assert run.shifts.filter(night=True).exists()
    code, report = referee_report(tmp_path, run.problem, solution_document(run))
    assert code == 0, report
    assert report["penalty"] == pytest.approx(run.best_penalty)
    assert report["parts"]["inexperienced_hours"] > 0  # nobody but the supervisors is experienced yet
    codes = {r["code"] for s in run.shortfalls for r in s["reasons"]}
    assert {"consecutive_days", "night_limit", "experienced_short"} <= codes, codes


def test_the_run_page_explains_the_new_reasons_in_both_languages(
        night_team, client, django_capture_on_commit_callbacks):
    set_rules(max_consecutive_days=2, max_night_shifts_per_week=1, night_fair_share_per_week=1)
    run = generate(django_capture_on_commit_callbacks)
    client.force_login(staff_member(StaffRole.SCHEDULER))
    url = reverse("rostering:run", args=[run.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "would work more than 2 days in a row" in english
    assert "have reached their limit of night shifts" in english
    assert "Fewer experienced people are on it than wanted." in english
    assert "Experienced short" in english and "Night shifts (limit)" in english
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "会连续工作超过 2 天" in chinese and "已达到夜班上限" in chinese
    assert "此班次的有经验人员少于所需人数。" in chinese and "缺少有经验人员" in chinese
    assert "would work more than" not in chinese and "limit of night shifts" not in chinese


def test_a_hand_change_that_breaks_days_in_a_row_is_refused_in_words(
        night_team, django_capture_on_commit_callbacks):
    set_rules(max_consecutive_days=1, max_night_shifts_per_week=None, night_fair_share_per_week=None)
    run = generate(django_capture_on_commit_callbacks, days=2)
    zone = platform_zone()
    worked = by_person(run)
    person_id, shifts = next((p, s) for p, s in worked.items() if s[0].role == "counselor")
    day = shifts[0].start.astimezone(zone).date()
    other_day = run.shifts.filter(role="counselor", channel="voice").exclude(
        start__date=day).order_by("start")
    target = next(s for s in other_day if s.start.astimezone(zone).date() != day)
    from people.models import User

    with pytest.raises(RosterError, match="too many days in a row"):
        services.assignment_add(run_id=run.pk, shift_id=target.pk, user=User.objects.get(pk=person_id), actor=None)


# --- re-planning with version 2 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("tightened, rule, words", [
    ({"max_consecutive_days": 1}, "consecutive_days", "Rule 9, days in a row"),
    ({"max_night_shifts_per_week": 0}, "night_shifts", "Rule 10, night shifts"),
])
def test_pins_that_break_a_tightened_rule_are_shown_to_the_scheduler(
        night_team, client, django_capture_on_commit_callbacks, monkeypatch, tightened, rule, words):
    set_rules(max_consecutive_days=3, max_night_shifts_per_week=7, night_fair_share_per_week=None)
    first = generate(django_capture_on_commit_callbacks)
    first = services.run_publish(run_id=first.pk, actor=None)
    # the third morning: two days and two nights have been worked
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 25, 10, tzinfo=platform_zone()))
    set_rules(**tightened)
    replan = generate(django_capture_on_commit_callbacks, replans=first)
    assert replan.state == "failed"
    assert rule in {c["rule"] for c in replan.pin_conflicts}
    assert "(rule 9)" in replan.error or "(rule 10)" in replan.error
    client.force_login(staff_member(StaffRole.SCHEDULER))
    page = client.get(reverse("rostering:run", args=[replan.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert words in page and 'data-testid="retry"' not in page
    conflict = next(c for c in replan.pin_conflicts if c["rule"] == rule)
    from people.models import User

    person = User.objects.get(pk=int(conflict["pairs"][0]["person"][1:]))
    assert str(person) in page
    chinese = {"consecutive_days": "规则 9，连续工作天数", "night_shifts": "规则 10，夜班"}[rule]
    page = client.get(reverse("rostering:run", args=[replan.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert chinese in page


def test_replanning_with_version_2_keeps_the_pins_and_the_limits(
        night_team, tmp_path, django_capture_on_commit_callbacks, monkeypatch):
    set_rules(max_consecutive_days=2, max_night_shifts_per_week=1)
    first = generate(django_capture_on_commit_callbacks)
    first = services.run_publish(run_id=first.pk, actor=None)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 25, 10, tzinfo=platform_zone()))
    replan = generate(django_capture_on_commit_callbacks, replans=first)
    assert replan.state == "draft", replan.error
    assert replan.problem["format"] == "roster-problem/2" and replan.problem["pinned"]
    assert list(replan.shifts.values_list("key", "min_experienced", "night").order_by("key")) == list(
        first.shifts.values_list("key", "min_experienced", "night").order_by("key"))
    days, nights = roster_shape(replan)
    assert days <= 2 and nights <= 1
    code, report = referee_report(tmp_path, replan.problem, solution_document(replan))
    assert code == 0, report
